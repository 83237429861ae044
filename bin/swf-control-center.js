#!/usr/bin/env node
// The installed command: runs the built CLI (npm ci builds it through `prepare`).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'out', 'main', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write(
    'swf-control-center: not built yet; run `npm run build` in the project folder\n',
  );
  process.exit(1);
}
await import(pathToFileURL(cli).href);

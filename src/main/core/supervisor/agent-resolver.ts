import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuiltinAgent } from './fleet.js';

/**
 * The built-in agents' scripts: `$SWF_CC_AGENTS_DIR/<agent>.js`, else the build output
 * `out/agents/<agent>.js` found from where this code runs (the built `out/main/...`, the source
 * tree, or inside a packaged app), whatever the working folder. A missing script is a clear FATAL
 * for that program, not a crash.
 */
export function defaultAgentResolver(agent: BuiltinAgent): string {
  const file = `${agent}.js`;
  if (process.env.SWF_CC_AGENTS_DIR) {
    const script = join(resolve(process.env.SWF_CC_AGENTS_DIR), file);
    if (!existsSync(script)) throw new Error(`script ${script} not found (SWF_CC_AGENTS_DIR)`);
    return script;
  }
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidates = [
      join(dir, 'out', 'agents', file),
      ...(basename(dir) === 'out' ? [join(dir, 'agents', file)] : []),
    ];
    const found = candidates.find((c) => existsSync(c));
    if (found) return found;
    dir = dirname(dir);
  }
  throw new Error(`script out/agents/${file} not found (agents not built? run \`npm run build\`)`);
}

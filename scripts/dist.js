#!/usr/bin/env node
// @ts-check
// `npm run dist`: build, compile better-sqlite3 for Electron's ABI (in a copy), stage it for
// electron-builder, then package for this OS. Extra arguments go to electron-builder
// (`npm run dist -- --linux AppImage`, `-- --dir`). Needs the network for Electron's headers and
// the Electron zip (github.com, electronjs.org): it cannot run on the project's build machines.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronInfo, ensureNativeModule, packageDir } from './electron-setup.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** @param {string} line */
const fail = (line) => {
  process.stderr.write(`swf-control-center dist: ${line}\n`);
  process.exit(1);
};

/**
 * @param {string} what
 * @param {string[]} args
 */
function run(what, args) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) fail(`${what} failed (exit ${result.status ?? result.signal})`);
}

run('electron-vite build', [join(packageDir('electron-vite'), 'bin', 'electron-vite.js'), 'build']);

const { version, abi } = electronInfo();
const nativeRoot = process.env.SWF_CC_NATIVE_DIR ?? join(root, 'native');
process.stderr.write(
  `swf-control-center dist: better-sqlite3 for Electron ${version} (ABI ${abi})...\n`,
);
const native = await ensureNativeModule({
  nativeRoot,
  runtime: 'electron',
  target: version,
  abi,
  distUrl: 'https://electronjs.org/headers',
  timeoutMs: 900_000,
});
if (!native.path)
  fail(`building better-sqlite3 for Electron failed (${native.detail}; log: ${native.log})`);
const staged = join(root, 'native', 'package');
rmSync(staged, { recursive: true, force: true });
mkdirSync(staged, { recursive: true });
cpSync(/** @type {string} */ (native.path), join(staged, 'better_sqlite3.node'));

const builder = join(packageDir('electron-builder'), 'cli.js');
run('electron-builder', [
  builder,
  '--config',
  'electron-builder.yml',
  '--publish',
  'never',
  ...process.argv.slice(2),
]);

#!/usr/bin/env node
// @ts-check
// `npm start` / `npm run dev`: the desktop window when this machine can show one, otherwise the
// same core headless with the UI in a browser, and one line saying which and why.
//
//   node scripts/start.js [--dev] [--headless] [serve options: --port N --data-dir DIR ...]
//
// Environment: SWF_CC_NO_ELECTRON_DOWNLOAD=1 never downloads Electron;
// SWF_CC_ELECTRON_DOWNLOAD_TIMEOUT_MS (default 300000); SWF_CC_NATIVE_BUILD_TIMEOUT_MS (default
// 600000); SWF_CC_NATIVE_DIR (default <project>/native); ELECTRON_MIRROR as electron documents.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  electronBinary,
  electronInfo,
  downloadElectron,
  ensureNativeModule,
  packageDir,
} from './electron-setup.js';
import { decideLaunch, firstErrorLine, needsBuild, nextStep } from './launch-plan.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** @param {string} line */
const say = (line) => process.stderr.write(`${line}\n`);

const argv = process.argv.slice(2);
const dev = argv.includes('--dev');
const forceHeadless = argv.includes('--headless');
const passthrough = argv.filter((a) => a !== '--dev' && a !== '--headless');

/** @param {string} path */
function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * @param {string} path
 * @returns {number}
 */
function newestUnder(path) {
  const own = mtime(path) ?? 0;
  if (!existsSync(path) || !statSync(path).isDirectory()) return own;
  let newest = own;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, newestUnder(join(path, entry.name)));
  }
  return newest;
}

function ensureBuilt() {
  const outputs = [
    'out/main/index.js',
    'out/main/cli.js',
    'out/preload/index.cjs',
    'out/renderer/index.html',
  ].map((p) => mtime(join(root, p)));
  const newestInput = Math.max(
    ...['src', 'agents', 'electron.vite.config.ts'].map((p) => newestUnder(join(root, p))),
  );
  if (!needsBuild({ outputs, newestInput, force: dev })) return;
  say('swf-control-center: building (out/ is missing or older than src/)...');
  const cli = join(packageDir('electron-vite'), 'bin', 'electron-vite.js');
  const args = [cli, 'build', ...(dev ? ['--mode', 'development', '--sourcemap'] : [])];
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) {
    say(
      `swf-control-center: cannot start: \`electron-vite build\` failed (${firstErrorLine(`${result.stderr}\n${result.stdout}`)}); run \`npm run build\` to see the whole error`,
    );
    process.exit(1);
  }
}

async function gatherFacts() {
  const env = process.env;
  const info = electronInfo();
  /** @type {import('./launch-plan.js').LaunchFacts} */
  const facts = { platform: process.platform, env, forceHeadless };
  for (;;) {
    const step = nextStep(facts);
    if (step === 'done') return { facts, info };
    if (step === 'probe-electron') {
      facts.electron = {
        status: electronBinary(env) ? 'present' : 'missing',
        version: info.version,
      };
      if (facts.electron.status === 'missing' && nextStep(facts) === 'done')
        facts.electron.status = 'download-skipped';
    } else if (step === 'download-electron') {
      const timeoutMs = Number(env.SWF_CC_ELECTRON_DOWNLOAD_TIMEOUT_MS ?? 300_000);
      say(
        `swf-control-center: fetching the Electron ${info.version} binary (first start only, up to ${Math.round(timeoutMs / 1000)} s)...`,
      );
      const result = await downloadElectron({
        env,
        timeoutMs,
        logFile: join(nativeRoot(), 'electron-download.log'),
      });
      facts.electron = {
        status: result.ok && electronBinary(env) ? 'downloaded' : 'download-failed',
        detail: result.ok ? 'the installer finished but no binary is there' : result.detail,
        version: info.version,
      };
    } else if (step === 'build-native') {
      const target = info.version;
      const willBuild = !existsSync(
        join(nativeRoot(), `electron-${target}-${info.abi}`, 'better_sqlite3.node'),
      );
      if (willBuild)
        say(
          `swf-control-center: building better-sqlite3 for Electron ${target} (first start only, about 2 minutes)...`,
        );
      facts.native = await ensureNativeModule({
        nativeRoot: nativeRoot(),
        runtime: 'electron',
        target,
        abi: info.abi,
        distUrl: 'https://electronjs.org/headers',
        timeoutMs: Number(env.SWF_CC_NATIVE_BUILD_TIMEOUT_MS ?? 600_000),
      });
    }
  }
}

function nativeRoot() {
  return process.env.SWF_CC_NATIVE_DIR ?? join(root, 'native');
}

async function runHeadless() {
  // In-process rather than a child: the CLI owns SIGINT/SIGTERM and the exit code directly.
  const bin = join(root, 'bin', 'swf-control-center.js');
  process.argv = [process.execPath, bin, 'serve', ...passthrough];
  await import(pathToFileURL(bin).href);
}

/**
 * @param {string} binary
 * @param {string} nativeBinding
 */
function runElectron(binary, nativeBinding) {
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, SWF_CC_NATIVE_BINDING: nativeBinding };
  delete env.ELECTRON_RUN_AS_NODE;
  if (dev) env.SWF_CC_DEV = '1';
  const child = spawn(binary, [root, ...passthrough], { cwd: root, env, stdio: 'inherit' });
  // The app's quit sequence stops the agents; forward the signal and wait for it.
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('error', (err) => {
    say(
      `swf-control-center: could not start Electron (${err.message}); try \`npm start -- --headless\``,
    );
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

ensureBuilt();
const { facts } = await gatherFacts();
const plan = decideLaunch(facts);
say(plan.message);
const binary = plan.mode === 'electron' ? electronBinary(process.env) : undefined;
if (plan.mode === 'electron' && binary) runElectron(binary, plan.nativeBinding);
else await runHeadless();

// @ts-check
// The launcher's side effects: find the Electron binary, try its download, build better-sqlite3
// for Electron's ABI in a copy of the package. Decisions live in launch-plan.js.
import { spawn } from 'node:child_process';
import {
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { clearTimeout, setTimeout } from 'node:timers';
import { dirname, join } from 'node:path';
import { firstErrorLine } from './launch-plan.js';

const require = createRequire(import.meta.url);

/**
 * Where a package lives, without loading it (`require('electron')` would start a download).
 * @param {string} name
 */
export function packageDir(name) {
  return dirname(require.resolve(`${name}/package.json`));
}

/** Electron's version and its NODE_MODULE_VERSION, from the npm package (no binary needed). */
export function electronInfo() {
  const dir = packageDir('electron');
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const abi = readFileSync(join(dir, 'abi_version'), 'utf8').trim();
  return { dir, version, abi };
}

/** @type {Record<string, string>} */
const PLATFORM_EXE = {
  darwin: 'Electron.app/Contents/MacOS/Electron',
  mas: 'Electron.app/Contents/MacOS/Electron',
  win32: 'electron.exe',
};

/**
 * The installed Electron executable, checked the way electron's own install.js does, or
 * undefined. ELECTRON_OVERRIDE_DIST_PATH (electron's own variable) points elsewhere.
 * @param {NodeJS.ProcessEnv} [env]
 * @param {string} [platform]
 * @returns {string | undefined}
 */
export function electronBinary(env = process.env, platform = process.platform) {
  const { dir, version } = electronInfo();
  const exe = PLATFORM_EXE[platform] ?? 'electron';
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const path = join(env.ELECTRON_OVERRIDE_DIST_PATH, exe);
    return existsSync(path) ? path : undefined;
  }
  try {
    const installed = readFileSync(join(dir, 'dist', 'version'), 'utf8')
      .trim()
      .replace(/^v/, '');
    const rel = readFileSync(join(dir, 'path.txt'), 'utf8').trim();
    const path = join(dir, 'dist', rel);
    return installed === version && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs a command, output to a log file (never to the terminal), killed after `timeoutMs`.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number, logFile: string}} opts
 * @returns {Promise<{ok: boolean, detail: string}>}
 */
function runLogged(cmd, args, { cwd, env, timeoutMs, logFile }) {
  return new Promise((resolve) => {
    mkdirSync(dirname(logFile), { recursive: true });
    const log = createWriteStream(logFile);
    let text = '';
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    /** @param {Buffer} chunk */
    const take = (chunk) => {
      log.write(chunk);
      if (text.length < 200_000) text += chunk.toString();
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    let timedOut = false;
    /** @type {(ok: boolean, detail: string) => void} */
    const finish = (ok, detail) => {
      clearTimeout(timer);
      log.end(() => resolve({ ok, detail }));
    };
    child.on('error', (err) => finish(false, err.message));
    child.on('close', (code) => {
      if (timedOut) finish(false, `timed out after ${Math.round(timeoutMs / 1000)} s`);
      else if (code === 0) finish(true, '');
      else finish(false, firstErrorLine(text));
    });
  });
}

/**
 * Fetches the Electron binary with electron's own installer (it honours ELECTRON_MIRROR).
 * @param {{env: NodeJS.ProcessEnv, timeoutMs: number, logFile: string}} opts
 */
export async function downloadElectron({ env, timeoutMs, logFile }) {
  const { dir } = electronInfo();
  return runLogged(process.execPath, [join(dir, 'install.js')], {
    cwd: dir,
    env,
    timeoutMs,
    logFile,
  });
}

/**
 * `native/electron-<version>-<abi>/better_sqlite3.node`: one folder per Electron ABI.
 * @param {string} nativeRoot
 * @param {string} runtime
 * @param {string} version
 * @param {string} abi
 */
export function nativeBindingPath(nativeRoot, runtime, version, abi) {
  return join(nativeRoot, `${runtime}-${version}-${abi}`, 'better_sqlite3.node');
}

/**
 * Builds better-sqlite3 for another runtime in a COPY of the package, so that
 * node_modules/better-sqlite3/build (the Node build `npm test` loads) is never touched.
 * @param {{nativeRoot: string, runtime: 'electron' | 'node', target: string, abi: string,
 *   distUrl?: string, nodedir?: string, timeoutMs: number, env?: NodeJS.ProcessEnv}} opts
 * @returns {Promise<{status: 'present' | 'built' | 'failed', path?: string, detail?: string, log?: string}>}
 */
export async function ensureNativeModule(opts) {
  const out = nativeBindingPath(opts.nativeRoot, opts.runtime, opts.target, opts.abi);
  if (existsSync(out) && statSync(out).size > 0) return { status: 'present', path: out };

  const work = join(opts.nativeRoot, `.work-${opts.runtime}-${opts.target}-${process.pid}`);
  const logFile = join(opts.nativeRoot, `build-${opts.runtime}-${opts.target}.log`);
  const source = packageDir('better-sqlite3');
  const copy = join(work, 'better-sqlite3');
  try {
    rmSync(work, { recursive: true, force: true });
    cpSync(source, copy, {
      recursive: true,
      filter: (src) => {
        const rel = src.slice(source.length).replace(/\\/g, '/');
        return !(rel === '/build' || rel.startsWith('/build/') || rel.startsWith('/node_modules'));
      },
    });
    // A global npm_config_nodedir (set for building better-sqlite3 against the system's Node headers) would make
    // node-gyp compile against Node's headers while claiming the Electron target.
    const env = { ...(opts.env ?? process.env) };
    for (const key of Object.keys(env))
      if (/^npm_config_(nodedir|target|runtime|disturl|dist_url)$/i.test(key)) delete env[key];
    const args = [
      join(packageDir('node-gyp'), 'bin', 'node-gyp.js'),
      'rebuild',
      '--release',
      `--target=${opts.target}`,
      `--runtime=${opts.runtime}`,
      `--arch=${process.arch}`,
    ];
    if (opts.distUrl) args.push(`--dist-url=${opts.distUrl}`);
    if (opts.nodedir) args.push(`--nodedir=${opts.nodedir}`);
    const result = await runLogged(process.execPath, args, {
      cwd: copy,
      env,
      timeoutMs: opts.timeoutMs,
      logFile,
    });
    if (!result.ok) return { status: 'failed', detail: result.detail, log: logFile };
    const built = join(copy, 'build', 'Release', 'better_sqlite3.node');
    if (!existsSync(built))
      return { status: 'failed', detail: 'node-gyp produced no better_sqlite3.node', log: logFile };
    // Copy then rename: a half-written binding must never look present to the next start.
    mkdirSync(dirname(out), { recursive: true });
    cpSync(built, `${out}.tmp`);
    renameSync(`${out}.tmp`, out);
    return { status: 'built', path: out, log: logFile };
  } catch (err) {
    return {
      status: 'failed',
      detail: err instanceof Error ? err.message : String(err),
      log: logFile,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

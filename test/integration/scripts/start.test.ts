import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watch, type Watched } from '../../helpers/child.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { electronInfo } from '../../../scripts/electron-setup.js';

// `npm start` on a machine without the Electron binary (this one): it must fall back to the
// headless core, say why in one line, serve, and stop cleanly on SIGINT.
const root = join(import.meta.dirname, '..', '..', '..');

let dir: ReturnType<typeof tempDir>;
let proc: Watched | undefined;
beforeEach(() => {
  dir = tempDir();
});
afterEach(async () => {
  if (proc && proc.child.exitCode === null && proc.child.signalCode === null) {
    proc.child.kill('SIGKILL');
    await proc.exited();
  }
  proc = undefined;
  dir.remove();
});

/** The environment of a user's shell, minus whatever this machine has that would change the path. */
function env(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, SWF_CC_NATIVE_DIR: join(dir.path, 'native') };
  delete e.DISPLAY;
  delete e.WAYLAND_DISPLAY;
  // An empty folder as electron's own override: "no binary" even where one is installed.
  e.ELECTRON_OVERRIDE_DIST_PATH = join(dir.path, 'no-electron');
  return { ...e, ...extra };
}

function start(extra: NodeJS.ProcessEnv, args: string[] = []) {
  proc = watch(
    process.execPath,
    ['scripts/start.js', ...args, '--port', '0', '--data-dir', join(dir.path, 'data')],
    { cwd: root, env: env(extra) },
  );
  return proc;
}

/** The launcher's own verdict: exactly one line, no stack trace anywhere. */
function verdict(p: Watched): string {
  const lines = p
    .stderr()
    .split('\n')
    .filter((l) => l.startsWith('swf-control-center: starting'));
  expect(lines).toHaveLength(1);
  expect(p.stderr()).not.toMatch(/^\s+at /m);
  return lines[0]!;
}

async function serves(p: Watched) {
  const [, url] = await p.waitFor(/^ready (http:\/\/127\.0\.0\.1:\d+\/)$/m);
  const [, token] = await p.waitFor(/#token=([\w-]+)/);
  const res = await fetch(`${url!}api/cc/status/`, {
    headers: { Authorization: `Bearer ${token!}` },
  });
  expect(res.status).toBe(200);
  expect(existsSync(join(dir.path, 'data', 'core.json'))).toBe(true);
  return url!;
}

describe('npm start without the Electron binary', () => {
  it('no display: headless, one line naming the step and the fix, stops on SIGINT', async () => {
    const p = start({});
    await serves(p);
    expect(verdict(p)).toMatch(
      /starting HEADLESS .* because no display was found \(DISPLAY and WAYLAND_DISPLAY are unset\); to get the desktop window: .*xvfb-run/,
    );
    p.child.kill('SIGINT');
    expect(await p.exited()).toBe(0);
    expect(existsSync(join(dir.path, 'data', 'core.json'))).toBe(false);
  });

  it('display but no binary and downloads disabled: headless without trying the network', async () => {
    const p = start({ DISPLAY: ':99', SWF_CC_NO_ELECTRON_DOWNLOAD: '1' });
    await serves(p);
    expect(verdict(p)).toMatch(
      /because the Electron \d+\.\d+\.\d+ binary is not installed and its download was skipped/,
    );
    expect(p.stderr()).not.toMatch(/fetching the Electron/);
    p.child.kill('SIGINT');
    expect(await p.exited()).toBe(0);
  });

  it('display, no binary, download fails (real installer, local mirror answering 404)', async () => {
    const requests: string[] = [];
    const mirror: Server = createServer((req, res) => {
      requests.push(req.url ?? '');
      res.statusCode = 404;
      res.end('not here');
    });
    await new Promise<void>((r) => mirror.listen(0, '127.0.0.1', r));
    try {
      const port = (mirror.address() as AddressInfo).port;
      const p = start({
        DISPLAY: ':99',
        ELECTRON_MIRROR: `http://127.0.0.1:${port}/`,
        electron_config_cache: join(dir.path, 'electron-cache'),
        SWF_CC_ELECTRON_DOWNLOAD_TIMEOUT_MS: '30000',
      });
      await serves(p);
      expect(verdict(p)).toMatch(
        /because the Electron \S+ binary is not installed and downloading it failed \(Response code 404 \(Not Found\) for http:\/\/127\.0\.0\.1:\d+\/v\S+\/electron-v\S+\.zip\); to get the desktop window: run `npx install-electron`/,
      );
      expect(requests.some((u) => /electron-v.*\.zip$/.test(u))).toBe(true);
      // The installer's stack went to the log, not the terminal.
      expect(existsSync(join(dir.path, 'native', 'electron-download.log'))).toBe(true);
      p.child.kill('SIGTERM');
      expect(await p.exited()).toBe(0);
    } finally {
      mirror.close();
    }
  });

  it('--headless is honoured before any probe, and the serve options pass through', async () => {
    const p = start({ DISPLAY: ':99' }, ['--headless']);
    const url = await serves(p);
    expect(verdict(p)).toMatch(/starting HEADLESS .* because --headless was given/);
    expect(p.stderr()).not.toMatch(/fetching the Electron/);
    expect(p.stderr()).toContain(join(dir.path, 'data'));
    expect(url).not.toBe('http://127.0.0.1:8002/');
    p.child.kill('SIGINT');
    expect(await p.exited()).toBe(0);
  });
});

// The one path that needs Electron itself: a stand-in executable where electron's installer
// would put the binary (ELECTRON_OVERRIDE_DIST_PATH), and an already built native module.
describe.skipIf(process.platform === 'win32')('npm start with everything in place', () => {
  it('launches Electron with the app, the serve options and the native binding; forwards SIGINT', async () => {
    const dist = join(dir.path, 'electron-dist');
    const exe =
      process.platform === 'darwin'
        ? join(dist, 'Electron.app', 'Contents', 'MacOS', 'Electron')
        : join(dist, 'electron');
    const record = join(dir.path, 'electron-run.json');
    mkdirSync(join(exe, '..'), { recursive: true });
    writeFileSync(
      exe,
      `#!${process.execPath}
const { writeFileSync } = require('node:fs');
const run = { args: process.argv.slice(2), binding: process.env.SWF_CC_NATIVE_BINDING,
  runAsNode: process.env.ELECTRON_RUN_AS_NODE ?? null };
writeFileSync(${JSON.stringify(record)}, JSON.stringify(run));
process.on('SIGINT', () => { writeFileSync(${JSON.stringify(record)}, JSON.stringify({ ...run, signal: 'SIGINT' })); process.exit(0); });
console.log('fake electron up');
setInterval(() => {}, 1000);
`,
    );
    chmodSync(exe, 0o755);
    const { version, abi } = electronInfo();
    const binding = join(dir.path, 'native', `electron-${version}-${abi}`, 'better_sqlite3.node');
    mkdirSync(join(binding, '..'), { recursive: true });
    writeFileSync(binding, 'built earlier');

    const p = start({
      DISPLAY: ':99',
      ELECTRON_OVERRIDE_DIST_PATH: dist,
      ELECTRON_RUN_AS_NODE: '1',
    });
    await p.waitFor(/fake electron up/);
    expect(verdict(p)).toBe(
      `swf-control-center: starting the desktop window (Electron ${version})`,
    );
    const run = JSON.parse(readFileSync(record, 'utf8')) as Record<string, unknown>;
    expect(run).toEqual({
      args: [root, '--port', '0', '--data-dir', join(dir.path, 'data')],
      binding,
      // Inherited ELECTRON_RUN_AS_NODE would start Electron as plain Node: removed.
      runAsNode: null,
    });
    p.child.kill('SIGINT');
    expect(await p.exited()).toBe(0);
    expect(JSON.parse(readFileSync(record, 'utf8')).signal).toBe('SIGINT');
  });
});

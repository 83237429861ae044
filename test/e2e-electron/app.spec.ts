import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { electronAvailability, root } from './availability.js';

// The real desktop app: runs only where the Electron binary, a display and the Electron build of
// better-sqlite3 exist; elsewhere every test is skipped with the one-line reason.
const availability = electronAvailability();
test.skip(!availability.ok, availability.ok ? '' : availability.reason);

let app: ElectronApplication;
let page: Page;
let dir: string;

function launchArgs(userData: string) {
  const args = [
    root,
    `--user-data-dir=${userData}`,
    '--port',
    '0',
    '--data-dir',
    join(userData, 'core'),
  ];
  // Chromium refuses its OS sandbox as root (CI containers); the renderer sandbox setting under
  // test is separate and still checked below.
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  return args;
}

test.beforeEach(async () => {
  if (!availability.ok) return;
  dir = mkdtempSync(join(tmpdir(), 'swf-cc-electron-'));
  app = await _electron.launch({
    executablePath: availability.binary,
    args: launchArgs(dir),
    env: { ...process.env, SWF_CC_NATIVE_BINDING: availability.nativeBinding } as Record<
      string,
      string
    >,
  });
  page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
});

test.afterEach(async () => {
  if (!availability.ok) return;
  await app?.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

test('the page has no Node: no require, no process, only the bridge', async () => {
  // The webPreferences themselves are asserted in test/unit/main/electron/window.test.ts;
  // here their effect on the real renderer.
  expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
    'undefined',
  );
  expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe(
    'undefined',
  );
  expect(
    await page.evaluate(() => typeof (globalThis as { ipcRenderer?: unknown }).ipcRenderer),
  ).toBe('undefined');
});

test('the preload hands the page the core URL and token, and the token works', async () => {
  const info = await page.evaluate(() => ({
    controlUrl: window.swfControlCenter?.controlUrl,
    token: window.swfControlCenter?.token,
    keys: Object.keys(window.swfControlCenter ?? {}).sort(),
  }));
  expect(info.controlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  expect(info.token!.length).toBeGreaterThan(20);
  expect(info.keys).toEqual([
    'controlUrl',
    'copyToClipboard',
    'notify',
    'openLogsFolder',
    'showItemInFolder',
    'token',
  ]);
  const res = await fetch(`${info.controlUrl!}api/cc/status/`, {
    headers: { Authorization: `Bearer ${info.token!}` },
  });
  expect(res.status).toBe(200);
  await page.evaluate(() => window.swfControlCenter!.copyToClipboard('from the e2e suite'));
  expect(await app.evaluate(({ clipboard }) => clipboard.readText())).toBe('from the e2e suite');
  await expect(
    page.evaluate(() => window.swfControlCenter!.showItemInFolder('relative')),
  ).rejects.toThrow(/absolute/);
});

test('CSP forbids eval; new windows and foreign navigation are refused', async () => {
  expect(
    await page.evaluate(() => {
      try {
        return String(eval('1 + 1'));
      } catch (err) {
        return (err as Error).name;
      }
    }),
  ).toBe('EvalError');
  expect(await page.evaluate(() => window.open('http://example.com/') === null)).toBe(true);
  const before = page.url();
  await page.evaluate(() => {
    location.href = 'http://example.com/';
  });
  await expect.poll(() => app.windows().length).toBe(1);
  expect(page.url()).toBe(before);
});

test('a second launch exits and leaves the first running', async () => {
  const second = spawn(availability.ok ? availability.binary : '', launchArgs(dir), {
    env: {
      ...process.env,
      SWF_CC_NATIVE_BINDING: availability.ok ? availability.nativeBinding : '',
    },
    stdio: 'ignore',
  });
  const code = await new Promise<number | null>((resolve) => second.on('exit', resolve));
  expect(code).toBe(0);
  expect(await page.evaluate(() => document.readyState)).toBe('complete');
});

test('quitting stops the core', async () => {
  const coreJson = join(dir, 'core', 'core.json');
  expect(existsSync(coreJson)).toBe(true);
  await app.close();
  expect(existsSync(coreJson)).toBe(false);
});

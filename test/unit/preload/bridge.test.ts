import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SwfControlCenterBridge } from '../../../src/shared/preload-api.js';
import { electronMock, resetElectronMock } from '../../helpers/electron-mock.js';
import { tempDir } from '../../helpers/temp-dir.js';

vi.mock('electron', () => import('../../helpers/electron-mock.js'));
// Resolve the mock once now: a factory first run after vi.resetModules() would load a second
// copy of the helper, and the preload would see other objects than this file.
await import('electron');
const { registerIpc } = await import('../../../src/main/electron/ipc.js');

const CORE = 'http://127.0.0.1:8123/';
let dir: ReturnType<typeof tempDir>;
let notified: [string, string][];
let unregister: () => void;

beforeEach(() => {
  resetElectronMock();
  vi.resetModules();
  dir = tempDir();
  notified = [];
  unregister = registerIpc({
    coreUrl: CORE,
    token: 'tok-abc',
    logsDir: join(dir.path, 'logs'),
    notify: (t, b) => notified.push([t, b]),
  });
});
afterEach(() => {
  unregister();
  dir.remove();
});

/** Runs the real preload entry as Electron would for a page loaded from `frameUrl`. */
async function loadPreload(frameUrl: string): Promise<SwfControlCenterBridge> {
  electronMock.rendererFrameUrl = frameUrl;
  await import('../../../src/preload/index.js');
  const api = electronMock.exposed.get('swfControlCenter');
  expect(api).toBeDefined();
  return api as SwfControlCenterBridge;
}

describe('preload bridge', () => {
  it('exposes exactly the contract, with the URL and token from the main process', async () => {
    const api = await loadPreload(`${CORE}#/fleet`);
    expect(Object.keys(api).sort()).toEqual(
      [
        'controlUrl',
        'copyToClipboard',
        'notify',
        'openLogsFolder',
        'showItemInFolder',
        'token',
      ].sort(),
    );
    expect(api.controlUrl).toBe(CORE);
    expect(api.token).toBe('tok-abc');
  });

  it('round-trips every helper through the validated main-process handlers', async () => {
    const api = await loadPreload(CORE);
    await api.copyToClipboard('run 7');
    await api.showItemInFolder('/tmp/agent.log');
    await api.openLogsFolder();
    api.notify('Title', 'Body');
    expect(electronMock.clipboardText).toEqual(['run 7']);
    expect(electronMock.shownItems).toEqual(['/tmp/agent.log']);
    expect(electronMock.openedPaths).toEqual([join(dir.path, 'logs')]);
    expect(notified).toEqual([['Title', 'Body']]);
  });

  it('a page from elsewhere gets no token and its calls are refused', async () => {
    const api = await loadPreload('https://evil.example/');
    expect(api.token).toBe('');
    expect(api.controlUrl).toBe('');
    await expect(api.copyToClipboard('x')).rejects.toThrow(/refused/);
    api.notify('t', 'b');
    expect(electronMock.clipboardText).toEqual([]);
    expect(notified).toEqual([]);
  });

  it('bad arguments from the page are refused by the main process', async () => {
    const api = await loadPreload(CORE);
    await expect(api.showItemInFolder('not/absolute')).rejects.toThrow(/absolute/);
    await expect(api.copyToClipboard(5 as unknown as string)).rejects.toThrow(/invalid/);
  });
});

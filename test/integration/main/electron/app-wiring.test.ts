import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC } from '../../../../src/shared/preload-api.js';
import {
  app,
  BrowserWindow,
  electronMock,
  resetElectronMock,
} from '../../../helpers/electron-mock.js';
import { tempDir } from '../../../helpers/temp-dir.js';

// The Electron entry (src/main/index.ts) with a real core behind the mocked electron module:
// the wiring of window, IPC, tray, menu, single instance and quit.
vi.mock('electron', () => import('../../../helpers/electron-mock.js'));
// Resolve the mock once now: a factory first run after vi.resetModules() would load a second
// copy of the helper, and the entry would see other objects than this file.
await import('electron');

const root = join(import.meta.dirname, '..', '..', '..', '..');
let dir: ReturnType<typeof tempDir>;
let argv: string[];
let signalListeners: Record<'SIGINT' | 'SIGTERM', NodeJS.SignalsListener[]>;

beforeEach(() => {
  resetElectronMock();
  vi.resetModules();
  dir = tempDir();
  app.userData = dir.path;
  app.appPath = root;
  argv = process.argv;
  process.argv = [argv[0]!, root, '--port', '0', '--broker-port', '0'];
  signalListeners = {
    SIGINT: process.listeners('SIGINT'),
    SIGTERM: process.listeners('SIGTERM'),
  };
});

afterEach(() => {
  process.argv = argv;
  // The entry installs SIGINT/SIGTERM handlers for the real app; not for the test worker.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    for (const l of process.listeners(signal))
      if (!signalListeners[signal].includes(l)) process.off(signal, l);
  dir.remove();
});

async function startApp() {
  await import('../../../../src/main/index.js');
  await vi.waitFor(() => expect(BrowserWindow.instances[0]?.loadedUrl).toBeDefined(), {
    timeout: 20_000,
  });
  return BrowserWindow.instances[0]!;
}

describe('Electron entry', () => {
  it('starts the core, loads it in the secured window, and answers the preload', async () => {
    const win = await startApp();
    const url = win.loadedUrl!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    // From source the entry sits in src/main; built, in out/main beside out/preload.
    expect((win.options.webPreferences as { preload: string }).preload).toBe(
      join(root, 'src', 'preload', 'index.cjs'),
    );
    expect(readFileSync(join(root, 'out', 'main', 'index.js'), 'utf8')).toContain(
      '../preload/index.cjs',
    );
    expect(existsSync(join(root, 'out', 'preload', 'index.cjs'))).toBe(true);
    const core = JSON.parse(readFileSync(join(dir.path, 'core.json'), 'utf8')) as { url: string };
    expect(core.url).toBe(url);
    const info = electronMock.ipcMain.sendFrom(url, IPC.connection) as { token: string };
    expect(info.token).toBe(readFileSync(join(dir.path, 'token'), 'utf8').trim());
    const res = await fetch(`${url}api/cc/status/`, {
      headers: { Authorization: `Bearer ${info.token}` },
    });
    expect(res.status).toBe(200);
    expect(electronMock.applicationMenu).toBeDefined();
    const { Tray } = (await import('electron')) as unknown as {
      Tray: { instances: { tooltip: string; image: { path: string } }[] };
    };
    expect(Tray.instances[0]!.tooltip).toBe('SWF Control Center: 0 running / 0 dead');
    expect(Tray.instances[0]!.image.path).toBe(join(root, 'resources', 'tray.png'));

    // Quit: held, agents and core stopped, then really quit.
    app.quit();
    await vi.waitFor(() => expect(app.quitted).toBe(true), { timeout: 20_000 });
    expect(app.quitCalls).toBe(2);
    expect(existsSync(join(dir.path, 'core.json'))).toBe(false);
  });

  it('a second launch brings the existing window forward', async () => {
    const win = await startApp();
    win.hide();
    win.minimized = true;
    app.emit('second-instance');
    expect(win.visible && win.focused && !win.minimized).toBe(true);
    app.quit();
    await vi.waitFor(() => expect(app.quitted).toBe(true), { timeout: 20_000 });
  });

  it('closing the window quits through the quit sequence, or hides it when set to', async () => {
    writeFileSync(join(dir.path, 'desktop-settings.json'), JSON.stringify({ closeToTray: true }));
    const win = await startApp();
    win.show();
    expect(win.close().defaultPrevented).toBe(true);
    expect(win.visible).toBe(false);
    expect(existsSync(join(dir.path, 'core.json'))).toBe(true);
    app.quit();
    await vi.waitFor(() => expect(app.quitted).toBe(true), { timeout: 20_000 });
  });

  it('closing the window without "close to tray" stops the core and quits', async () => {
    const win = await startApp();
    expect(win.close().defaultPrevented).toBe(true);
    await vi.waitFor(() => expect(app.quitted).toBe(true), { timeout: 20_000 });
    expect(existsSync(join(dir.path, 'core.json'))).toBe(false);
  });

  it('a core that cannot start is explained in a dialog, then the app exits', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    try {
      const port = (taken.address() as AddressInfo).port;
      process.argv = [argv[0]!, root, '--port', String(port), '--broker-port', '0'];
      await import('../../../../src/main/index.js');
      await vi.waitFor(() => expect(app.exitCode).toBe(1), { timeout: 20_000 });
      expect(electronMock.errorBoxes).toEqual([
        {
          title: 'SWF Control Center could not start',
          content: expect.stringContaining(`port ${port} is already in use`),
        },
      ]);
      expect(BrowserWindow.instances).toHaveLength(0);
    } finally {
      taken.close();
    }
  });

  it('without the single-instance lock it quits at once and starts nothing', async () => {
    app.singleInstanceLock = false;
    await import('../../../../src/main/index.js');
    expect(app.quitted).toBe(true);
    expect(BrowserWindow.instances).toHaveLength(0);
    expect(existsSync(join(dir.path, 'core.json'))).toBe(false);
  });
});

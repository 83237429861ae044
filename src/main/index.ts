// Electron entry: thin by design. The core is the same one `swf-control-center serve` runs.
import { app, BrowserWindow, shell } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './core/config.js';
import { startControlCenter, type ControlCenter } from './core/control-center.js';
import { findRendererDir } from './static-dir.js';

const here = fileURLToPath(new URL('.', import.meta.url));
let core: ControlCenter | undefined;
let win: BrowserWindow | undefined;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  app.whenReady().then(async () => {
    const config = loadConfig({
      flags: { dataDir: process.env.SWF_CC_DATA_DIR ?? app.getPath('userData') },
    });
    core = await startControlCenter({
      config,
      staticDir: findRendererDir(),
      nativeBinding: process.env.SWF_CC_NATIVE_BINDING,
    });
    win = new BrowserWindow({
      width: 1280,
      height: 820,
      webPreferences: {
        preload: join(here, '../preload/index.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        additionalArguments: [`--swf-cc-url=${core.url}`, `--swf-cc-token=${core.token}`],
      },
    });
    win.webContents.setWindowOpenHandler(({ url }) => {
      if (url.startsWith('https://')) void shell.openExternal(url);
      return { action: 'deny' };
    });
    win.webContents.on('will-navigate', (event, url) => {
      if (!url.startsWith(core!.url)) event.preventDefault();
    });
    await win.loadURL(core.url);
  });

  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (!core) return;
    event.preventDefault();
    const c = core;
    core = undefined;
    void c.stop().finally(() => app.quit());
  });
}

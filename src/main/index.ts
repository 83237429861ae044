// Electron entry: thin by design. It wires the core (the same one `swf-control-center serve`
// runs) to the desktop: window, tray, menu, notifications, IPC and the quit sequence.
import { app, BrowserWindow, dialog, shell } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type Config } from './core/config.js';
import { installDefaultFleet } from './default-fleet.js';
import { startControlCenter, type ControlCenter } from './core/control-center.js';
import { createLogger } from './core/logger.js';
import { configFlagsFromArgv } from './electron/app-args.js';
import { fleetFromCore } from './electron/fleet.js';
import { registerIpc } from './electron/ipc.js';
import { installAppMenu } from './electron/menu.js';
import { resolveNativeBinding } from './electron/native-binding.js';
import { showNativeNotification, wireNotifications } from './electron/notifications.js';
import { confirmQuitDialog, createQuitController } from './electron/quit.js';
import { createSettingsStore, settingsPath } from './electron/settings.js';
import { createTray } from './electron/tray.js';
import { createMainWindow, showWindow } from './electron/window.js';
import { windowStatePath } from './electron/window-state.js';
import { findRendererDir } from './static-dir.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const log = createLogger('desktop');
const dev = process.env.SWF_CC_DEV === '1';
const DOCS_URL = 'https://github.com/BNLNPPS/swf-testbed';

let win: BrowserWindow | undefined;

async function main(): Promise<void> {
  const userData = app.getPath('userData');
  const args = configFlagsFromArgv(process.argv.slice(1));
  let config: Config;
  let core: ControlCenter;
  try {
    config = loadConfig({
      file: args.configFile,
      flags: { dataDir: process.env.SWF_CC_DATA_DIR ?? userData, ...args.flags },
    });
    if (!config.fleetFile) installDefaultFleet(config.dataDir);
    const nativeBinding = resolveNativeBinding({
      env: process.env,
      isPackaged: app.isPackaged,
      resourcesPath: process.resourcesPath,
      appPath: app.getAppPath(),
      electronVersion: process.versions.electron ?? '',
      abi: process.versions.modules,
    });
    core = await startControlCenter({
      config,
      staticDir: findRendererDir(),
      nativeBinding,
      logger: log,
    });
  } catch (err) {
    // A window-less app with no explanation is the worst outcome (a bad config file, the port
    // taken by a headless core): say why, then leave.
    log.error('start failed', err);
    dialog.showErrorBox('SWF Control Center could not start', (err as Error).message);
    app.exit(1);
    return;
  }

  const settings = createSettingsStore(settingsPath(userData));
  const fleet = fleetFromCore(core);
  let tray: ReturnType<typeof createTray> | { destroy(): void } = { destroy() {} };
  const show = () => showWindow(win);
  const quitter = createQuitController({
    fleet,
    settings,
    confirm: (running) => confirmQuitDialog(win, running),
    // The tray and the fleet view read the store: they go before the core closes it.
    stopCore: () => {
      tray.destroy();
      fleet.close();
      return core.stop();
    },
    exit: () => app.quit(),
    onError: (step, err) => log.error(`quit: ${step} failed`, err),
  });
  const notify = (title: string, body: string) => showNativeNotification({ title, body }, show);

  registerIpc({
    coreUrl: core.url,
    token: core.token,
    appContents: () => win?.webContents,
    logsDir: join(config.dataDir, 'logs'),
    notify,
    onRefused: (channel, reason) => log.warn(`IPC ${channel} refused: ${reason}`),
  });
  wireNotifications(core.bus, (spec) => notify(spec.title, spec.body));

  const runAction = (name: string, action: () => Promise<void>) => () => {
    action().catch((err: unknown) => log.error(`${name} failed`, err));
  };
  const startAll = runAction('start all', () => fleet.startAll());
  const stopAll = runAction('stop all', () => fleet.stopAll());
  const quit = () => void quitter.quit();
  const openLogsFolder = () => void shell.openPath(join(config.dataDir, 'logs'));

  const menu = () =>
    installAppMenu(
      {
        platform: process.platform,
        appName: app.getName(),
        settings: settings.get(),
        canControl: fleet.canControl(),
        dev,
      },
      {
        openLogsFolder,
        startAll,
        stopAll,
        setCloseToTray: (value) => {
          settings.update({ closeToTray: value });
          menu();
        },
        setStopAgentsOnQuit: (value) => {
          settings.update({ stopAgentsOnQuit: value });
          menu();
        },
        openDocs: () => void shell.openExternal(DOCS_URL),
        quit,
      },
    );
  menu();
  tray = createTray(join(app.getAppPath(), 'resources', 'tray.png'), fleet, {
    show,
    startAll,
    stopAll,
    quit,
  });

  win = createMainWindow({
    coreUrl: core.url,
    preload: join(here, '../preload/index.cjs'),
    statePath: windowStatePath(userData),
    dev,
    closeAction: () =>
      quitter.isQuitting() ? 'close' : settings.get().closeToTray ? 'hide' : 'quit',
    onQuitRequested: quit,
  });
  win.on('closed', () => (win = undefined));

  app.on('before-quit', (event) => quitter.onBeforeQuit(event));
  app.on('window-all-closed', quit);
  app.on('activate', show);
  // A terminal's Ctrl-C or a service manager's TERM: nobody to answer a prompt, stop everything.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => void quitter.quit({ prompt: false }));

  await win.loadURL(core.url);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => showWindow(win));
  app
    .whenReady()
    .then(main)
    .catch((err: unknown) => {
      log.error('desktop start failed', err);
      app.exit(1);
    });
}

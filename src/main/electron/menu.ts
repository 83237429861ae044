import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { DesktopSettings } from './settings.js';

export interface MenuActions {
  openLogsFolder(): void;
  startAll(): void;
  stopAll(): void;
  setCloseToTray(value: boolean): void;
  setStopAgentsOnQuit(value: DesktopSettings['stopAgentsOnQuit']): void;
  openDocs(): void;
  quit(): void;
}

export interface MenuContext {
  platform: NodeJS.Platform;
  appName: string;
  settings: DesktopSettings;
  canControl: boolean;
  dev: boolean;
}

/** The application menu; on macOS the first menu is the app's own. */
export function appMenuTemplate(ctx: MenuContext, a: MenuActions): MenuItemConstructorOptions[] {
  const mac = ctx.platform === 'darwin';
  const prefs: MenuItemConstructorOptions[] = [
    {
      label: 'Close Window to Tray',
      type: 'checkbox',
      checked: ctx.settings.closeToTray,
      click: (item) => a.setCloseToTray(item.checked),
    },
    {
      label: 'Always Stop Agents on Quit',
      type: 'checkbox',
      checked: ctx.settings.stopAgentsOnQuit === 'always',
      click: (item) => a.setStopAgentsOnQuit(item.checked ? 'always' : 'ask'),
    },
  ];
  const quit: MenuItemConstructorOptions = {
    label: mac ? `Quit ${ctx.appName}` : 'Quit',
    accelerator: 'CmdOrCtrl+Q',
    click: a.quit,
  };
  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: ctx.appName,
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        ...prefs,
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        quit,
      ],
    });
  }
  template.push(
    {
      label: 'File',
      submenu: [
        { label: 'Open Logs Folder', click: a.openLogsFolder },
        ...(mac ? [] : [{ type: 'separator' } as const, ...prefs, { type: 'separator' } as const]),
        mac ? { role: 'close' } : quit,
      ],
    },
    { role: 'editMenu' },
    {
      label: 'Agents',
      submenu: [
        { label: 'Start All', enabled: ctx.canControl, click: a.startAll },
        { label: 'Stop All', enabled: ctx.canControl, click: a.stopAll },
      ],
    },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(ctx.dev ? [{ role: 'toggleDevTools' } as const] : []),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: 'SWF Testbed Documentation', click: a.openDocs }] },
  );
  return template;
}

export function installAppMenu(ctx: MenuContext, actions: MenuActions): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(ctx, actions)));
}

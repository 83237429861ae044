import { BrowserWindow, screen, session, shell, type Session, type WebContents } from 'electron';
import { UI_CSP } from '../core/http/static-files.js';
import {
  fitToDisplays,
  loadWindowState,
  saveWindowState,
  type WindowState,
} from './window-state.js';

/** The renderer's privileges: none beyond a web page's, plus the preload's bridge. */
function secureWebPreferences(preload: string, dev = false) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    devTools: dev,
  } as const;
}

/** Only https links leave the app, and only to the OS browser. */
function isExternalLink(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

function sameOrigin(url: string, origin: string): boolean {
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

/**
 * Session-wide rules: every permission (camera, notifications, geolocation, ...) denied, and the
 * core's CSP enforced on every response whatever the server sent.
 */
export function hardenSession(ses: Session): void {
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    for (const key of Object.keys(headers))
      if (key.toLowerCase() === 'content-security-policy') delete headers[key];
    headers['Content-Security-Policy'] = [UI_CSP];
    callback({ responseHeaders: headers });
  });
}

/** Navigation stays on the core's origin; new windows are never opened; webviews never attach. */
function lockNavigation(contents: WebContents, coreOrigin: string): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  const guard = (event: { preventDefault(): void }, url: string) => {
    if (sameOrigin(url, coreOrigin)) return;
    event.preventDefault();
    if (isExternalLink(url)) void shell.openExternal(url);
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export interface MainWindowOptions {
  coreUrl: string;
  preload: string;
  statePath: string;
  dev?: boolean;
  /**
   * Asked on every close: 'hide' to the tray, 'quit' (hand over to the quit sequence, which may
   * ask first; the window stays if the user cancels), or 'close' (quitting is under way).
   */
  closeAction(): 'hide' | 'quit' | 'close';
  onQuitRequested(): void;
}

/** The one window: secured, placed where it was last time, and remembered as it moves. */
export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  const saved = fitToDisplays(
    loadWindowState(opts.statePath),
    screen.getAllDisplays().map((d) => d.workArea),
  );
  hardenSession(session.defaultSession);
  const win = new BrowserWindow({
    x: saved.x,
    y: saved.y,
    width: saved.width,
    height: saved.height,
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'SWF Control Center',
    webPreferences: secureWebPreferences(opts.preload, opts.dev),
  });
  if (saved.maximized) win.maximize();
  lockNavigation(win.webContents, new URL(opts.coreUrl).origin);
  win.once('ready-to-show', () => win.show());

  const remember = () => {
    const bounds = win.getNormalBounds();
    const state: WindowState = { ...bounds, maximized: win.isMaximized() };
    saveWindowState(opts.statePath, state);
  };
  // Saving on every pixel of a drag would be a file write per event: save when it settles.
  let pending: NodeJS.Timeout | undefined;
  const soon = () => {
    clearTimeout(pending);
    pending = setTimeout(remember, 500);
  };
  win.on('resize', soon);
  win.on('move', soon);
  win.on('close', (event) => {
    clearTimeout(pending);
    remember();
    const action = opts.closeAction();
    if (action === 'close') return;
    event.preventDefault();
    if (action === 'hide') win.hide();
    else opts.onQuitRequested();
  });
  if (opts.dev) win.webContents.openDevTools({ mode: 'detach' });
  return win;
}

/** Brings the window back from the tray, the dock or minimised. */
export function showWindow(win: BrowserWindow | undefined): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

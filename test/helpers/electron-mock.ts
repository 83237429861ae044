// A recording stand-in for the `electron` module: the Electron binary cannot run on the build
// machines, so main-process and preload code is exercised against this (the one allowed mock).
// Use: `vi.mock('electron', () => import('../../helpers/electron-mock.js'))`, then inspect
// `electronMock` (reset it in beforeEach with `resetElectronMock()`).
import { EventEmitter } from 'node:events';

type Handler = (event: unknown, ...args: unknown[]) => unknown;

export interface FakeEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
  returnValue?: unknown;
  senderFrame: { url: string; parent: unknown } | null;
  sender: unknown;
}

/** An IPC or DOM event; for IPC, from `url` in a main frame (or a subframe) of `sender`. */
export function fakeEvent(
  url: string | null = null,
  opts: { sender?: unknown; subframe?: boolean } = {},
): FakeEvent {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
    senderFrame: url === null ? null : { url, parent: opts.subframe ? {} : null },
    sender: opts.sender ?? null,
  };
}

class FakeWebContents extends EventEmitter {
  windowOpenHandler?: (details: { url: string }) => { action: string };
  devToolsOpened = false;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
  openDevTools() {
    this.devToolsOpened = true;
  }
}

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  visible = false;
  minimized = false;
  maximized = false;
  destroyed = false;
  focused = false;
  bounds: { x: number; y: number; width: number; height: number };
  loadedUrl?: string;
  constructor(readonly options: Record<string, unknown>) {
    super();
    this.bounds = {
      x: (options.x as number | undefined) ?? 10,
      y: (options.y as number | undefined) ?? 10,
      width: options.width as number,
      height: options.height as number,
    };
    BrowserWindow.instances.push(this);
  }
  show() {
    this.visible = true;
  }
  hide() {
    this.visible = false;
  }
  focus() {
    this.focused = true;
  }
  restore() {
    this.minimized = false;
  }
  maximize() {
    this.maximized = true;
  }
  isMinimized() {
    return this.minimized;
  }
  isMaximized() {
    return this.maximized;
  }
  isDestroyed() {
    return this.destroyed;
  }
  getNormalBounds() {
    return { ...this.bounds };
  }
  setBounds(b: { x: number; y: number; width: number; height: number }) {
    this.bounds = { ...b };
    this.emit('move');
  }
  async loadURL(url: string) {
    this.loadedUrl = url;
  }
  /** What a user's click on the close button does: 'close' (cancellable), then 'closed'. */
  close() {
    const event = fakeEvent();
    this.emit('close', event);
    if (!event.defaultPrevented) {
      this.destroyed = true;
      this.emit('closed');
    }
    return event;
  }
}

class FakeIpcMain extends EventEmitter {
  handlers = new Map<string, Handler>();
  handle(channel: string, handler: Handler) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  /** What ipcRenderer.invoke does: the handler's value or its rejection. */
  async invoke(frameUrl: string | null, channel: string, ...args: unknown[]) {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(fakeEvent(frameUrl), ...args);
  }
  /** What ipcRenderer.send / sendSync do: listeners run, sendSync returns `returnValue`. */
  sendFrom(
    frameUrl: string | null,
    channel: string,
    args: unknown[] = [],
    from: { sender?: unknown; subframe?: boolean } = {},
  ) {
    const event = fakeEvent(frameUrl, from);
    this.emit(channel, event, ...args);
    return event.returnValue;
  }
}

class FakeSession {
  permissionRequestHandler?: (
    wc: unknown,
    permission: string,
    callback: (granted: boolean) => void,
  ) => void;
  permissionCheckHandler?: (wc: unknown, permission: string) => boolean;
  headersListener?: (
    details: { url: string; responseHeaders?: Record<string, string[]> },
    callback: (r: { responseHeaders?: Record<string, string[]> }) => void,
  ) => void;
  setPermissionRequestHandler(h: FakeSession['permissionRequestHandler']) {
    this.permissionRequestHandler = h;
  }
  setPermissionCheckHandler(h: FakeSession['permissionCheckHandler']) {
    this.permissionCheckHandler = h;
  }
  webRequest = {
    onHeadersReceived: (listener: FakeSession['headersListener']) => {
      this.headersListener = listener;
    },
  };
}

class FakeTray extends EventEmitter {
  static instances: FakeTray[] = [];
  tooltip = '';
  menu?: { template: unknown[] };
  destroyed = false;
  constructor(readonly image: unknown) {
    super();
    FakeTray.instances.push(this);
  }
  setToolTip(text: string) {
    this.tooltip = text;
  }
  setContextMenu(menu: { template: unknown[] }) {
    this.menu = menu;
  }
  destroy() {
    this.destroyed = true;
  }
}

class FakeNotification extends EventEmitter {
  static shown: { title: string; body: string }[] = [];
  static supported = true;
  static isSupported() {
    return FakeNotification.supported;
  }
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  show() {
    FakeNotification.shown.push(this.options);
  }
}

export const electronMock = {
  ipcMain: new FakeIpcMain(),
  session: { defaultSession: new FakeSession() },
  openedExternal: [] as string[],
  openedPaths: [] as string[],
  shownItems: [] as string[],
  clipboardText: [] as string[],
  openPathResult: '',
  messageBoxAnswer: { response: 0, checkboxChecked: false },
  messageBoxes: [] as Record<string, unknown>[],
  errorBoxes: [] as { title: string; content: string }[],
  applicationMenu: undefined as { template: unknown[] } | undefined,
  exposed: new Map<string, unknown>(),
  rendererSent: [] as { channel: string; args: unknown[] }[],
  /** The frame URL the fake renderer's IPC comes from. */
  rendererFrameUrl: null as string | null,
  displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
};

export function resetElectronMock() {
  app.removeAllListeners();
  Object.assign(app, {
    singleInstanceLock: true,
    userData: '',
    appPath: '',
    isPackaged: false,
    quitCalls: 0,
    quitted: false,
    exitCode: undefined,
  });
  electronMock.ipcMain.removeAllListeners();
  electronMock.ipcMain.handlers.clear();
  electronMock.session.defaultSession = new FakeSession();
  electronMock.openedExternal.length = 0;
  electronMock.openedPaths.length = 0;
  electronMock.shownItems.length = 0;
  electronMock.clipboardText.length = 0;
  electronMock.openPathResult = '';
  electronMock.messageBoxAnswer = { response: 0, checkboxChecked: false };
  electronMock.messageBoxes.length = 0;
  electronMock.errorBoxes.length = 0;
  electronMock.applicationMenu = undefined;
  electronMock.exposed.clear();
  electronMock.rendererSent.length = 0;
  electronMock.rendererFrameUrl = null;
  electronMock.displays = [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }];
  BrowserWindow.instances.length = 0;
  FakeTray.instances.length = 0;
  FakeNotification.shown.length = 0;
  FakeNotification.supported = true;
}

export const ipcMain = electronMock.ipcMain;
export const session = {
  get defaultSession() {
    return electronMock.session.defaultSession;
  },
};
export const shell = {
  async openExternal(url: string) {
    electronMock.openedExternal.push(url);
  },
  async openPath(path: string) {
    electronMock.openedPaths.push(path);
    return electronMock.openPathResult;
  },
  showItemInFolder(path: string) {
    electronMock.shownItems.push(path);
  },
};
export const clipboard = {
  writeText(text: string) {
    electronMock.clipboardText.push(text);
  },
};
export const dialog = {
  async showMessageBox(...args: unknown[]) {
    electronMock.messageBoxes.push(args[args.length - 1] as Record<string, unknown>);
    return electronMock.messageBoxAnswer;
  },
  showErrorBox(title: string, content: string) {
    electronMock.errorBoxes.push({ title, content });
  },
};
export const screen = {
  getAllDisplays: () => electronMock.displays,
};
export const Menu = {
  buildFromTemplate: (template: unknown[]) => ({ template }),
  setApplicationMenu(menu: { template: unknown[] }) {
    electronMock.applicationMenu = menu;
  },
};
export const nativeImage = {
  createFromPath: (path: string) => ({ path, isEmpty: () => false }),
  createEmpty: () => ({ path: '', isEmpty: () => true }),
};
export const Tray = FakeTray;
export const Notification = FakeNotification;
export const contextBridge = {
  exposeInMainWorld(key: string, api: unknown) {
    electronMock.exposed.set(key, api);
  },
};
/** The renderer side, wired straight to the fake ipcMain as the real one is over Mojo. */
export const ipcRenderer = {
  invoke: (channel: string, ...args: unknown[]) =>
    electronMock.ipcMain.invoke(electronMock.rendererFrameUrl, channel, ...args),
  send: (channel: string, ...args: unknown[]) => {
    electronMock.rendererSent.push({ channel, args });
    electronMock.ipcMain.sendFrom(electronMock.rendererFrameUrl, channel, args);
  },
  sendSync: (channel: string, ...args: unknown[]) =>
    electronMock.ipcMain.sendFrom(electronMock.rendererFrameUrl, channel, args),
};
/** The app object: quit() runs before-quit like Electron, and only quits when nobody holds it. */
class FakeApp extends EventEmitter {
  singleInstanceLock = true;
  userData = '';
  appPath = '';
  isPackaged = false;
  quitCalls = 0;
  quitted = false;
  exitCode: number | undefined;
  requestSingleInstanceLock() {
    return this.singleInstanceLock;
  }
  whenReady() {
    return Promise.resolve();
  }
  getPath() {
    return this.userData;
  }
  getAppPath() {
    return this.appPath;
  }
  getName() {
    return 'SWF Control Center';
  }
  quit() {
    this.quitCalls += 1;
    const event = fakeEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.quitted = true;
  }
  exit(code = 0) {
    this.exitCode = code;
  }
}
export const app = new FakeApp();
export default {
  app,
  BrowserWindow,
  clipboard,
  contextBridge,
  dialog,
  ipcMain,
  ipcRenderer,
  Menu,
  nativeImage,
  Notification,
  screen,
  session,
  shell,
  Tray,
};

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UI_CSP } from '../../../../src/main/core/http/static-files.js';
import {
  BrowserWindow,
  electronMock,
  fakeEvent,
  resetElectronMock,
} from '../../../helpers/electron-mock.js';
import { tempDir } from '../../../helpers/temp-dir.js';

vi.mock('electron', () => import('../../../helpers/electron-mock.js'));
const { createMainWindow, hardenSession, showWindow } =
  await import('../../../../src/main/electron/window.js');

const CORE = 'http://127.0.0.1:8123/';
let dir: ReturnType<typeof tempDir>;
let statePath: string;

beforeEach(() => {
  resetElectronMock();
  dir = tempDir();
  statePath = join(dir.path, 'window-state.json');
});
afterEach(() => dir.remove());

type CloseAction = 'hide' | 'quit' | 'close';
let quitRequests = 0;

function open(opts: { closeAction?: () => CloseAction; dev?: boolean } = {}) {
  return createMainWindow({
    coreUrl: CORE,
    preload: '/app/out/preload/index.cjs',
    statePath,
    closeAction: opts.closeAction ?? (() => 'close'),
    onQuitRequested: () => (quitRequests += 1),
    dev: opts.dev,
  }) as unknown as BrowserWindow;
}

describe('main window security', () => {
  it('isolates the renderer: context isolation, sandbox, no Node, no webview, no devtools', () => {
    const win = open();
    const prefs = win.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
    expect(prefs).not.toHaveProperty('additionalArguments');
  });

  it('opens devtools only in dev mode', () => {
    expect(open({ dev: true }).webContents.devToolsOpened).toBe(true);
    expect(open().webContents.devToolsOpened).toBe(false);
  });

  it('denies every new window; https links go to the OS browser, nothing else does', () => {
    const win = open();
    const handler = win.webContents.windowOpenHandler!;
    expect(handler({ url: 'https://github.com/BNLNPPS/swf-testbed' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'http://example.com/' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(handler({ url: `${CORE}other` })).toEqual({ action: 'deny' });
    expect(electronMock.openedExternal).toEqual(['https://github.com/BNLNPPS/swf-testbed']);
  });

  it('keeps navigation on the core origin', () => {
    const win = open();
    for (const [event, url, blocked] of [
      ['will-navigate', `${CORE}#/agents`, false],
      ['will-navigate', 'http://127.0.0.1:8124/', true],
      ['will-navigate', 'http://localhost:8123/', true],
      ['will-navigate', 'https://evil.example/', true],
      ['will-redirect', 'file:///etc/passwd', true],
    ] as const) {
      const e = fakeEvent();
      win.webContents.emit(event, e, url);
      expect(e.defaultPrevented, `${event} ${url}`).toBe(blocked);
    }
    const attach = fakeEvent();
    win.webContents.emit('will-attach-webview', attach);
    expect(attach.defaultPrevented).toBe(true);
  });

  it('denies every permission request and check', () => {
    open();
    const ses = electronMock.session.defaultSession;
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read']) {
      const answers: boolean[] = [];
      ses.permissionRequestHandler!({}, permission, (granted) => answers.push(granted));
      expect(answers).toEqual([false]);
      expect(ses.permissionCheckHandler!({}, permission)).toBe(false);
    }
  });

  it('enforces the UI CSP on every response, replacing whatever the server sent', () => {
    hardenSession(electronMock.session.defaultSession as never);
    const ses = electronMock.session.defaultSession;
    const out: Record<string, string[]>[] = [];
    ses.headersListener!(
      {
        url: CORE,
        responseHeaders: {
          'content-security-policy': ["default-src *; script-src 'unsafe-eval'"],
          'Content-Type': ['text/html'],
        },
      },
      (r) => out.push(r.responseHeaders!),
    );
    expect(out[0]).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': [UI_CSP],
    });
    expect(UI_CSP).toContain("script-src 'self'");
    expect(UI_CSP).toContain("object-src 'none'");
  });
});

describe('window state and close behaviour', () => {
  it('remembers size and position across runs', () => {
    const first = open();
    first.setBounds({ x: 100, y: 120, width: 1000, height: 700 });
    first.close();
    expect(JSON.parse(readFileSync(statePath, 'utf8'))).toMatchObject({
      x: 100,
      y: 120,
      width: 1000,
      height: 700,
      maximized: false,
    });
    const second = open();
    expect(second.options).toMatchObject({ x: 100, y: 120, width: 1000, height: 700 });
  });

  it('drops a position that is off every display now', () => {
    writeFileSync(statePath, JSON.stringify({ x: 3000, y: 100, width: 900, height: 600 }));
    const win = open();
    expect(win.options.x).toBeUndefined();
    expect(win.options).toMatchObject({ width: 900, height: 600 });
  });

  it('a corrupt state file gives the defaults', () => {
    writeFileSync(statePath, '{not json');
    expect(open().options).toMatchObject({ width: 1280, height: 820 });
  });

  it('close: hides to the tray, hands over to the quit sequence, or really closes', () => {
    quitRequests = 0;
    let action: CloseAction = 'hide';
    const win = open({ closeAction: () => action });
    win.show();
    expect(win.close().defaultPrevented).toBe(true);
    expect(win.visible).toBe(false);
    expect(win.isDestroyed()).toBe(false);
    showWindow(win as never);
    expect(win.visible && win.focused).toBe(true);
    // Not to the tray: the quit sequence decides (it may ask); the window stays meanwhile.
    action = 'quit';
    expect(win.close().defaultPrevented).toBe(true);
    expect(quitRequests).toBe(1);
    expect(win.isDestroyed()).toBe(false);
    // Quitting is under way: the window goes.
    action = 'close';
    expect(win.close().defaultPrevented).toBe(false);
    expect(win.isDestroyed()).toBe(true);
    expect(quitRequests).toBe(1);
  });
});

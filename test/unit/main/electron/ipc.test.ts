import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC } from '../../../../src/shared/preload-api.js';
import { electronMock, resetElectronMock } from '../../../helpers/electron-mock.js';
import { tempDir } from '../../../helpers/temp-dir.js';

vi.mock('electron', () => import('../../../helpers/electron-mock.js'));
const { registerIpc, IpcRefusedError } = await import('../../../../src/main/electron/ipc.js');

const CORE = 'http://127.0.0.1:8123/';
const FOREIGN = [
  'https://evil.example/',
  'http://127.0.0.1:8124/',
  'http://localhost:8123/',
  'file:///tmp/page.html',
  'about:blank',
  '',
  null,
];
const ipc = electronMock.ipcMain;
let dir: ReturnType<typeof tempDir>;
let notified: [string, string][];
let refusals: string[];
let unregister: () => void;
const appContents = { id: 1 };

beforeEach(() => {
  resetElectronMock();
  dir = tempDir();
  notified = [];
  refusals = [];
  unregister = registerIpc({
    coreUrl: CORE,
    token: 'tok-123',
    appContents: () => appContents as never,
    logsDir: join(dir.path, 'logs'),
    notify: (title, body) => notified.push([title, body]),
    onRefused: (channel) => refusals.push(channel),
  });
});
afterEach(() => {
  unregister();
  dir.remove();
});

describe('IPC sender checks', () => {
  it('hands the URL and token only to a frame from the core', () => {
    expect(ipc.sendFrom(`${CORE}#/fleet`, IPC.connection)).toEqual({
      controlUrl: CORE,
      token: 'tok-123',
    });
    for (const url of FOREIGN) expect(ipc.sendFrom(url, IPC.connection), String(url)).toBeNull();
    expect(ipc.sendFrom(CORE, IPC.connection, ['extra'])).toBeNull();
  });

  it('during the preload, trusts a not-yet-committed URL only in the app window main frame', () => {
    const info = { controlUrl: CORE, token: 'tok-123' };
    expect(ipc.sendFrom('', IPC.connection, [], { sender: appContents })).toEqual(info);
    expect(ipc.sendFrom('about:blank', IPC.connection, [], { sender: appContents })).toEqual(info);
    // Another window's contents, a subframe, or a real foreign URL: refused.
    expect(ipc.sendFrom('', IPC.connection, [], { sender: { id: 2 } })).toBeNull();
    expect(
      ipc.sendFrom('', IPC.connection, [], { sender: appContents, subframe: true }),
    ).toBeNull();
    expect(
      ipc.sendFrom('https://evil.example/', IPC.connection, [], { sender: appContents }),
    ).toBeNull();
    // The action channels never take the relaxed rule.
    return expect(ipc.invoke('', IPC.copyToClipboard, 'x')).rejects.toThrow(IpcRefusedError);
  });

  it('refuses every invoke channel from a foreign frame and does nothing', async () => {
    const calls: [string, unknown[]][] = [
      [IPC.openLogsFolder, []],
      [IPC.showItemInFolder, ['/tmp/x.log']],
      [IPC.copyToClipboard, ['secret']],
    ];
    for (const url of FOREIGN) {
      for (const [channel, args] of calls) {
        await expect(ipc.invoke(url, channel, ...args), `${channel} from ${url}`).rejects.toThrow(
          IpcRefusedError,
        );
      }
    }
    expect(electronMock.openedPaths).toEqual([]);
    expect(electronMock.shownItems).toEqual([]);
    expect(electronMock.clipboardText).toEqual([]);
    expect(existsSync(join(dir.path, 'logs'))).toBe(false);
    expect(refusals.length).toBe(FOREIGN.length * calls.length);
  });

  it('ignores notify from a foreign frame', () => {
    ipc.sendFrom('https://evil.example/', IPC.notify, ['Hi', 'there']);
    expect(notified).toEqual([]);
    expect(refusals).toEqual([IPC.notify]);
  });
});

describe('IPC argument validation', () => {
  it.each([
    [IPC.showItemInFolder, ['relative/path.log'], /absolute/],
    [IPC.showItemInFolder, ['/tmp/a\0b'], /NUL/],
    [IPC.showItemInFolder, [42], /expected string/i],
    [IPC.showItemInFolder, [], /invalid arguments/],
    [IPC.showItemInFolder, ['/a', '/b'], /invalid arguments/],
    [IPC.copyToClipboard, [{ text: 'x' }], /expected string/i],
    [IPC.copyToClipboard, ['x'.repeat(1024 * 1024 + 1)], /invalid arguments/],
    [IPC.openLogsFolder, ['/etc'], /invalid arguments/],
  ])('%s %j is refused', async (channel, args, message) => {
    await expect(ipc.invoke(CORE, channel, ...(args as unknown[]))).rejects.toThrow(message);
    expect(electronMock.shownItems).toEqual([]);
    expect(electronMock.clipboardText).toEqual([]);
  });

  it('notify with a bad title or body is dropped', () => {
    ipc.sendFrom(CORE, IPC.notify, ['', 'body']);
    ipc.sendFrom(CORE, IPC.notify, ['x'.repeat(201), 'body']);
    ipc.sendFrom(CORE, IPC.notify, ['title', 7]);
    ipc.sendFrom(CORE, IPC.notify, ['title']);
    expect(notified).toEqual([]);
    expect(refusals).toEqual([IPC.notify, IPC.notify, IPC.notify, IPC.notify]);
  });
});

describe('IPC actions from the core frame', () => {
  it('opens the logs folder, creating it first', async () => {
    await ipc.invoke(CORE, IPC.openLogsFolder);
    expect(existsSync(join(dir.path, 'logs'))).toBe(true);
    expect(electronMock.openedPaths).toEqual([join(dir.path, 'logs')]);
  });

  it('reports an OS failure to open the folder', async () => {
    electronMock.openPathResult = 'no file manager';
    await expect(ipc.invoke(CORE, IPC.openLogsFolder)).rejects.toThrow(/no file manager/);
  });

  it('shows an item, copies text and notifies', async () => {
    await ipc.invoke(CORE, IPC.showItemInFolder, '/var/log/agent.log');
    await ipc.invoke(CORE, IPC.showItemInFolder, 'C:\\Users\\me\\agent.log');
    await ipc.invoke(CORE, IPC.copyToClipboard, 'swf-control-center status');
    ipc.sendFrom(CORE, IPC.notify, ['Run 42', 'ended']);
    expect(electronMock.shownItems).toEqual(['/var/log/agent.log', 'C:\\Users\\me\\agent.log']);
    expect(electronMock.clipboardText).toEqual(['swf-control-center status']);
    expect(notified).toEqual([['Run 42', 'ended']]);
  });

  it('unregisters everything', async () => {
    unregister();
    await expect(ipc.invoke(CORE, IPC.copyToClipboard, 'x')).rejects.toThrow(/No handler/);
    expect(ipc.listenerCount(IPC.connection)).toBe(0);
    unregister = () => {};
  });
});

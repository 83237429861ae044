import { mkdirSync } from 'node:fs';
import {
  clipboard,
  ipcMain,
  shell,
  type IpcMainEvent,
  type IpcMainInvokeEvent,
  type WebContents,
} from 'electron';
import type { z } from 'zod';
import {
  copyArgsSchema,
  IPC,
  noArgsSchema,
  notifyArgsSchema,
  showItemArgsSchema,
  type ConnectionInfo,
} from '../../shared/preload-api.js';

export interface IpcOptions {
  /** The core's URL; only frames from its origin may call. */
  coreUrl: string;
  /** The app window's contents (see `connectionAllowed`). */
  appContents?: () => WebContents | undefined;
  token: string;
  logsDir: string;
  notify(title: string, body: string): void;
  onRefused?(channel: string, reason: string): void;
}

type SenderEvent = Pick<IpcMainEvent | IpcMainInvokeEvent, 'senderFrame'>;
type ConnectionEvent = Pick<IpcMainEvent, 'senderFrame' | 'sender'>;

/** A frame may call only when its document comes from the core's own origin. */
function senderAllowed(event: SenderEvent, coreOrigin: string): boolean {
  const url = event.senderFrame?.url;
  if (!url) return false;
  try {
    return new URL(url).origin === coreOrigin;
  } catch {
    return false;
  }
}

/**
 * The URL and token are asked for while the preload runs, and Electron documents that
 * `senderFrame` may still describe the previous document at that moment (electron#33575): an
 * empty or about:blank URL. Such a call is accepted only from the main frame of the app's own
 * window, whose navigation is locked to the core's origin (window.ts), so no other document
 * can be there. Every other channel is called by page scripts later and gets the strict check.
 */
function connectionAllowed(
  event: ConnectionEvent,
  coreOrigin: string,
  appContents: WebContents | undefined,
): boolean {
  if (senderAllowed(event, coreOrigin)) return true;
  const frame = event.senderFrame;
  if (!frame || !appContents || event.sender !== appContents) return false;
  const pending = frame.url === '' || frame.url === 'about:blank';
  return pending && frame.parent === null;
}

export class IpcRefusedError extends Error {}

/**
 * The single place that registers IPC. Every handler checks its sender and validates its
 * arguments before doing anything; a refusal is an error to the caller and a log line here.
 * Returns a function that unregisters everything.
 */
export function registerIpc(opts: IpcOptions): () => void {
  const origin = new URL(opts.coreUrl).origin;
  const refused = opts.onRefused ?? (() => {});

  function validate<S extends z.ZodType>(channel: string, schema: S, args: unknown[]): z.infer<S> {
    const parsed = schema.safeParse(args);
    if (!parsed.success) {
      const reason = parsed.error.issues.map((i) => i.message).join('; ');
      refused(channel, reason);
      throw new IpcRefusedError(`${channel} refused: invalid arguments (${reason})`);
    }
    return parsed.data;
  }

  function check<S extends z.ZodType>(
    channel: string,
    event: SenderEvent,
    schema: S,
    args: unknown[],
  ): z.infer<S> {
    if (!senderAllowed(event, origin)) {
      const reason = `sender ${event.senderFrame?.url ?? '(no frame)'} is not ${origin}`;
      refused(channel, reason);
      throw new IpcRefusedError(`${channel} refused: ${reason}`);
    }
    return validate(channel, schema, args);
  }

  ipcMain.on(IPC.connection, (event, ...args: unknown[]) => {
    if (!connectionAllowed(event, origin, opts.appContents?.())) {
      refused(IPC.connection, `sender ${event.senderFrame?.url ?? '(no frame)'} is not ${origin}`);
      event.returnValue = null;
      return;
    }
    try {
      validate(IPC.connection, noArgsSchema, args);
      const info: ConnectionInfo = { controlUrl: opts.coreUrl, token: opts.token };
      event.returnValue = info;
    } catch {
      event.returnValue = null;
    }
  });
  ipcMain.handle(IPC.openLogsFolder, async (event, ...args: unknown[]) => {
    check(IPC.openLogsFolder, event, noArgsSchema, args);
    mkdirSync(opts.logsDir, { recursive: true });
    const error = await shell.openPath(opts.logsDir);
    if (error) throw new Error(`cannot open ${opts.logsDir}: ${error}`);
  });
  ipcMain.handle(IPC.showItemInFolder, (event, ...args: unknown[]) => {
    const [path] = check(IPC.showItemInFolder, event, showItemArgsSchema, args);
    shell.showItemInFolder(path);
  });
  ipcMain.handle(IPC.copyToClipboard, (event, ...args: unknown[]) => {
    const [text] = check(IPC.copyToClipboard, event, copyArgsSchema, args);
    clipboard.writeText(text);
  });
  ipcMain.on(IPC.notify, (event, ...args: unknown[]) => {
    try {
      const [title, body] = check(IPC.notify, event, notifyArgsSchema, args);
      opts.notify(title, body);
    } catch {
      // Fire-and-forget channel: the refusal was reported above.
    }
  });

  return () => {
    ipcMain.removeAllListeners(IPC.connection);
    ipcMain.removeAllListeners(IPC.notify);
    ipcMain.removeHandler(IPC.openLogsFolder);
    ipcMain.removeHandler(IPC.showItemInFolder);
    ipcMain.removeHandler(IPC.copyToClipboard);
  };
}

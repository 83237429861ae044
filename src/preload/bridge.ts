import type { IpcRenderer } from 'electron';
import {
  IPC,
  type ConnectionInfo,
  type SwfControlCenterBridge,
} from '../shared/preload-channels.js';

type IpcLike = Pick<IpcRenderer, 'invoke' | 'send' | 'sendSync'>;

/**
 * Builds the object exposed as `window.swfControlCenter`. The URL and token come from the main
 * process over a synchronous IPC call (never on the command line, where any local user could read
 * them); an empty pair means the main process refused this frame.
 */
export function createBridge(ipc: IpcLike): SwfControlCenterBridge {
  const info = ipc.sendSync(IPC.connection) as Partial<ConnectionInfo> | null;
  return {
    controlUrl: typeof info?.controlUrl === 'string' ? info.controlUrl : '',
    token: typeof info?.token === 'string' ? info.token : '',
    openLogsFolder: async () => {
      await ipc.invoke(IPC.openLogsFolder);
    },
    showItemInFolder: async (path: string) => {
      await ipc.invoke(IPC.showItemInFolder, path);
    },
    copyToClipboard: async (text: string) => {
      await ipc.invoke(IPC.copyToClipboard, text);
    },
    notify: (title: string, body: string) => {
      ipc.send(IPC.notify, title, body);
    },
  };
}

// No run-time imports here: the sandboxed preload bundles this file and cannot load packages.

/**
 * What the Electron preload exposes to the renderer as `window.swfControlCenter`. Absent in a
 * browser: the UI then takes the URL from `location` and the token from `#token=`.
 */
export interface SwfControlCenterBridge {
  /** The core's base URL, e.g. `http://127.0.0.1:8002/`. */
  controlUrl: string;
  /** The token for `/ws/ui` and the REST API. */
  token: string;
  openLogsFolder(): Promise<void>;
  showItemInFolder(path: string): Promise<void>;
  copyToClipboard(text: string): Promise<void>;
  /** A native notification; fire and forget. */
  notify(title: string, body: string): void;
}

declare global {
  interface Window {
    swfControlCenter?: SwfControlCenterBridge;
  }
}

/** IPC channel names: one list so the preload and ipc.ts cannot drift apart. */
export const IPC = {
  connection: 'swf-cc:connection',
  openLogsFolder: 'swf-cc:open-logs-folder',
  showItemInFolder: 'swf-cc:show-item-in-folder',
  copyToClipboard: 'swf-cc:copy-to-clipboard',
  notify: 'swf-cc:notify',
} as const;

/** What the preload learns synchronously from the main process at start. */
export interface ConnectionInfo {
  controlUrl: string;
  token: string;
}

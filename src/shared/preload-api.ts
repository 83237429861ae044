/**
 * What the Electron preload exposes to the renderer as `window.swfControlCenter` (contextBridge).
 * In a browser it is absent: the renderer falls back to the `#token=` fragment, the Clipboard API
 * and in-app notifications.
 */
export interface SwfControlCenterBridge {
  /** The core's base URL, e.g. `http://127.0.0.1:8002/`. */
  controlUrl: string;
  token: string;
  openLogsFolder(): Promise<void>;
  showItemInFolder(path: string): Promise<void>;
  copyToClipboard(text: string): Promise<void>;
  /** A native desktop notification. */
  notify(title: string, body: string): void;
}

declare global {
  interface Window {
    swfControlCenter?: SwfControlCenterBridge;
  }
}

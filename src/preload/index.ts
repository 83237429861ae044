// The renderer's only window on the outside: where the core is, the token to reach it, and four
// native helpers. Sandboxed: only `electron`'s renderer modules are available here, so nothing
// else is imported at run time (the shared file contributes types and channel names only).
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge.js';

contextBridge.exposeInMainWorld('swfControlCenter', createBridge(ipcRenderer));

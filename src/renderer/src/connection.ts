/**
 * Where the core is and the token to reach it: from the Electron preload, or in a browser from
 * the `#token=` fragment that `npm start` prints (kept for the tab's life, never sent to a server).
 */
export interface Connection {
  baseUrl: string;
  token: string;
}

interface PreloadBridge {
  controlUrl: string;
  token: string;
}

export function resolveConnection(): Connection {
  const bridge = (window as unknown as { swfControlCenter?: PreloadBridge }).swfControlCenter;
  if (bridge?.token) return { baseUrl: bridge.controlUrl, token: bridge.token };
  const fromHash = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (fromHash) {
    sessionStorage.setItem('swf-cc-token', fromHash);
    history.replaceState(null, '', window.location.pathname);
  }
  return {
    baseUrl: `${window.location.origin}/`,
    token: fromHash ?? sessionStorage.getItem('swf-cc-token') ?? '',
  };
}

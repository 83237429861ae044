import type { SwfControlCenterBridge } from '../../shared/preload-api';

/**
 * Where the core is and the token to reach it: from the Electron preload, or in a browser from
 * the `#token=` fragment that `npm start` prints (kept for the tab's life, never sent to a server).
 */
export interface Connection {
  baseUrl: string;
  token: string;
}

export const bridge = (): SwfControlCenterBridge | undefined => window.swfControlCenter;

let resolved: Connection | undefined;

export function resolveConnection(): Connection {
  if (resolved) return resolved;
  const b = bridge();
  if (b?.token) return (resolved = { baseUrl: b.controlUrl, token: b.token });
  const fromHash = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (fromHash) {
    sessionStorage.setItem('swf-cc-token', fromHash);
    history.replaceState(null, '', window.location.pathname + window.location.search + '#/fleet');
  }
  return (resolved = {
    baseUrl: `${window.location.origin}/`,
    token: fromHash ?? sessionStorage.getItem('swf-cc-token') ?? '',
  });
}

export function uiSocketUrl(c: Connection): string {
  const url = new URL('ws/ui', c.baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', c.token);
  return url.toString();
}

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
  const fromHash = takeTokenFromHash();
  if (fromHash) sessionStorage.setItem('swf-cc-token', fromHash);
  return (resolved = {
    baseUrl: `${window.location.origin}/`,
    token: fromHash ?? sessionStorage.getItem('swf-cc-token') ?? '',
  });
}

/** A token pasted by the user or a corrected `#token=`: kept for the tab's life as the first was. */
export function replaceToken(token: string): Connection {
  sessionStorage.setItem('swf-cc-token', token);
  return (resolved = { ...resolveConnection(), token });
}

/** The token in the address bar's `#token=…`, removed from it once read. */
export function takeTokenFromHash(): string | null {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (token)
    history.replaceState(null, '', window.location.pathname + window.location.search + '#/fleet');
  return token;
}

/**
 * Whether the core refuses this token: a WebSocket closed during its handshake looks the same
 * whether the core is down or said 401, so ask over HTTP. `null` when the core is not reachable.
 */
export async function tokenRefused(c: Connection): Promise<boolean | null> {
  try {
    const res = await fetch(new URL('api/cc/status/', c.baseUrl), {
      headers: { Authorization: `Bearer ${c.token}` },
    });
    return res.status === 401;
  } catch {
    return null;
  }
}

export function uiSocketUrl(c: Connection): string {
  const url = new URL('ws/ui', c.baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', c.token);
  return url.toString();
}

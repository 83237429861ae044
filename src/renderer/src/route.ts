import { useSyncExternalStore } from 'react';

export type Route =
  | { view: 'fleet' }
  | { view: 'agent'; name: string }
  | { view: 'heartbeats'; agent?: string }
  | { view: 'runs'; run?: number }
  | { view: 'mcp' }
  | { view: 'settings' }
  | { view: 'executions'; id?: string }
  | { view: BrowseView; filter: Record<string, string> }
  | { view: 'plots' };

/** The record browsers whose filters live in the address (`#/messages?run=12&type=stf_gen`). */
export type BrowseView = 'messages' | 'logs' | 'files';
const BROWSE_VIEWS: readonly string[] = ['messages', 'logs', 'files'];

const parseQuery = (query: string | undefined): Record<string, string> =>
  Object.fromEntries(new URLSearchParams(query ?? '').entries());

/** Hash routes (`#/agent/<name>`): work from a file, a dev server and the core alike. */
export function parseRoute(hash: string): Route {
  const [path, query] = hash.replace(/^#\/?/, '').split('?', 2);
  const parts = (path ?? '').split('/').map(decodeURIComponent);
  if (parts[0] && BROWSE_VIEWS.includes(parts[0]))
    return { view: parts[0] as BrowseView, filter: parseQuery(query) };
  switch (parts[0]) {
    case 'executions':
      return { view: 'executions', id: parts[1] || undefined };
    case 'plots':
      return { view: 'plots' };
    case 'agent':
      return parts[1] ? { view: 'agent', name: parts[1] } : { view: 'fleet' };
    case 'heartbeats':
      return { view: 'heartbeats', agent: parts[1] || undefined };
    case 'runs': {
      const run = Number(parts[1]);
      return { view: 'runs', run: Number.isInteger(run) && parts[1] ? run : undefined };
    }
    case 'mcp':
      return { view: 'mcp' };
    case 'settings':
      return { view: 'settings' };
    default:
      return { view: 'fleet' };
  }
}

export function href(route: Route): string {
  switch (route.view) {
    case 'agent':
      return `#/agent/${encodeURIComponent(route.name)}`;
    case 'heartbeats':
      return route.agent ? `#/heartbeats/${encodeURIComponent(route.agent)}` : '#/heartbeats';
    case 'runs':
      return route.run !== undefined ? `#/runs/${route.run}` : '#/runs';
    case 'executions':
      return route.id ? `#/executions/${encodeURIComponent(route.id)}` : '#/executions';
    case 'messages':
    case 'logs':
    case 'files': {
      const given = Object.entries(route.filter).filter(([, v]) => v !== '');
      return given.length
        ? `#/${route.view}?${new URLSearchParams(given).toString()}`
        : `#/${route.view}`;
    }
    default:
      return `#/${route.view}`;
  }
}

const subscribe = (cb: () => void) => {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
};

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}

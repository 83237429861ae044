import { useSyncExternalStore } from 'react';

export type Route =
  | { view: 'fleet' }
  | { view: 'agent'; name: string }
  | { view: 'heartbeats'; agent?: string }
  | { view: 'runs'; run?: number }
  | { view: 'mcp' }
  | { view: 'settings' };

/** Hash routes (`#/agent/<name>`): work from a file, a dev server and the core alike. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  switch (parts[0]) {
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

import type { EventBus } from '../events.js';

export const FLEET_URI = 'swf://fleet';
export const agentUri = (name: string) => `swf://agents/${encodeURIComponent(name)}`;
export const runUri = (runNumber: number | string) =>
  `swf://runs/${encodeURIComponent(String(runNumber))}`;

export interface ChangeNotifier {
  /** Marks a resource changed; listeners hear about it once per debounce window. */
  touch(uri: string): void;
  subscribe(listener: (uri: string) => void): () => void;
  close(): void;
}

/**
 * Turns bus events into resource URIs for `notifications/resources/updated`. A heartbeat storm
 * must not become a notification storm: each URI fires at most once per `debounceMs`, at the end
 * of the window in which it first changed, so a subscriber is never more than one window behind.
 */
export function createChangeNotifier(bus: EventBus, debounceMs: number): ChangeNotifier {
  const listeners = new Set<(uri: string) => void>();
  const pending = new Map<string, NodeJS.Timeout>();

  const fire = (uri: string) => {
    pending.delete(uri);
    for (const l of listeners) {
      try {
        l(uri);
      } catch {
        // One broken subscriber (a closed connection) must not stop the others.
      }
    }
  };
  const touch = (uri: string) => {
    if (listeners.size === 0 || pending.has(uri)) return;
    const timer = setTimeout(() => fire(uri), debounceMs);
    timer.unref();
    pending.set(uri, timer);
  };

  const offs = [
    bus.on('agent.changed', ({ agent }) => {
      touch(FLEET_URI);
      touch(agentUri(agent.instance_name));
    }),
    bus.on('agent.liveness', ({ instanceName }) => {
      touch(FLEET_URI);
      touch(agentUri(instanceName));
    }),
  ];

  return {
    touch,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      for (const off of offs) off();
      for (const t of pending.values()) clearTimeout(t);
      pending.clear();
      listeners.clear();
    },
  };
}

import { Notification } from 'electron';
import type { EventBus } from '../core/events.js';
import { createExitTracker, onEventByName, processStateSchema } from './fleet.js';

export interface NotificationSpec {
  /** Same key within the quiet period = one notification (an agent flapping is one alert). */
  key: string;
  title: string;
  body: string;
}

export type Notify = (spec: NotificationSpec) => void;

/**
 * Turns core events into notifications: an agent that stops heartbeating, a process the
 * supervisor gave up on (FATAL). Returns the unsubscribe function.
 */
export function wireNotifications(
  bus: EventBus,
  notify: Notify,
  opts: { quietMs?: number; now?: () => number } = {},
): () => void {
  const quietMs = opts.quietMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const last = new Map<string, number>();
  const send = (spec: NotificationSpec) => {
    const t = now();
    const prev = last.get(spec.key);
    if (prev !== undefined && t - prev < quietMs) return;
    last.set(spec.key, t);
    notify(spec);
  };
  // An agent whose own last heartbeat said EXITED stopped on purpose: its silence is no alarm.
  const exits = createExitTracker(bus);
  const offs = [
    () => exits.close(),
    // Dead whether or not the sweeper marked it EXITED in the same pass (it does for an agent
    // silent past both limits).
    bus.on('agent.liveness', (e) => {
      if (e.liveness !== 'dead' || exits.saidGoodbye(e.instanceName)) return;
      send({
        key: `dead:${e.instanceName}`,
        title: `Agent ${e.instanceName} is not responding`,
        body: 'No heartbeat within the liveness window. Open SWF Control Center for its logs.',
      });
    }),
    onEventByName(bus, 'process.state', processStateSchema, (e) => {
      if (e.state !== 'FATAL') return;
      const name = e.name ?? e.program ?? 'a program';
      send({
        key: `fatal:${name}`,
        title: `${name} could not be started`,
        body: 'The supervisor gave up after repeated failures (FATAL). See its log in SWF Control Center.',
      });
    }),
  ];
  return () => offs.forEach((off) => off());
}

/** A native notification; clicking it brings the window forward. Silently skipped where unsupported. */
export function showNativeNotification(
  spec: { title: string; body: string },
  onClick?: () => void,
) {
  if (!Notification.isSupported()) return;
  const n = new Notification({ title: spec.title, body: spec.body });
  if (onClick) n.on('click', onClick);
  n.show();
}

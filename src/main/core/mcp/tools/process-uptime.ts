import type { Store } from '../../store/index.js';

/**
 * When a supervised program entered its current state, and how long its current process has
 * lived, from what the supervisor stored (its transitions and spawned instances).
 */
export function processTiming(
  store: Store,
  program: string,
  state: string,
  pid: number | null,
  now = Date.now(),
): { since: string | null; uptime_seconds: number | null } {
  const entered = store.processes
    .transitions({ program, limit: 50 })
    .find((t) => t.to_state === state);
  const instance =
    pid === null
      ? undefined
      : store.processes.openInstances().find((i) => i.pid === pid && i.program === program);
  return {
    since: entered?.at ?? null,
    uptime_seconds: instance ? Math.max(0, Math.round((now - instance.started_ms) / 1000)) : null,
  };
}

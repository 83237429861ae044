import type { AgentRecord, Liveness } from '../../../shared/agent.js';
import type { EventBus } from '../events.js';
import type { Store } from '../store/index.js';
import { isoMinusSeconds, nowIso } from '../time.js';

export interface LivenessOptions {
  aliveSeconds: number;
  exitedAfterSeconds: number;
  sweepSeconds: number;
}

/** The seed's rule: alive when the last heartbeat is at most `aliveSeconds` old; never heard = dead. */
export function livenessOf(
  agent: Pick<AgentRecord, 'last_heartbeat'>,
  aliveSeconds: number,
  now = Date.now(),
): Liveness {
  if (!agent.last_heartbeat) return 'dead';
  return Date.parse(agent.last_heartbeat) >= now - aliveSeconds * 1000 ? 'alive' : 'dead';
}

export type LivenessTracker = ReturnType<typeof createLivenessTracker>;

/**
 * Keeps each agent's last known liveness so that only crossings become events, and runs the
 * sweeper that marks silent agents EXITED (the monitor's mark_stale_agents, on a timer rather
 * than on every heartbeat so that ingest stays cheap).
 */
export function createLivenessTracker(store: Store, bus: EventBus, opts: LivenessOptions) {
  const known = new Map<string, Liveness>();
  let timer: NodeJS.Timeout | undefined;

  for (const agent of store.agents.all())
    known.set(agent.instance_name, livenessOf(agent, opts.aliveSeconds));

  function set(instanceName: string, liveness: Liveness, markedExited: boolean) {
    if (known.get(instanceName) === liveness && !markedExited) return;
    known.set(instanceName, liveness);
    bus.emit('agent.liveness', { instanceName, liveness, markedExited });
  }

  function sweep(now = Date.now()): { markedExited: AgentRecord[]; died: string[] } {
    const stamp = nowIso();
    const markedExited = store.agents.markStale(
      isoMinusSeconds(opts.exitedAfterSeconds, now),
      stamp,
    );
    for (const agent of markedExited) {
      bus.emit('agent.changed', { agent, created: false });
      set(agent.instance_name, livenessOf(agent, opts.aliveSeconds, now), true);
    }
    const died: string[] = [];
    for (const [name, liveness] of known) {
      if (liveness !== 'alive') continue;
      const agent = store.agents.get(name);
      if (!agent || livenessOf(agent, opts.aliveSeconds, now) === 'dead') {
        died.push(name);
        set(name, 'dead', false);
      }
    }
    return { markedExited, died };
  }

  return {
    sawHeartbeat(instanceName: string) {
      set(instanceName, 'alive', false);
    },
    liveness(instanceName: string): Liveness {
      return known.get(instanceName) ?? 'dead';
    },
    sweep,
    start() {
      timer = setInterval(() => sweep(), opts.sweepSeconds * 1000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}

import {
  type AgentDeath,
  ENDED_PROCESS_STATES,
  processEndReason,
} from '../../../shared/agent-death.js';
import type { Store } from '../store/index.js';

type Row = {
  pid: number;
  to_state: string;
  exit_code: number | null;
  signal: string | null;
  reason: string | null;
};

const cache = new WeakMap<Store, { all(...pids: number[]): unknown[] }>();

/**
 * Agents whose process the supervisor last saw end (its latest transition for that pid is an end),
 * by instance name: a fresh UI shows them dead at once, not after the liveness window.
 */
export function agentDeaths(
  store: Store,
  agents: { instance_name: string; pid: number | null; status: string }[],
): Record<string, AgentDeath> {
  const candidates = agents.filter((a) => a.pid && a.status !== 'EXITED');
  if (candidates.length === 0) return {};
  let stmt = cache.get(store);
  if (!stmt) {
    stmt = store.db.prepare(
      `SELECT t.pid, t.to_state, t.exit_code, t.signal, t.reason FROM process_transitions t
       JOIN (SELECT pid, MAX(id) AS id FROM process_transitions WHERE pid IS NOT NULL
             GROUP BY pid) last ON last.id = t.id`,
    );
    cache.set(store, stmt);
  }
  const ended = new Map<number, Row>();
  for (const r of stmt.all() as Row[])
    if (ENDED_PROCESS_STATES.includes(r.to_state)) ended.set(r.pid, r);
  const out: Record<string, AgentDeath> = {};
  for (const a of candidates) {
    const t = ended.get(a.pid!);
    if (t)
      out[a.instance_name] = {
        pid: t.pid,
        reason: processEndReason({
          to: t.to_state,
          exitCode: t.exit_code,
          signal: t.signal,
          reason: t.reason,
        }),
      };
  }
  return out;
}

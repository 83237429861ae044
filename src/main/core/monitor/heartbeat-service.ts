import {
  heartbeatInputSchema,
  type AgentRecord,
  type HeartbeatInput,
  type HeartbeatSource,
} from '../../../shared/agent.js';
import type { EventBus } from '../events.js';
import type { Store } from '../store/index.js';
import { nowIso } from '../time.js';

export type HeartbeatService = ReturnType<typeof createHeartbeatService>;

/** Beat ids remembered per agent: the REST and STOMP copies of a beat arrive close together. */
const BEAT_IDS_PER_AGENT = 4;
/** Agents whose recent beat ids are remembered (the least recently heard are forgotten). */
const MAX_REMEMBERED_AGENTS = 20_000;

interface Applied {
  agent: AgentRecord;
  created: boolean;
  /** The second copy of a beat already stored: nothing was written or announced. */
  repeat: boolean;
}

/**
 * The one place a heartbeat becomes state, whichever path brought it (REST, STOMP, MCP): the agent
 * upsert and the history row commit together, then the bus hears about it.
 */
export function createHeartbeatService(
  store: Store,
  bus: EventBus,
  onAlive: (instanceName: string) => void,
) {
  const recentBeats = new Map<string, string[]>();
  const isRepeat = (hb: HeartbeatInput) =>
    hb.beat_id !== undefined && (recentBeats.get(hb.instance_name)?.includes(hb.beat_id) ?? false);
  // Called only after the beat committed, so a rolled-back beat is not taken for stored.
  function remember(hb: HeartbeatInput) {
    if (hb.beat_id === undefined) return;
    const ids = recentBeats.get(hb.instance_name) ?? [];
    recentBeats.delete(hb.instance_name);
    recentBeats.set(hb.instance_name, [...ids.slice(1 - BEAT_IDS_PER_AGENT), hb.beat_id]);
    if (recentBeats.size > MAX_REMEMBERED_AGENTS)
      recentBeats.delete(recentBeats.keys().next().value!);
  }

  const apply = (hb: HeartbeatInput, source: HeartbeatSource, now: string): Applied => {
    if (isRepeat(hb)) {
      const agent = store.agents.get(hb.instance_name);
      if (agent) return { agent, created: false, repeat: true };
    }
    const result = store.agents.upsertFromHeartbeat(hb, now);
    store.heartbeats.append(
      hb.instance_name,
      now,
      result.agent.status,
      result.agent.operational_state,
      source,
    );
    return { ...result, repeat: false };
  };
  const recordTx = store.db.transaction(apply);

  function announce(hb: HeartbeatInput, r: Applied, source: HeartbeatSource) {
    if (r.repeat) return;
    remember(hb);
    const { agent, created } = r;
    bus.emit('agent.changed', { agent, created });
    bus.emit('agent.heartbeat', {
      instanceName: agent.instance_name,
      status: agent.status,
      operationalState: agent.operational_state,
      source,
      at: agent.last_heartbeat ?? agent.updated_at,
    });
    onAlive(agent.instance_name);
  }

  // Group commit: heartbeats that arrive in the same event-loop turn share one transaction. A commit
  // is the expensive part (a WAL write); one per batch instead of one per heartbeat is what lets
  // thousands of agents report at once. Callers are answered only after their batch committed.
  interface Pending {
    hb: HeartbeatInput;
    source: HeartbeatSource;
    resolve(r: Applied): void;
    reject(err: unknown): void;
  }
  let queue: Pending[] = [];
  const flushBatch = store.db.transaction((batch: Pending[], now: string) =>
    batch.map((p) => apply(p.hb, p.source, now)),
  );
  function settle(p: Pending, r: Applied) {
    p.resolve(r);
    announce(p.hb, r, p.source);
  }
  function flush() {
    const batch = queue;
    queue = [];
    const now = nowIso();
    let results: Applied[];
    try {
      results = flushBatch(batch, now);
    } catch {
      // One bad row rolled the whole batch back: each heartbeat commits alone instead, so only
      // the bad one fails and its neighbours are answered as usual.
      for (const p of batch) {
        let r: Applied;
        try {
          r = recordTx(p.hb, p.source, now);
        } catch (err) {
          p.reject(err);
          continue;
        }
        settle(p, r);
      }
      return;
    }
    batch.forEach((p, i) => settle(p, results[i]!));
  }

  return {
    /**
     * Validates at once (throws the zod error), then stores with the heartbeats of the same turn;
     * resolves once durable.
     */
    submit(body: unknown, source: HeartbeatSource): Promise<Applied> {
      const hb = heartbeatInputSchema.parse(body);
      return new Promise((resolve, reject) => {
        if (queue.push({ hb, source, resolve, reject }) === 1) setImmediate(flush);
      });
    },

    /** Validated upsert; throws the zod error for the caller to turn into its own error shape. */
    record(body: unknown, source: HeartbeatSource): Applied {
      const hb = heartbeatInputSchema.parse(body);
      const result = recordTx(hb, source, nowIso());
      announce(hb, result, source);
      return result;
    },

    /**
     * The legacy paths (seed STOMP `{agent_name, status}`, MCP v1.0 `heartbeat`) only touch status
     * and time, keeping every other field of a known agent.
     */
    touch(
      instanceName: string,
      fields: { status?: string; createAs?: string },
      source: HeartbeatSource,
    ) {
      const existing = store.agents.get(instanceName);
      if (!existing && !fields.createAs) return undefined;
      const hb: HeartbeatInput = {
        instance_name: instanceName,
        agent_type: existing?.agent_type ?? fields.createAs ?? 'other',
        description: existing?.description ?? '',
        status: fields.status ?? existing?.status ?? 'OK',
        agent_url: existing?.agent_url ?? null,
        namespace: existing?.namespace ?? null,
      };
      const result = recordTx(hb, source, nowIso());
      announce(hb, result, source);
      return result;
    },
  };
}

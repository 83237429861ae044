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

/**
 * The one place a heartbeat becomes state, whichever path brought it (REST, STOMP, MCP): the agent
 * upsert and the history row commit together, then the bus hears about it.
 */
export function createHeartbeatService(
  store: Store,
  bus: EventBus,
  onAlive: (instanceName: string) => void,
) {
  const apply = (hb: HeartbeatInput, source: HeartbeatSource, now: string) => {
    const result = store.agents.upsertFromHeartbeat(hb, now);
    store.heartbeats.append(
      hb.instance_name,
      now,
      result.agent.status,
      result.agent.operational_state,
      source,
    );
    return result;
  };
  const recordTx = store.db.transaction(apply);

  function announce(agent: AgentRecord, created: boolean, source: HeartbeatSource) {
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
    resolve(r: { agent: AgentRecord; created: boolean }): void;
    reject(err: unknown): void;
  }
  let queue: Pending[] = [];
  const flushBatch = store.db.transaction((batch: Pending[], now: string) =>
    batch.map((p) => apply(p.hb, p.source, now)),
  );
  function settle(p: Pending, r: { agent: AgentRecord; created: boolean }) {
    p.resolve(r);
    announce(r.agent, r.created, p.source);
  }
  function flush() {
    const batch = queue;
    queue = [];
    const now = nowIso();
    let results: { agent: AgentRecord; created: boolean }[];
    try {
      results = flushBatch(batch, now);
    } catch {
      // One bad row rolled the whole batch back: each heartbeat commits alone instead, so only
      // the bad one fails and its neighbours are answered as usual.
      for (const p of batch) {
        let r: { agent: AgentRecord; created: boolean };
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
    submit(
      body: unknown,
      source: HeartbeatSource,
    ): Promise<{ agent: AgentRecord; created: boolean }> {
      const hb = heartbeatInputSchema.parse(body);
      return new Promise((resolve, reject) => {
        if (queue.push({ hb, source, resolve, reject }) === 1) setImmediate(flush);
      });
    },

    /** Validated upsert; throws the zod error for the caller to turn into its own error shape. */
    record(body: unknown, source: HeartbeatSource): { agent: AgentRecord; created: boolean } {
      const hb = heartbeatInputSchema.parse(body);
      const result = recordTx(hb, source, nowIso());
      announce(result.agent, result.created, source);
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
      announce(result.agent, result.created, source);
      return result;
    },
  };
}

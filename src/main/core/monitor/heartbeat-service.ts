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
  const recordTx = store.db.transaction(
    (hb: HeartbeatInput, source: HeartbeatSource, now: string) => {
      const result = store.agents.upsertFromHeartbeat(hb, now);
      store.heartbeats.append(
        hb.instance_name,
        now,
        result.agent.status,
        result.agent.operational_state,
        source,
      );
      return result;
    },
  );

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

  return {
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

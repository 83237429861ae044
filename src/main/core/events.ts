import { EventEmitter } from 'node:events';
import type { McpConnectedClient } from './mcp/connected-clients.js';
import type { AgentRecord, HeartbeatSource, Liveness } from '../../shared/agent.js';
import type { AppLogRecord } from '../../shared/app-log.js';
import type { BrokerState } from '../../shared/broker-state.js';
import type { RunProgress, StoredWorkflowMessage } from '../../shared/workflow-messages.js';
import type { McpAuditRecord } from './store/mcp-audit.js';

/**
 * Every event the core emits, by name. The UI channel and MCP notifications subscribe here;
 * modules never call each other to announce a change.
 */
export interface CoreEventMap {
  /** An agent row was created or changed (heartbeat, sweeper, process state). */
  'agent.changed': { agent: AgentRecord; created: boolean };
  /** One heartbeat arrived, whatever its path. */
  'agent.heartbeat': {
    instanceName: string;
    status: string;
    operationalState: string;
    source: HeartbeatSource;
    at: string;
  };
  /** An agent crossed the liveness line (alive <-> dead) or was marked EXITED as stale. */
  'agent.liveness': { instanceName: string; liveness: Liveness; markedExited: boolean };
  /** An application log record was stored. */
  'log.appended': { log: AppLogRecord };
  /** The broker (embedded server or external client) changed connection state. */
  'broker.state': BrokerState;
  /** The recorder stored one workflow message (after its batch committed). */
  'workflow.message': { message: StoredWorkflowMessage };
  /** A run's state or STF pipeline counts changed (at most once per run per recorder batch). */
  'run.progress': RunProgress;
  /** A supervised process changed state (every transition, as stored). */
  'process.state': {
    name: string;
    program: string;
    pid: number | null;
    from: string;
    to: string;
    exitCode: number | null;
    signal: string | null;
    reason: string | null;
    at: string;
  };
  /** Captured output of one process, batched (one event per flush, not per line). */
  'process.output': {
    name: string;
    lines: { at: string; stream: 'stdout' | 'stderr'; line: string }[];
    /** Lines in this batch left out of the event (still stored) to keep events small. */
    omitted: number;
  };
  /** CPU and memory of every running process, sampled every few seconds. */
  'process.metrics': {
    at: string;
    processes: { name: string; pid: number; cpuPercent: number; rssBytes: number }[];
  };
  /** An MCP client called a tool (stored in mcp_audit first; `record.id` is the row). */
  'mcp.activity': { record: McpAuditRecord };
  /** The MCP clients connected over WebSocket or the stdio bridge changed. */
  'mcp.clients': { clients: McpConnectedClient[] };
  /** The core started or is stopping. */
  'core.state': { state: 'starting' | 'running' | 'stopping' | 'stopped' };
}

export type CoreEventName = keyof CoreEventMap;
export type Listener<K extends CoreEventName> = (payload: CoreEventMap[K]) => void;

/** A typed wrapper around one EventEmitter; a throwing listener never breaks the emitter. */
export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor(private readonly onListenerError: (err: unknown, event: string) => void = () => {}) {
    this.emitter.setMaxListeners(100);
  }

  emit<K extends CoreEventName>(event: K, payload: CoreEventMap[K]): void {
    for (const listener of this.emitter.listeners(event)) {
      try {
        (listener as Listener<K>)(payload);
      } catch (err) {
        this.onListenerError(err, event);
      }
    }
  }

  on<K extends CoreEventName>(event: K, listener: Listener<K>): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  /** Every event, for subscribers that forward all of them (UI channel). */
  onAny(
    listener: <K extends CoreEventName>(event: K, payload: CoreEventMap[K]) => void,
  ): () => void {
    const names = ALL_EVENTS;
    const offs = names.map((name) => this.on(name, (payload) => listener(name, payload)));
    return () => offs.forEach((off) => off());
  }
}

export const ALL_EVENTS: CoreEventName[] = [
  'agent.changed',
  'agent.heartbeat',
  'agent.liveness',
  'log.appended',
  'broker.state',
  'workflow.message',
  'run.progress',
  'mcp.activity',
  'core.state',
  'mcp.clients',
  'process.state',
  'process.output',
  'process.metrics',
];

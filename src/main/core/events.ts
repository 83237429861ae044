import { EventEmitter } from 'node:events';
import type { AgentRecord, HeartbeatSource, Liveness } from '../../shared/agent.js';
import type { AppLogRecord } from '../../shared/app-log.js';
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
  /** An MCP client called a tool (stored in mcp_audit first; `record.id` is the row). */
  'mcp.activity': { record: McpAuditRecord };
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
  'mcp.activity',
  'core.state',
];

import { randomUUID } from 'node:crypto';
import { HEARTBEAT_TOPIC } from '../../src/shared/workflow-messages.js';
import type { RestClient } from './rest-client.js';
import type { RestLogger } from './rest-logger.js';
import { type AgentSettings, errorText, localIsoNow } from './settings.js';
import type { AgentStompClient } from './agent-stomp-client.js';

export type OperationalState = 'STARTING' | 'READY' | 'PROCESSING' | 'EXITED';

export interface HeartbeatOverride {
  status?: string;
  description?: string;
  operationalState?: OperationalState;
}

/** The gap between two state-change heartbeats: the UI sees READY/PROCESSING flips within ~1 s. */
const STATE_HEARTBEAT_GAP_MS = 1000;

interface AgentView {
  name(): string;
  readonly agentType: string;
  readonly hostname: string;
  readonly settings: AgentSettings;
  readonly api: RestClient;
  readonly log: RestLogger;
  mq(): AgentStompClient | undefined;
  /** Extra `key: value` pairs for the description (the "enhanced" heartbeat). */
  metadata(): Record<string, unknown> | undefined;
}

/**
 * The agent's operational state and its heartbeats: REST (the original's) and STOMP (ours, the
 * same fields with `msg_type: "heartbeat"`), one soon after each READY/PROCESSING change.
 */
export class HeartbeatReporter {
  private state: OperationalState = 'STARTING';
  private busyHolds = 0;
  private stateTimer: NodeJS.Timeout | undefined;
  /** PROCESSING was entered since the last heartbeat: report it even if the work already ended. */
  private processingUnreported = false;
  private lastAt = 0;
  private failing = false;
  private stopped = false;

  constructor(private readonly agent: AgentView) {}

  get operationalState(): OperationalState {
    return this.state;
  }

  setState(next: OperationalState): void {
    if (this.state === next || this.state === 'EXITED') return;
    this.state = next;
    if (next === 'PROCESSING') this.processingUnreported = true;
    if (next === 'READY' || next === 'PROCESSING') this.scheduleStateHeartbeat();
  }

  /** READY or PROCESSING from the work in flight (handlers running, holds taken). */
  refresh(inFlight: number): void {
    if (this.state === 'STARTING' || this.state === 'EXITED') return;
    this.setState(inFlight > 0 || this.busyHolds > 0 ? 'PROCESSING' : 'READY');
  }

  /** Marks long work outside the message pool as PROCESSING until the returned release. */
  hold(inFlight: () => number): () => void {
    this.busyHolds++;
    this.refresh(inFlight());
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.busyHolds--;
      this.refresh(inFlight());
    };
  }

  /** No more state heartbeats (shutdown). */
  stop(): void {
    this.stopped = true;
    if (this.stateTimer) clearTimeout(this.stateTimer);
  }

  private scheduleStateHeartbeat(): void {
    if (this.stateTimer || this.stopped) return;
    const wait = Math.max(0, this.lastAt + STATE_HEARTBEAT_GAP_MS - Date.now());
    this.stateTimer = setTimeout(() => {
      this.stateTimer = undefined;
      // A burst shorter than the gap is still seen as PROCESSING, then READY one gap later.
      const missed = this.processingUnreported && this.state === 'READY';
      void this.send(missed ? { operationalState: 'PROCESSING' } : {});
      if (missed) this.scheduleStateHeartbeat();
    }, wait);
  }

  body(override: HeartbeatOverride = {}): Record<string, unknown> {
    const a = this.agent;
    const connected = a.mq()?.isConnected ?? false;
    let description = `${a.agentType} agent. MQ: ${connected ? 'connected' : 'disconnected'}`;
    const meta = a.metadata();
    if (meta) for (const [k, v] of Object.entries(meta)) description += `. ${k}: ${String(v)}`;
    return {
      instance_name: a.name(),
      agent_type: a.agentType,
      status: override.status ?? (connected ? 'OK' : 'WARNING'),
      description: override.description ?? description,
      mq_connected: connected,
      pid: process.pid,
      hostname: a.hostname,
      operational_state: override.operationalState ?? this.state,
      namespace: a.settings.namespace,
      workflow_enabled: meta !== undefined,
    };
  }

  /** One heartbeat over REST and over STOMP (one id); failures are logged, never fatal (HEAD behaviour). */
  async send(override: HeartbeatOverride & { resync?: boolean } = {}): Promise<void> {
    const a = this.agent;
    const name = a.name();
    if (!name) return;
    this.lastAt = Date.now();
    if ((override.operationalState ?? this.state) === 'PROCESSING')
      this.processingUnreported = false;
    const { resync, ...fields } = override;
    // Both copies of the beat carry its id, so the monitor stores it once.
    const body = { ...this.body(fields), beat_id: randomUUID() };
    const rest = a.api
      .request('POST', '/systemagents/heartbeat/', body, { delaysMs: [] })
      .then(() => {
        if (this.failing) a.log.info('heartbeats reach the monitor again');
        this.failing = false;
      })
      .catch((err: unknown) => {
        if (!this.failing)
          a.log.warning(`heartbeat to the monitor failed: ${errorText(err)}`, { cause: err });
        this.failing = true;
      });
    const mq = a.mq();
    const stomp =
      mq?.isConnected === true
        ? mq
            .send(
              HEARTBEAT_TOPIC,
              JSON.stringify({
                msg_type: 'heartbeat',
                ...body,
                sender: name,
                timestamp: localIsoNow(),
                ...(resync ? { resync: true } : {}),
              }),
              { receipt: override.status === 'EXITED', timeoutMs: 2000 },
            )
            .catch(() => undefined)
        : Promise.resolve();
    await Promise.all([rest, stomp]);
  }
}

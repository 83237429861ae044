import { hostname } from 'node:os';
import { msgTypeSelector } from '../src/shared/message-selector.js';
import {
  HEARTBEAT_TOPIC,
  type KnownMessageType,
  type WorkflowBody,
} from '../src/shared/workflow-messages.js';
import { openBrokerConnection, publish } from './lib/agent-connection.js';
import {
  type HeartbeatOverride,
  HeartbeatReporter,
  type OperationalState,
} from './lib/agent-heartbeat.js';
import { fetchAgentId, registerSubscriber } from './lib/agent-registration.js';
import { type IncomingMessage, MessagePool, parseFrame } from './lib/message-pool.js';
import { ApiError, type ApiReply, RestClient } from './lib/rest-client.js';
import { type LogExtra, RestLogger } from './lib/rest-logger.js';
import { type AgentSettings, errorText, loadSettings } from './lib/settings.js';
import type { AgentStompClient } from './lib/agent-stomp-client.js';

export type { IncomingMessage } from './lib/message-pool.js';
export type { OperationalState } from './lib/agent-heartbeat.js';

/**
 * The TypeScript BaseAgent: the original's registration, heartbeats, REST logging, namespace
 * handling and shutdown, on a STOMP connection that reconnects by itself. This file is the
 * lifecycle; the connection, heartbeats, registration and the message pool live in `lib/agent-*`
 * and `lib/message-pool.ts`.
 *
 * Choices around the originals:
 * - namespace filtering is the lenient one of `log_received_message`: a message is dropped only
 *   when it names a *different* non-empty namespace; every message we send carries ours;
 * - heartbeats go over REST *and* over STOMP (`msg_type: "heartbeat"` on `/topic/swf.heartbeat`)
 *   with the same fields, so a broker-side monitor sees the fleet without REST;
 * - a subscriber registration failure other than "already exists" is fatal as in the original
 *   (the supervisor restarts the agent); a STOMP outage is not: the connection keeps retrying
 *   with backoff and the heartbeat says WARNING / mq_connected false meanwhile;
 * - messages are handled by a bounded pool (`SWF_AGENT_MAX_WORKERS`, default 64 where the
 *   original's thread pool has 4, see `DEFAULT_MAX_WORKERS`); the agent is PROCESSING while any
 *   handler runs.
 */
export abstract class BaseAgent {
  readonly settings: AgentSettings;
  readonly api: RestClient;
  readonly log: RestLogger;
  readonly hostname = hostname();
  name = '';
  agentId = 0;
  mq!: AgentStompClient;
  currentExecutionId: string | undefined;
  currentRunId: number | string | undefined;

  private heartbeatTimer: NodeJS.Timeout | undefined;
  private shuttingDown = false;
  protected stats = { active_tasks: 0, completed_tasks: 0, failed_tasks: 0 };
  private readonly beats: HeartbeatReporter;
  private readonly pool: MessagePool;

  constructor(
    readonly agentType: string,
    readonly subscriptions: string[],
    settings?: AgentSettings,
  ) {
    for (const d of subscriptions) {
      if (!d.startsWith('/queue/') && !d.startsWith('/topic/')) {
        throw new Error(`destination "${d}" must start with /queue/ or /topic/`);
      }
    }
    this.settings = settings ?? loadSettings();
    this.api = new RestClient(
      this.settings.monitorUrl,
      this.settings.apiToken,
      this.settings.restRetryDelaysMs,
    );
    this.log = new RestLogger(this.settings.monitorHttpUrl, this.settings.logLevel);
    this.beats = new HeartbeatReporter({
      name: () => this.name,
      agentType,
      hostname: this.hostname,
      settings: this.settings,
      api: this.api,
      log: this.log,
      mq: () => this.mq as AgentStompClient | undefined,
      metadata: () => this.heartbeatMetadata(),
    });
    this.pool = new MessagePool(
      this.settings.maxWorkers,
      this.stats,
      (msg) => this.onMessage(msg),
      (msg, err) =>
        this.log.error(
          `handling ${msg.msgType} failed: ${errorText(err)}`,
          this.extraFrom(msg.data),
        ),
      () => this.beats.refresh(this.pool.inFlight),
    );
  }

  /**
   * The message kinds `onMessage` acts on, when it ignores the others: the topic subscriptions
   * then carry a selector, so the broker does not send the rest. Undefined: every message.
   */
  protected readonly handledKinds: readonly KnownMessageType[] | undefined = undefined;

  /** Handles one workflow message (already JSON-parsed and namespace-filtered). */
  protected abstract onMessage(msg: IncomingMessage): Promise<void>;

  /** Extra `key: value` pairs for the heartbeat description (the "enhanced" heartbeat). */
  protected heartbeatMetadata(): Record<string, unknown> | undefined {
    return this.stats;
  }

  /** `_log_extra()`: username, execution and run when known, plus the given keys. */
  extra(kw: LogExtra = {}): LogExtra {
    const e: LogExtra = { username: this.settings.user };
    if (this.currentExecutionId) e.execution_id = this.currentExecutionId;
    if (this.currentRunId !== undefined) e.run_id = this.currentRunId;
    return { ...e, ...kw };
  }

  extraFrom(data: WorkflowBody, kw: LogExtra = {}): LogExtra {
    const e: LogExtra = { username: this.settings.user };
    if (typeof data.execution_id === 'string') e.execution_id = data.execution_id;
    if (data.run_id !== undefined) e.run_id = data.run_id;
    return { ...e, ...kw };
  }

  /** Messages being handled or queued. */
  get pendingWork(): number {
    return this.pool.pending;
  }

  get operationalState(): OperationalState {
    return this.beats.operationalState;
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  async run(): Promise<void> {
    this.installSignalHandlers();
    const s = this.settings;
    this.log.info(
      `${this.agentType} agent starting: broker ${s.useSsl ? 'stomp+ssl' : 'stomp'}://${s.brokerHost}:${s.brokerPort}, monitor ${s.monitorUrl}, namespace ${s.namespace} (from ${s.namespaceSource})`,
    );
    this.agentId = await fetchAgentId(this.api, this.log);
    this.name = `${this.agentType.toLowerCase()}-agent-${s.user}-${this.agentId}`;
    this.log.instanceName = this.name;

    this.mq = openBrokerConnection({
      settings: s,
      clientId: this.name,
      log: this.log,
      extra: () => this.extra(),
      // Every agent also hears the fleet's STOMP heartbeats (not registered as a subscriber: it
      // is the agents' own resync channel, see DaqSimulator.beforePublish).
      destinations: [HEARTBEAT_TOPIC, ...this.subscriptions],
      subscribeHeaders: (d): Record<string, string> =>
        this.handledKinds && d.startsWith('/topic/') && d !== HEARTBEAT_TOPIC
          ? { selector: msgTypeSelector(this.handledKinds) }
          : {},
      onFrame: (destination, body, headers) => this.receive(destination, body, headers),
      onDown: () => void this.heartbeat(),
      onUp: () => void this.heartbeat(),
      starting: () => this.beats.operationalState === 'STARTING',
    });
    this.mq.start();
    await this.mq.waitUp(24 * 3600 * 1000);
    for (const destination of this.subscriptions)
      await registerSubscriber(this.api, this, destination);
    await this.onStarted();
    this.beats.setState('READY');
    await this.heartbeat();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), s.heartbeatIntervalMs);
    this.log.info(`${this.name} ready, subscribed to ${this.subscriptions.join(', ')}`);
  }

  /** Hook: a STOMP heartbeat of another agent (only if the subclass subscribes to them). */
  protected onHeartbeatMessage(_data: WorkflowBody): void {}

  /** Hook: may hold a publish back (bounded by `deadline`), e.g. until peers resubscribed. */
  protected async beforePublish(_deadline: number): Promise<void> {}

  /** Hook for subclasses, after connect and registration, before READY. */
  protected async onStarted(): Promise<void> {}

  /** Hook for subclasses: stop long work (the DAQ simulator ends its run). */
  protected async onShutdown(): Promise<void> {}

  private installSignalHandlers(): void {
    for (const sig of ['SIGTERM', 'SIGINT', 'SIGQUIT'] as const) {
      process.on(sig, () => void this.shutdown(`signal ${sig}`));
    }
  }

  /** Final EXITED heartbeat, then exit (the original's shutdown order). */
  async shutdown(reason: string, code = 0): Promise<never> {
    if (this.shuttingDown) return new Promise<never>(() => {});
    this.shuttingDown = true;
    this.log.info(`${this.agentType} agent shutting down (${reason})`, this.extra());
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.beats.stop();
    try {
      await this.onShutdown();
    } catch (err) {
      this.log.error(`shutdown hook failed: ${errorText(err)}`, { cause: err });
    }
    await this.waitIdle(5000);
    this.beats.setState('EXITED');
    if (this.name) {
      await this.heartbeat({
        status: 'EXITED',
        description: `${this.agentType} agent. Agent shutdown`,
      });
    }
    await this.log.flush(3000);
    this.api.abort();
    await this.mq?.close();
    process.exit(code);
  }

  // ---- state and heartbeats -------------------------------------------------------------------

  /** Marks long work outside the message pool (a DAQ run) as PROCESSING until `release()`. */
  protected hold(): () => void {
    return this.beats.hold(() => this.pool.inFlight);
  }

  heartbeatBody(override: HeartbeatOverride = {}): Record<string, unknown> {
    return this.beats.body(override);
  }

  /** One heartbeat over REST and over STOMP; failures are logged, never fatal. */
  heartbeat(override: HeartbeatOverride & { resync?: boolean } = {}): Promise<void> {
    return this.beats.send(override);
  }

  // ---- messages ---------------------------------------------------------------------------------

  private receive(destination: string, body: string, headers: Record<string, string>): void {
    if (this.shuttingDown) return;
    const parsed = parseFrame(destination, body, headers);
    if ('error' in parsed) {
      this.log.error(parsed.error);
      return;
    }
    const msg = parsed.data;
    if (parsed.msgType === 'heartbeat') {
      if (msg.namespace !== this.settings.namespace || msg.instance_name === this.name) return;
      // A peer that just got its broker connection back asks who is there: answer at once.
      if (msg.resync === true && !this.shuttingDown) void this.heartbeat();
      this.onHeartbeatMessage(msg);
      return;
    }
    // Lenient filter: drop only a different, non-empty namespace.
    const ns = msg.namespace;
    if (typeof ns === 'string' && ns !== '' && ns !== this.settings.namespace) {
      this.log.debug(`ignored ${parsed.msgType} for namespace ${ns}`);
      return;
    }
    if (typeof msg.execution_id === 'string') this.currentExecutionId = msg.execution_id;
    if (typeof msg.run_id === 'number' || typeof msg.run_id === 'string')
      this.currentRunId = msg.run_id;
    this.pool.push(parsed);
  }

  /** Resolves when no handler runs and none is queued (or after `timeoutMs`). */
  waitIdle(timeoutMs: number): Promise<void> {
    return this.pool.waitIdle(timeoutMs);
  }

  /** `send_message` with the agent's name and namespace, retried until the publish deadline. */
  sendMessage(destination: string, body: Record<string, unknown>): Promise<void> {
    return this.sendMessages(destination, [body]);
  }

  /** Several messages at once, confirmed by one receipt (see `publish`). */
  sendMessages(destination: string, bodies: Record<string, unknown>[]): Promise<void> {
    return publish(this.mq, destination, bodies, {
      sender: this.name,
      namespace: this.settings.namespace,
      deadlineMs: this.settings.publishDeadlineMs,
      beforePublish: (deadline) => this.beforePublish(deadline),
    });
  }

  /** POST/PATCH helpers returning the JSON body. */
  async apiJson(
    method: string,
    endpoint: string,
    body?: unknown,
  ): Promise<Record<string, unknown>> {
    const reply: ApiReply = await this.api.request(method, endpoint, body);
    return (reply.body ?? {}) as Record<string, unknown>;
  }
}

/** Runs an agent as a process: start, and exit 1 with a clear message if start-up fails. */
export function runAgentMain(agent: BaseAgent): void {
  // A stray rejection is a bug to log, not a reason to drop the agent mid-run.
  process.on('unhandledRejection', (reason) =>
    agent.log.error(
      `unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`,
    ),
  );
  agent.run().catch(async (err: unknown) => {
    const text = err instanceof ApiError || err instanceof Error ? err.message : String(err);
    agent.log.error(`agent failed to start: ${text}`);
    await agent.log.flush(2000);
    process.exit(1);
  });
}

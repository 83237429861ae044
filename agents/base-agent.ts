import { hostname } from 'node:os';
import { ApiError, type ApiReply, RestClient } from './lib/rest-client.js';
import { type LogExtra, RestLogger } from './lib/rest-logger.js';
import { type AgentSettings, errorText, loadSettings, localIsoNow } from './lib/settings.js';
import { NotConnectedError, StompConnection } from './lib/stomp-connection.js';
import { HEARTBEAT_TOPIC, type WorkflowBody } from '../src/shared/workflow-messages.js';

export type OperationalState = 'STARTING' | 'READY' | 'PROCESSING' | 'EXITED';

export interface IncomingMessage {
  /** The parsed JSON body. */
  data: WorkflowBody;
  msgType: string;
  destination: string;
  headers: Record<string, string>;
}

/** The gap between two state-change heartbeats: the UI sees READY/PROCESSING flips within ~1 s. */
const STATE_HEARTBEAT_GAP_MS = 1000;

/**
 * The TypeScript BaseAgent (reference §1): the original's registration, heartbeats, REST logging,
 * namespace handling and shutdown, on a STOMP connection that reconnects by itself.
 *
 * Choices around the originals (reference §5.2):
 * - namespace filtering is the lenient one of `log_received_message` (#3): a message is dropped only
 *   when it names a *different* non-empty namespace; every message we send carries ours;
 * - heartbeats go over REST *and* over STOMP (`msg_type: "heartbeat"` on `/topic/swf.heartbeat`)
 *   with the same fields, so a broker-side monitor sees the fleet without REST;
 * - a subscriber registration failure other than "already exists" is fatal as in the original
 *   (the supervisor restarts the agent); a STOMP outage is not: the connection keeps retrying
 *   with backoff and the heartbeat says WARNING / mq_connected false meanwhile;
 * - messages are handled by a bounded pool (`SWF_AGENT_MAX_WORKERS`, default 4, the original
 *   `run_in_background` size); the agent is PROCESSING while any handler runs.
 */
export abstract class BaseAgent {
  readonly settings: AgentSettings;
  readonly api: RestClient;
  readonly log: RestLogger;
  readonly hostname = hostname();
  name = '';
  agentId = 0;
  mq!: StompConnection;
  currentExecutionId: string | undefined;
  currentRunId: number | string | undefined;

  private state: OperationalState = 'STARTING';
  private busyHolds = 0;
  private inFlight = 0;
  private readonly queue: IncomingMessage[] = [];
  private idleWaiters: (() => void)[] = [];
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private stateHeartbeatTimer: NodeJS.Timeout | undefined;
  /** PROCESSING was entered since the last heartbeat: report it even if the work already ended. */
  private processingUnreported = false;
  private lastHeartbeatAt = 0;
  private heartbeatFailing = false;
  private shuttingDown = false;
  protected stats = { active_tasks: 0, completed_tasks: 0, failed_tasks: 0 };

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
  }

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

  /** Messages being handled or queued. */
  get pendingWork(): number {
    return this.inFlight + this.queue.length;
  }

  get operationalState(): OperationalState {
    return this.state;
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  async run(): Promise<void> {
    this.installSignalHandlers();
    const s = this.settings;
    this.log.info(
      `${this.agentType} agent starting: broker ${s.useSsl ? 'stomp+ssl' : 'stomp'}://${s.brokerHost}:${s.brokerPort}, monitor ${s.monitorUrl}, namespace ${s.namespace} (from ${s.namespaceSource})`,
    );
    // Sequential ID from the monitor, retried for ever (reference §1.2 step 5).
    const reply = await this.api.requestForever('POST', '/state/next-agent-id/', (err, next) =>
      this.log.warning(`next-agent-id failed (${errorText(err)}); retrying in ${next / 1000} s`),
    );
    const id = (reply.body as { agent_id?: unknown } | null)?.agent_id;
    if (typeof id !== 'number')
      throw new Error(`next-agent-id answered ${JSON.stringify(reply.body)}`);
    this.agentId = id;
    this.name = `${this.agentType.toLowerCase()}-agent-${s.user}-${id}`;
    this.log.instanceName = this.name;

    this.mq = new StompConnection({
      host: s.brokerHost,
      port: s.brokerPort,
      login: s.brokerUser,
      passcode: s.brokerPassword,
      ssl: s.useSsl,
      caFile: s.caFile,
      clientId: this.name,
      heartbeatMs: s.stompHeartbeatMs,
      reconnectInitialMs: s.reconnectInitialMs,
      reconnectMaxMs: s.reconnectMaxMs,
    });
    let attempts = 0;
    this.mq.on('attempt-failed', (reason: string) => {
      attempts++;
      // First failure and then every tenth: a broker that is down for long does not flood the log.
      if (attempts === 1 || attempts % 10 === 0) {
        this.log.warning(
          `broker connect attempt ${attempts} failed: ${reason}; retrying with backoff`,
        );
      }
    });
    this.mq.on('down', (reason: string) => {
      this.log.warning(`broker connection lost (${reason}); reconnecting`, this.extra());
      void this.heartbeat();
    });
    this.mq.on('up', () => {
      if (attempts > 0 || this.state !== 'STARTING') {
        this.log.info(`broker connection (re)established; subscriptions restored`, this.extra());
      }
      attempts = 0;
      void this.heartbeat();
    });
    // Every agent also hears the fleet's STOMP heartbeats (not registered as a subscriber: it is
    // the agents' own resync channel, see DaqSimulator.beforePublish).
    this.mq.subscribe(HEARTBEAT_TOPIC, (body, headers) =>
      this.receive(HEARTBEAT_TOPIC, body, headers),
    );
    for (const destination of this.subscriptions) {
      this.mq.subscribe(destination, (body, headers) => this.receive(destination, body, headers));
    }
    this.mq.start();
    await this.mq.waitUp(24 * 3600 * 1000);
    for (const destination of this.subscriptions) await this.registerSubscriber(destination);
    await this.onStarted();
    this.setState('READY');
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

  private async registerSubscriber(destination: string): Promise<void> {
    const body = {
      subscriber_name: `${this.name}-${destination}`,
      description: `${this.agentType} agent subscribing to ${destination}`,
      is_active: true,
      fraction: 1.0,
    };
    try {
      await this.api.request('POST', '/subscribers/', body, {
        accept: (status, reply) =>
          status === 400 &&
          /already exists/i.test(JSON.stringify(reply)) &&
          /subscriber/i.test(JSON.stringify(reply)),
      });
    } catch (err) {
      throw new Error(`subscriber registration for ${destination} failed: ${errorText(err)}`, {
        cause: err,
      });
    }
  }

  private installSignalHandlers(): void {
    for (const sig of ['SIGTERM', 'SIGINT', 'SIGQUIT'] as const) {
      process.on(sig, () => void this.shutdown(`signal ${sig}`));
    }
  }

  /** Final EXITED heartbeat, then exit 0 (reference §1.5 step 4). */
  async shutdown(reason: string, code = 0): Promise<never> {
    if (this.shuttingDown) return new Promise<never>(() => {});
    this.shuttingDown = true;
    this.log.info(`${this.agentType} agent shutting down (${reason})`, this.extra());
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.stateHeartbeatTimer) clearTimeout(this.stateHeartbeatTimer);
    try {
      await this.onShutdown();
    } catch (err) {
      this.log.error(`shutdown hook failed: ${errorText(err)}`, {
        cause: err,
      });
    }
    await this.waitIdle(5000);
    this.state = 'EXITED';
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

  private setState(next: OperationalState): void {
    if (this.state === next || this.state === 'EXITED') return;
    this.state = next;
    if (next === 'PROCESSING') this.processingUnreported = true;
    if (next === 'READY' || next === 'PROCESSING') this.scheduleStateHeartbeat();
  }

  private refreshState(): void {
    if (this.state === 'STARTING' || this.state === 'EXITED') return;
    this.setState(this.inFlight > 0 || this.busyHolds > 0 ? 'PROCESSING' : 'READY');
  }

  /** Marks long work outside the message pool (a DAQ run) as PROCESSING until `release()`. */
  protected hold(): () => void {
    this.busyHolds++;
    this.refreshState();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.busyHolds--;
      this.refreshState();
    };
  }

  private scheduleStateHeartbeat(): void {
    if (this.stateHeartbeatTimer || this.shuttingDown) return;
    const wait = Math.max(0, this.lastHeartbeatAt + STATE_HEARTBEAT_GAP_MS - Date.now());
    this.stateHeartbeatTimer = setTimeout(() => {
      this.stateHeartbeatTimer = undefined;
      // A burst shorter than the gap is still seen as PROCESSING, then READY one gap later.
      const missed = this.processingUnreported && this.state === 'READY';
      void this.heartbeat(missed ? { operationalState: 'PROCESSING' } : {});
      if (missed) this.scheduleStateHeartbeat();
    }, wait);
  }

  heartbeatBody(
    override: { status?: string; description?: string; operationalState?: OperationalState } = {},
  ): Record<string, unknown> {
    const connected = this.mq?.isConnected ?? false;
    let description = `${this.agentType} agent. MQ: ${connected ? 'connected' : 'disconnected'}`;
    const meta = this.heartbeatMetadata();
    if (meta) for (const [k, v] of Object.entries(meta)) description += `. ${k}: ${String(v)}`;
    return {
      instance_name: this.name,
      agent_type: this.agentType,
      status: override.status ?? (connected ? 'OK' : 'WARNING'),
      description: override.description ?? description,
      mq_connected: connected,
      pid: process.pid,
      hostname: this.hostname,
      operational_state: override.operationalState ?? this.state,
      namespace: this.settings.namespace,
      workflow_enabled: meta !== undefined,
    };
  }

  /** One heartbeat over REST and over STOMP; failures are logged, never fatal (HEAD behaviour). */
  async heartbeat(
    override: {
      status?: string;
      description?: string;
      resync?: boolean;
      operationalState?: OperationalState;
    } = {},
  ): Promise<void> {
    if (!this.name) return;
    this.lastHeartbeatAt = Date.now();
    if ((override.operationalState ?? this.state) === 'PROCESSING')
      this.processingUnreported = false;
    const { resync, ...fields } = override;
    const body = this.heartbeatBody(fields);
    const rest = this.api
      .request('POST', '/systemagents/heartbeat/', body, { delaysMs: [] })
      .then(() => {
        if (this.heartbeatFailing) this.log.info('heartbeats reach the monitor again');
        this.heartbeatFailing = false;
      })
      .catch((err: unknown) => {
        if (!this.heartbeatFailing)
          this.log.warning(`heartbeat to the monitor failed: ${errorText(err)}`, {
            cause: err,
          });
        this.heartbeatFailing = true;
      });
    const stomp =
      this.mq?.isConnected === true
        ? this.mq
            .send(
              HEARTBEAT_TOPIC,
              JSON.stringify({
                msg_type: 'heartbeat',
                ...body,
                sender: this.name,
                timestamp: localIsoNow(),
                ...(resync ? { resync: true } : {}),
              }),
              { receipt: override.status === 'EXITED', timeoutMs: 2000 },
            )
            .catch(() => undefined)
        : Promise.resolve();
    await Promise.all([rest, stomp]);
  }

  // ---- messages ---------------------------------------------------------------------------------

  private receive(destination: string, body: string, headers: Record<string, string>): void {
    if (this.shuttingDown) return;
    let data: unknown;
    try {
      data = JSON.parse(body);
    } catch {
      this.log.error(`dropped a message on ${destination} that is not JSON: ${body.slice(0, 200)}`);
      return;
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      this.log.error(`dropped a message on ${destination} that is not a JSON object`);
      return;
    }
    const msg = data as WorkflowBody;
    const msgType = typeof msg.msg_type === 'string' ? msg.msg_type : 'unknown';
    if (msgType === 'heartbeat') {
      if (msg.namespace !== this.settings.namespace || msg.instance_name === this.name) return;
      // A peer that just got its broker connection back asks who is there: answer at once.
      if (msg.resync === true && !this.shuttingDown) void this.heartbeat();
      this.onHeartbeatMessage(msg);
      return;
    }
    // Lenient filter (reference §5.2 #3): drop only a different, non-empty namespace.
    const ns = msg.namespace;
    if (typeof ns === 'string' && ns !== '' && ns !== this.settings.namespace) {
      this.log.debug(`ignored ${msgType} for namespace ${ns}`);
      return;
    }
    if (typeof msg.execution_id === 'string') this.currentExecutionId = msg.execution_id;
    if (typeof msg.run_id === 'number' || typeof msg.run_id === 'string')
      this.currentRunId = msg.run_id;
    this.queue.push({ data: msg, msgType, destination, headers });
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < this.settings.maxWorkers && this.queue.length > 0) {
      const msg = this.queue.shift()!;
      this.inFlight++;
      this.stats.active_tasks = this.inFlight;
      this.refreshState();
      this.onMessage(msg)
        .then(() => this.stats.completed_tasks++)
        .catch((err: unknown) => {
          this.stats.failed_tasks++;
          this.log.error(
            `handling ${msg.msgType} failed: ${errorText(err)}`,
            this.extraFrom(msg.data),
          );
        })
        .finally(() => {
          this.inFlight--;
          this.stats.active_tasks = this.inFlight;
          this.pump();
          this.refreshState();
          if (this.inFlight === 0 && this.queue.length === 0)
            for (const w of this.idleWaiters.splice(0)) w();
        });
    }
  }

  /** Resolves when no handler runs and none is queued (or after `timeoutMs`). */
  waitIdle(timeoutMs: number): Promise<void> {
    if (this.inFlight === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  extraFrom(data: WorkflowBody, kw: LogExtra = {}): LogExtra {
    const e: LogExtra = { username: this.settings.user };
    if (typeof data.execution_id === 'string') e.execution_id = data.execution_id;
    if (data.run_id !== undefined) e.run_id = data.run_id;
    return { ...e, ...kw };
  }

  /**
   * `send_message`: requires the destination prefix, injects `sender` and `namespace`, and waits
   * for the broker's receipt. Where the original reconnects once and otherwise loses the message,
   * this keeps retrying across reconnects until `SWF_PUBLISH_DEADLINE_S`, then throws, so the
   * caller can record the loss (a re-send after a lost receipt may duplicate a message; consumers
   * de-duplicate by filename).
   */
  async sendMessage(destination: string, body: Record<string, unknown>): Promise<void> {
    if (!destination.startsWith('/queue/') && !destination.startsWith('/topic/')) {
      throw new Error(`destination "${destination}" must start with /queue/ or /topic/`);
    }
    const full = { ...body, sender: this.name, namespace: this.settings.namespace };
    const text = JSON.stringify(full);
    const deadline = Date.now() + this.settings.publishDeadlineMs;
    let lastError = '';
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `could not publish ${String(body.msg_type)} to ${destination} within ${this.settings.publishDeadlineMs / 1000} s: ${lastError}`,
        );
      }
      try {
        if (!this.mq.isConnected) await this.mq.waitUp(left);
        await this.beforePublish(deadline);
        await this.mq.send(destination, text, { receipt: true, timeoutMs: Math.min(10_000, left) });
        return;
      } catch (err) {
        lastError = errorText(err);
        if (!(err instanceof NotConnectedError) && this.mq.isConnected) {
          // A receipt timeout or frame error on a live connection: pause briefly, try again.
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    }
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

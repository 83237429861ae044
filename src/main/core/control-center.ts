import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrokerState } from '../../shared/broker-state.js';
import { type BrokerCredentials, resolveBrokerCredentials } from './broker/broker-credentials.js';
import type { EmbeddedBroker } from './broker/embedded-broker.js';
import type { ExternalBrokerClient } from './broker/external-client.js';
import { createRecorder, type Recorder } from './broker/recorder.js';
import type { Config } from './config.js';
import { EventBus } from './events.js';
import { HttpRouter } from './http/router.js';
import { addControlCenterRoutes } from './http/routes/control-center-api.js';
import { addMonitorApiRoutes } from './http/routes/monitor-api.js';
import { type HttpServer, startHttpServer } from './http/server.js';
import { createLogger, type Logger } from './logger.js';
import { type Cleanup, startMessageBroker } from './message-broker.js';
import { messageSenderFor, processControlFor } from './mcp/supervisor-ports.js';
import { createMcpServerFactory, type McpServerFactory } from './mcp/server-factory.js';
import { createHeartbeatService, type HeartbeatService } from './monitor/heartbeat-service.js';
import { createExecutionEnder } from './monitor/execution-ender.js';
import { createLivenessTracker, type LivenessTracker } from './monitor/liveness.js';
import { ensurePrivateFile, prepareDataDir } from './data-dir.js';
import { openStore, type Store } from './store/index.js';
import { prune } from './store/retention.js';
import { retentionRules } from './store/retention-rules.js';
import { addProcessRoutes } from './http/routes/processes.js';
import { addWorkflowRoutes } from './http/routes/workflow-routes.js';
import { attachMessageStream } from './http/message-stream.js';
import { brokerEndpoint, buildAgentEnv } from './supervisor/agent-env.js';
import { defaultAgentResolver } from './supervisor/agent-resolver.js';
import type { AgentResolver } from './supervisor/launch.js';
import { createSupervisor, type Supervisor } from './supervisor/supervisor.js';
import { acquireDataDirLock } from './data-dir-lock.js';
import { startCheckpointer } from './store/checkpointer.js';
import { createWorkflowCommands } from './workflow-commands.js';
import { loadOrCreateToken } from './token.js';
import { createSettings } from './ui/settings-file.js';
import { registerUiBackend } from './ui/ui-backend.js';
import { registerBrowseCommands } from './ui/browse-commands.js';
import { createUiChannel, type UiChannel } from './ui/ui-channel.js';

export interface ControlCenterOptions {
  config: Config;
  /** The built renderer to serve at `/` (absent: API only). */
  staticDir?: string;
  logger?: Logger;
  /** Electron's build of better-sqlite3, when running inside Electron. */
  nativeBinding?: string;
  /** Where the built-in agents' scripts are (default: the built `agents/` folder). */
  resolveAgent?: AgentResolver;
}

export interface ControlCenter {
  config: Config;
  token: string;
  port: number;
  url: string;
  bus: EventBus;
  store: Store;
  heartbeats: HeartbeatService;
  liveness: LivenessTracker;
  /** Heartbeat listener + workflow recorder; fed by the broker (see `wireRecorder`). */
  recorder: Recorder;
  /** The external broker's client (external mode only). */
  brokerClient: ExternalBrokerClient | undefined;
  /** The broker's last reported state (from `broker.state` events). */
  brokerState(): BrokerState;
  http: HttpServer;
  /** The embedded STOMP broker (absent when `broker.mode` is external). */
  broker?: EmbeddedBroker;
  /** The user-visible STOMP pair, and (`supervised`) the one only supervised programs get. */
  brokerCredentials: BrokerCredentials;
  supervisor: Supervisor;
  mcp: McpServerFactory;
  /** `/ws/ui`: register command handlers here (supervisor, runs, MCP) when they exist. */
  ui: UiChannel;
  startedAt: string;
  /** Runs one retention pass now (also scheduled); resolves with the rows deleted per table. */
  pruneNow(): Promise<{ table: string; deleted: number }[]>;
  stop(): Promise<void>;
}

/** Where running clients (status, the MCP bridge) find this core. */
export const coreInfoPath = (dataDir: string) => join(dataDir, 'core.json');

/**
 * The composition root: the only place that knows every module. It builds them in dependency
 * order, wires them through the bus and typed functions, and takes them down in reverse.
 */
export async function startControlCenter(opts: ControlCenterOptions): Promise<ControlCenter> {
  const { config } = opts;
  const log = opts.logger ?? createLogger('core');
  const bus = new EventBus((err, event) => log.error(`listener for ${event} failed`, err));
  bus.emit('core.state', { state: 'starting' });
  // Whatever the broker mode, its state reaches status and the UI through `broker.state`;
  // tracked from the start so no module's first report is missed.
  let brokerState: BrokerState = {
    mode: config.broker.mode,
    state: 'stopped',
    detail: 'not started',
  };
  bus.on('broker.state', (s) => (brokerState = s));

  prepareDataDir(config.dataDir, log);
  const lock = acquireDataDirLock(config.dataDir);
  let store: Store;
  const dbPath = join(config.dataDir, 'swf-control-center.sqlite');
  let token: string;
  let brokerCredentials: ReturnType<typeof resolveBrokerCredentials>;
  try {
    token = loadOrCreateToken(config.dataDir);
    brokerCredentials = resolveBrokerCredentials(config);
    ensurePrivateFile(dbPath);
    store = openStore(dbPath, { nativeBinding: opts.nativeBinding });
  } catch (err) {
    lock.release();
    throw err;
  }
  // Cleanups run in reverse: the lock goes last, once nothing touches the folder.
  const cleanups: Cleanup[] = [() => lock.release(), () => store.close()];

  try {
    const checkpointer = startCheckpointer(store.db, {
      path: dbPath,
      nativeBinding: opts.nativeBinding,
      onError: (err) => log.warn(`${err.message}; SQLite checkpoints on the event loop again`),
    });
    cleanups.push(() => checkpointer.stop());

    const liveness = createLivenessTracker(store, bus, config.liveness);
    const heartbeats = createHeartbeatService(store, bus, (name) => liveness.sawHeartbeat(name));
    liveness.start();
    cleanups.push(() => liveness.stop());

    const recorder = createRecorder({
      store,
      heartbeats,
      bus,
      logger: log.child('recorder'),
      flushIntervalMs: config.recorder.flushIntervalMs,
      maxBatch: config.recorder.maxBatch,
    });
    // Stops after the broker (cleanups run in reverse): what is queued is stored before the store closes.
    cleanups.push(() => recorder.stop());

    const retention = retentionRules(config);
    let pruning: Promise<{ table: string; deleted: number }[]> | undefined;
    const pruneNow = () => {
      pruning ??= prune(store.db, retention, config.retention.pruneBatchRows).finally(
        () => (pruning = undefined),
      );
      return pruning;
    };
    const pruneTimer = setInterval(() => {
      pruneNow().catch((err: unknown) => log.error('retention pass failed', err));
    }, config.retention.pruneIntervalSeconds * 1000);
    pruneTimer.unref();
    cleanups.push(async () => {
      clearInterval(pruneTimer);
      await pruning?.catch(() => undefined);
    });

    const { broker, brokerClient, publish } = await startMessageBroker({
      config,
      credentials: brokerCredentials,
      recorder,
      bus,
      log: log.child('broker'),
      onCleanup: (cleanup) => cleanups.push(cleanup),
    });

    const startedAt = new Date().toISOString();
    const router = new HttpRouter();
    addMonitorApiRoutes(router, store, heartbeats, bus);
    // The supervisor is created once the port is known (agents get the URL); until then the
    // status lists no processes and its routes do not exist yet.
    const late: { supervisor?: Supervisor } = {};
    addControlCenterRoutes(router, {
      store,
      liveness,
      config,
      startedAt,
      brokerState: () => brokerState,
      recorderStats: () => recorder.stats(),
      processes: () => late.supervisor?.list() ?? [],
    });

    const http = await startHttpServer({
      host: config.host,
      port: config.port,
      token,
      router,
      maxBodyBytes: config.maxBodyBytes,
      caps: config.http,
      staticDir: opts.staticDir,
      onError: (err, where) => log.error(`request failed: ${where}`, err),
    });
    cleanups.push(() => http.close());

    const ui = createUiChannel({
      bus,
      store,
      config,
      http,
      startedAt,
      log: log.child('ui'),
      brokerState: () => brokerState,
      brokerLogin: brokerCredentials.login,
      brokerPasscodeFile: brokerCredentials.passcodeFile,
    });
    const settings = createSettings(config);
    ui.registerCommand('settings.get', () => settings.get());
    ui.registerCommand('settings.set', (a) => settings.set(a.values));
    registerBrowseCommands(ui, store);
    cleanups.push(() => ui.close());

    const url = `http://127.0.0.1:${http.port}/`;
    // With `--broker-port 0` only the started broker knows its port; agents need the real one.
    const brokerAddr = brokerEndpoint({
      ...config.broker,
      port: broker?.port ?? config.broker.port,
    });
    const sup = await createSupervisor({
      store,
      bus,
      logger: log.child('supervisor'),
      resolveAgent: opts.resolveAgent ?? defaultAgentResolver,
      config: {
        dataDir: config.dataDir,
        fleetFile: config.fleetFile ?? join(config.dataDir, 'fleet.toml'),
        fleetFileRequired: config.fleetFile !== undefined,
        metricsIntervalSeconds: config.processMetricsSeconds,
      },
      env: buildAgentEnv({
        brokerHost: brokerAddr.host,
        brokerPort: brokerAddr.port,
        brokerUser: brokerCredentials.supervised.login,
        brokerPassword: brokerCredentials.supervised.passcode,
        brokerUseSsl: brokerAddr.useSsl,
        brokerCaFile: config.broker.caFile,
        monitorUrl: url.slice(0, -1),
        token,
        namespace: config.namespace,
        dataDir: config.dataDir,
      }),
    });
    late.supervisor = sup;
    cleanups.push(() => sup.close());
    addProcessRoutes(router, sup);

    // After the supervisor ended what a previous core left behind: nothing stays `running` forever.
    const executionEnder = createExecutionEnder(store, bus, log.child('executions'), {
      aliveSeconds: config.liveness.aliveSeconds,
      sweepSeconds: config.liveness.sweepSeconds,
    });
    executionEnder.start();
    cleanups.push(() => executionEnder.stop());

    const messageSender = messageSenderFor(publish, () => brokerState);
    // One path for MCP, the UI and the command line: the same messages, the same answers.
    const workflow = createWorkflowCommands({
      bus,
      store,
      config,
      publish: (destination, body) => messageSender.send(destination, body),
    });
    registerUiBackend(ui, { supervisor: sup, store, workflow });
    addWorkflowRoutes(router, workflow, store);

    const mcp = createMcpServerFactory({
      store,
      bus,
      heartbeats,
      liveness,
      config,
      processControl: processControlFor(sup, store),
      messageSender,
      workflow,
      logger: log.child('mcp'),
    });
    const mcpEndpoints = mcp.attach(http);
    const messageStream = attachMessageStream(http, bus);
    cleanups.push(() => messageStream.close());
    ui.registerCommand('mcp.clients', () => ({ clients: mcp.clients() }));
    cleanups.push(async () => {
      await mcpEndpoints.close();
      mcp.close();
    });

    writeFileSync(
      coreInfoPath(config.dataDir),
      JSON.stringify({ pid: process.pid, port: http.port, url, startedAt }),
      { mode: 0o600 },
    );
    cleanups.push(() => rmSync(coreInfoPath(config.dataDir), { force: true }));

    bus.emit('core.state', { state: 'running' });
    let stopping: Promise<void> | undefined;
    return {
      config,
      token,
      port: http.port,
      url,
      bus,
      store,
      heartbeats,
      liveness,
      recorder,
      brokerClient,
      brokerState: () => brokerState,
      http,
      broker,
      brokerCredentials,
      supervisor: sup,
      mcp,
      ui,
      startedAt,
      pruneNow,
      stop() {
        stopping ??= (async () => {
          bus.emit('core.state', { state: 'stopping' });
          await runCleanups(cleanups, log);
          bus.emit('core.state', { state: 'stopped' });
        })();
        return stopping;
      },
    };
  } catch (err) {
    await runCleanups(cleanups, log);
    throw err;
  }
}

async function runCleanups(cleanups: Cleanup[], log: Logger) {
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (err) {
      log.error('shutdown step failed', err);
    }
  }
}

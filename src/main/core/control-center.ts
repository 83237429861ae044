import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrokerState } from '../../shared/broker-state.js';
import { createExternalBrokerClient, type ExternalBrokerClient } from './broker/external-client.js';
import { createRecorder, wireRecorder, type Recorder } from './broker/recorder.js';
import type { Config } from './config.js';
import { EventBus } from './events.js';
import { Router } from './http/router.js';
import { addControlCenterRoutes } from './http/routes/control-center-api.js';
import { addMonitorApiRoutes } from './http/routes/monitor-api.js';
import { type HttpServer, startHttpServer } from './http/server.js';
import { createLogger, type Logger } from './logger.js';
import { createHeartbeatService, type HeartbeatService } from './monitor/heartbeat-service.js';
import { createLivenessTracker, type LivenessTracker } from './monitor/liveness.js';
import { openStore, type Store } from './store/index.js';
import { prune, type RetentionRule } from './store/retention.js';
import { loadOrCreateToken } from './token.js';

export interface ControlCenterOptions {
  config: Config;
  /** The built renderer to serve at `/` (absent: API only). */
  staticDir?: string;
  logger?: Logger;
  /** Electron's build of better-sqlite3, when running inside Electron. */
  nativeBinding?: string;
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

  const token = loadOrCreateToken(config.dataDir);
  const store = openStore(join(config.dataDir, 'swf-control-center.sqlite'), {
    nativeBinding: opts.nativeBinding,
  });
  const cleanups: (() => void | Promise<void>)[] = [() => store.close()];

  try {
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

    let brokerClient: ExternalBrokerClient | undefined;
    if (config.broker.mode === 'external') {
      brokerClient = createExternalBrokerClient({
        url: config.broker.url!,
        login: config.broker.login,
        passcode: config.broker.passcode,
        caFile: config.broker.caFile,
        subscriptions: [...new Set([config.workflowTopic, config.heartbeatTopic])],
        reconnectInitialMs: config.broker.reconnectInitialMs,
        reconnectMaxMs: config.broker.reconnectMaxMs,
        clientId: `swf-control-center-${config.namespace}`,
        onState: (s) => bus.emit('broker.state', s),
        logger: log.child('broker'),
      });
      const unwire = wireRecorder(recorder, brokerClient);
      const client = brokerClient;
      cleanups.push(async () => {
        await client.stop();
        unwire();
      });
      // Not awaited: the core serves even while the broker is down; the client keeps retrying.
      brokerClient.start();
    }
    // Embedded mode: the embedded broker's integration calls
    //   cleanups.push(wireRecorder(recorder, embeddedBroker))
    // with the broker's `observe(listener)`, which sees every SEND on every destination.

    const retention: RetentionRule[] = [
      {
        table: 'heartbeats',
        timeColumn: 'at',
        maxAgeDays: config.retention.heartbeatMaxAgeDays,
        maxRows: config.retention.heartbeatMaxRows,
      },
      {
        table: 'app_logs',
        timeColumn: 'received_at',
        maxAgeDays: config.retention.logMaxAgeDays,
        maxRows: config.retention.logMaxRows,
      },
      {
        table: 'workflow_messages',
        timeColumn: 'sent_at',
        maxAgeDays: config.retention.messageMaxAgeDays,
        maxRows: config.retention.messageMaxRows,
      },
    ];
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

    const startedAt = new Date().toISOString();
    const router = new Router();
    addMonitorApiRoutes(router, store, heartbeats, bus);
    addControlCenterRoutes(router, {
      store,
      liveness,
      config,
      startedAt,
      brokerState: () => brokerState,
      recorderStats: () => recorder.stats(),
    });

    const http = await startHttpServer({
      host: config.host,
      port: config.port,
      token,
      router,
      maxBodyBytes: config.maxBodyBytes,
      staticDir: opts.staticDir,
      onError: (err, where) => log.error(`request failed: ${where}`, err),
    });
    cleanups.push(() => http.close());

    const url = `http://127.0.0.1:${http.port}/`;
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

async function runCleanups(cleanups: (() => void | Promise<void>)[], log: Logger) {
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (err) {
      log.error('shutdown step failed', err);
    }
  }
}

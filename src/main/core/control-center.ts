import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
import { addProcessRoutes } from './http/routes/processes.js';
import { brokerEndpoint, buildAgentEnv } from './supervisor/agent-env.js';
import { defaultAgentResolver } from './supervisor/agent-resolver.js';
import type { AgentResolver } from './supervisor/launch.js';
import { createSupervisor, type Supervisor } from './supervisor/supervisor.js';
import { loadOrCreateToken } from './token.js';

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
  http: HttpServer;
  supervisor: Supervisor;
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
      // Supervisor history: output is also capped per process by its store module.
      {
        table: 'process_output',
        timeColumn: 'at',
        maxAgeDays: config.retention.logMaxAgeDays,
        maxRows: config.retention.logMaxRows,
      },
      {
        table: 'process_transitions',
        timeColumn: 'at',
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
    // The supervisor is created once the port is known (agents get the URL); until then the
    // status lists no processes and its routes do not exist yet.
    const late: { supervisor?: Supervisor } = {};
    addControlCenterRoutes(router, {
      store,
      liveness,
      config,
      startedAt,
      processes: () => late.supervisor?.list() ?? [],
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
    const broker = brokerEndpoint(config.broker);
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
        brokerHost: broker.host,
        brokerPort: broker.port,
        brokerUser: config.broker.login,
        brokerPassword: config.broker.passcode,
        brokerUseSsl: broker.useSsl,
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
      http,
      supervisor: sup,
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

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { ZodError } from 'zod';
import {
  commandArgSchemas,
  commandMessageSchema,
  notAvailable,
  type ProcessInfo,
  type ServerMessage,
  type Snapshot,
  UI_PROTOCOL_VERSION,
  type UiCommandName,
  type UiCommandParsedArgs,
} from '../../../shared/ui-protocol.js';
import type { BrokerState } from '../../../shared/broker-state.js';
import type { Config } from '../config.js';
import type { EventBus } from '../events.js';
import type { HttpServer } from '../http/server.js';
import type { Logger } from '../logger.js';
import { agentDeaths } from '../monitor/agent-deaths.js';
import { livenessOf } from '../monitor/liveness.js';
import {
  findPrototypeKey,
  JsonLimitError,
  parseJsonWithinLimits,
} from '../../../shared/json-limits.js';
import type { Store } from '../store/index.js';
import { refuseSocket } from '../http/connection-caps.js';
import { nowIso } from '../time.js';
import { toUiEvent } from './ui-events.js';
import { runSummaries, workflowExecutionOf } from '../monitor/run-records.js';
import { mcpBridgeLauncher } from '../mcp/bridge-launcher.js';

export type UiCommandHandler<K extends UiCommandName> = (args: UiCommandParsedArgs<K>) => unknown;

export interface UiChannelOptions {
  bus: EventBus;
  store: Store;
  config: Config;
  http: HttpServer;
  startedAt: string;
  /** Shown so agents started by hand can log in to the embedded broker. */
  brokerLogin?: string;
  /** The file holding the generated broker passcode (absent when one is configured). */
  brokerPasscodeFile?: string;
  log: Logger;
  /** The broker's current state, for the snapshot. */
  brokerState?: () => BrokerState;
  /** Bytes queued in a client's socket beyond which it is "too slow": events drop, then resync. */
  maxBufferedBytes?: number;
  /** Events waiting for one flush beyond which the same happens. */
  maxQueuedEvents?: number;
}

export type UiChannel = ReturnType<typeof createUiChannel>;

interface Client {
  ws: WebSocket;
  queue: string[];
  /** Events were dropped; waiting for the socket to drain before the resync snapshot. */
  overflowed: boolean;
}

/**
 * `/ws/ui`: the renderer's one connection to the core (Electron and browser alike). A new client
 * gets a snapshot, then every bus event, batched per event-loop turn so a burst of heartbeats is
 * one frame. Commands are answered by handlers the composition root registers; a command with no
 * handler answers `ok:false` with "not available in this build", so the UI can say why.
 */
export function createUiChannel(opts: UiChannelOptions) {
  const { bus, store, config, log } = opts;
  const maxBuffered = opts.maxBufferedBytes ?? 8 * 1024 * 1024;
  const maxQueued = opts.maxQueuedEvents ?? 20_000;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const clients = new Set<Client>();
  const handlers = new Map<string, (args: unknown) => unknown>();
  let processes: (() => ProcessInfo[]) | undefined;
  let flushScheduled = false;
  let drainTimer: NodeJS.Timeout | undefined;

  function snapshot(): Snapshot {
    const now = Date.now();
    const rows = store.agents.all();
    const deaths = agentDeaths(store, rows);
    const agents = rows.map((a) => ({
      ...a,
      liveness: deaths[a.instance_name] ? 'dead' : livenessOf(a, config.liveness.aliveSeconds, now),
    }));
    return {
      type: 'snapshot',
      protocol: UI_PROTOCOL_VERSION,
      serverTime: nowIso(),
      startedAt: opts.startedAt,
      config: {
        namespace: config.namespace,
        port: opts.http.port,
        dataDir: config.dataDir,
        brokerMode: config.broker.mode,
        brokerPort: config.broker.port,
        brokerUrl: config.broker.url ?? null,
        workflowTopic: config.workflowTopic,
        aliveSeconds: config.liveness.aliveSeconds,
        exitedAfterSeconds: config.liveness.exitedAfterSeconds,
        mcpUrl: `http://127.0.0.1:${opts.http.port}/mcp`,
        mcpBridge: mcpBridgeLauncher(config.dataDir),
        brokerLogin: opts.brokerLogin,
        brokerPasscodeFile: opts.brokerPasscodeFile,
      },
      agents,
      heartbeats: store.heartbeats
        .query({ limit: 500 })
        .items.reverse()
        .map((h) => ({
          instanceName: h.instance_name,
          status: h.status,
          operationalState: h.operational_state,
          source: h.source,
          at: h.at,
        })),
      logs: store.appLogs.query({ limit: 200 }).items.reverse(),
      runs: runSummaries(store, store.runs.list({}, 100).items),
      executions: store.workflowExecutions.list({}, 50).items.map(workflowExecutionOf),
      messages: store.workflowMessages.query({ limit: 300 }).items.reverse(),
      broker: opts.brokerState?.() ?? null,
      processes: processes ? processes() : null,
      commands: [...handlers.keys()],
      agentDeaths: deaths,
    };
  }

  function send(client: Client, msg: ServerMessage | string) {
    if (client.ws.readyState !== WebSocket.OPEN) return;
    client.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  function flush() {
    flushScheduled = false;
    for (const client of clients) {
      if (client.overflowed || client.queue.length === 0) continue;
      const events = client.queue;
      client.queue = [];
      send(client, `{"type":"events","events":[${events.join(',')}]}`);
      if (client.ws.bufferedAmount > maxBuffered) overflow(client, 'send buffer full');
    }
  }

  function overflow(client: Client, why: string) {
    if (client.overflowed) return;
    client.overflowed = true;
    client.queue = [];
    log.warn(`UI client too slow (${why}): dropping events until it catches up`);
    drainTimer ??= setInterval(checkDrained, 100);
  }

  // A slow client gets nothing until its socket drains, then one resync and a fresh snapshot.
  function checkDrained() {
    let waiting = false;
    for (const client of clients) {
      if (!client.overflowed) continue;
      if (client.ws.bufferedAmount > maxBuffered / 8) {
        waiting = true;
        continue;
      }
      client.overflowed = false;
      send(client, {
        type: 'resync',
        reason: 'events were dropped because this client fell behind',
      });
      try {
        send(client, snapshot());
      } catch (err) {
        // On a timer: a failure here must not take the core down; the client starts over.
        log.error('UI resync snapshot failed', err);
        client.ws.close(1011, 'snapshot failed');
      }
    }
    if (!waiting && drainTimer) {
      clearInterval(drainTimer);
      drainTimer = undefined;
    }
  }

  const offBus = bus.onAny((name, payload) => {
    if (clients.size === 0) return;
    const encoded = JSON.stringify(toUiEvent(name, payload));
    for (const client of clients) {
      if (client.overflowed) continue;
      client.queue.push(encoded);
      if (client.queue.length > maxQueued) overflow(client, 'event queue full');
    }
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  });

  async function runCommand(client: Client, raw: unknown) {
    const parsed = commandMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const id =
        typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string'
          ? (raw as { id: string }).id
          : '';
      return send(client, { type: 'result', id, ok: false, error: 'malformed command message' });
    }
    const { id, command, args } = parsed.data;
    // Own keys only: "toString" or "__proto__" must be unknown commands, not prototype members.
    const schema = Object.hasOwn(commandArgSchemas, command)
      ? commandArgSchemas[command as UiCommandName]
      : undefined;
    if (!schema)
      return send(client, { type: 'result', id, ok: false, error: `unknown command "${command}"` });
    const handler = handlers.get(command);
    if (!handler)
      return send(client, { type: 'result', id, ok: false, error: notAvailable(command) });
    const protoKey = findPrototypeKey(args);
    if (protoKey)
      return send(client, {
        type: 'result',
        id,
        ok: false,
        error: `invalid arguments: ${protoKey}: prototype keys are not accepted`,
      });
    // Unknown argument keys are refused: a misspelt option must not run a command with defaults.
    const argsResult = schema.strict().safeParse(args ?? {});
    if (!argsResult.success) {
      const detail = argsResult.error.issues
        .map((i) => `${i.path.join('.') || 'args'}: ${i.message}`)
        .join('; ');
      return send(client, { type: 'result', id, ok: false, error: `invalid arguments: ${detail}` });
    }
    try {
      const data = await handler(argsResult.data);
      send(client, { type: 'result', id, ok: true, data });
    } catch (err) {
      const message =
        err instanceof ZodError
          ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
          : err instanceof Error
            ? err.message
            : String(err);
      send(client, { type: 'result', id, ok: false, error: message });
    }
  }

  opts.http.onUpgrade('/ws/ui', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const max = opts.config.http.maxUiSessions;
    if (clients.size >= max)
      return refuseSocket(socket, 503, `Too many UI sessions: ${max} are open; close a window.`);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const client: Client = { ws, queue: [], overflowed: false };
      clients.add(client);
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        let msg: unknown;
        try {
          msg = parseJsonWithinLimits(data.toString());
        } catch (err) {
          const error = err instanceof JsonLimitError ? err.message : 'not JSON';
          return send(client, { type: 'result', id: '', ok: false, error });
        }
        runCommand(client, msg).catch((err: unknown) => log.error('UI command failed', err));
      });
      ws.on('close', () => clients.delete(client));
      ws.on('error', () => clients.delete(client));
      try {
        send(client, snapshot());
      } catch (err) {
        log.error('UI snapshot failed', err);
        ws.close(1011, 'snapshot failed');
      }
    });
  });

  // Read-only commands the store answers directly.
  const register = <K extends UiCommandName>(name: K, handler: UiCommandHandler<K>) => {
    handlers.set(name, handler as (args: unknown) => unknown);
  };
  register('heartbeats.query', (a) => store.heartbeats.query(a));
  register('logs.query', (a) => store.appLogs.query(a));
  register('messages.query', (a) => store.workflowMessages.query(a));

  return {
    /** Command handlers of other modules (supervisor, run control, MCP, settings) are added here. */
    registerCommand: register,
    /** Makes the snapshot carry the supervisor's programs (null until this is called). */
    setProcessProvider(provider: () => ProcessInfo[]) {
      processes = provider;
    },
    clientCount: () => clients.size,
    async close() {
      offBus();
      if (drainTimer) clearInterval(drainTimer);
      for (const client of clients) client.ws.terminate();
      clients.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { PortInUseError } from '../http/server.js';
import type { Logger } from '../logger.js';
import { type BrokerContext, StompConnection } from './connection.js';
import { type BrokerLimits, resolveLimits } from './limits.js';
import { type BrokerMessage, StompRouter, type RouterStats, type Subscription } from './router.js';
import { parseDestination } from './destinations.js';

/** One message as the broker routed it (a SEND, or a SEND inside a committed transaction). */
export interface ObservedMessage {
  /** Canonical destination: `/topic/...` or `/queue/...` (bare names are `/topic/<name>`). */
  destination: string;
  messageId: string;
  /** The sender's headers, without `destination`, `receipt`, `transaction`, `content-length`. */
  headers: Readonly<Record<string, string>>;
  body: Buffer;
}

export type BrokerObserver = (message: ObservedMessage) => void;

export interface EmbeddedBrokerOptions {
  /** Always a loopback address; anything else is refused (the broker binds 127.0.0.1 only). */
  host?: string;
  /** 0: a free port. */
  port: number;
  /** When set, CONNECT must carry this login and passcode. */
  login?: string;
  passcode?: string;
  limits?: Partial<BrokerLimits>;
  logger?: Logger;
}

export interface BrokerStats extends RouterStats {
  connections: number;
  messagesIn: number;
  messagesOut: number;
  /** Topic MESSAGE frames dropped for slow subscribers. */
  dropped: number;
  /** SENDs refused (full queue). */
  refused: number;
  /** Connections closed for a protocol error (malformed frame, limit, failed login, timeout). */
  protocolErrors: number;
}

export interface EmbeddedBroker {
  port: number;
  host: string;
  /** Every routed message, for in-process observers (the recorder); never takes queue messages. */
  observe(listener: BrokerObserver): () => void;
  /** Publishes from inside the core (workflow control from MCP or the UI), as a client's SEND would. */
  send(destination: string, body: string, headers?: Record<string, string>): Promise<void>;
  stats(): BrokerStats;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host))
    throw new Error(`the embedded broker binds loopback only; refusing host ${host}`);
  const limits = resolveLimits(opts.limits);
  const log = opts.logger;
  const router = new StompRouter(limits.maxQueueDepth);
  const observers = new Set<BrokerObserver>();
  const connections = new Set<StompConnection>();
  const counters = { messagesIn: 0, messagesOut: 0, dropped: 0, refused: 0, protocolErrors: 0 };
  const runId = randomBytes(4).toString('hex');
  let messageCounter = 0;

  const notify = (message: BrokerMessage) => {
    if (observers.size === 0) return;
    const observed: ObservedMessage = {
      destination: message.destination,
      messageId: message.id,
      headers: message.headers,
      body: message.body,
    };
    for (const listener of observers) {
      try {
        listener(observed);
      } catch (err) {
        log?.error('broker observer failed', err);
      }
    }
  };

  const ctx: BrokerContext = {
    limits,
    login: opts.login,
    passcode: opts.passcode,
    serverName: 'swf-control-center-broker/1.0',
    nextMessageId: () => `swfcc-${runId}-${++messageCounter}`,
    publish(message) {
      const result = router.publish(message);
      if (!result.ok) {
        counters.refused++;
        return result.reason;
      }
      counters.messagesIn++;
      notify(message);
      return undefined;
    },
    subscribe: (sub) => router.subscribe(sub),
    unsubscribe: (sub) => router.unsubscribe(sub),
    resume: (subs: Iterable<Subscription>) => router.resume(subs),
    onDelivered() {
      counters.messagesOut++;
    },
    onDrop() {
      counters.dropped++;
    },
    onProtocolError(reason) {
      counters.protocolErrors++;
      log?.debug(`broker protocol error: ${reason}`);
    },
    onClosed(connection) {
      connections.delete(connection);
    },
    log: { debug: (msg) => log?.debug(msg) },
  };

  const server: Server = createServer((socket: Socket) => {
    if (connections.size >= limits.maxConnections) {
      socket.end('ERROR\nmessage:too many connections\n\n\0\n');
      return;
    }
    connections.add(new StompConnection(socket, ctx));
  });
  server.on('error', (err) => log?.error('broker server error', err));

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(opts.port) : err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(opts.port, host === 'localhost' ? '127.0.0.1' : host);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  log?.info(`embedded STOMP broker listening on ${host}:${port}`);

  let closing: Promise<void> | undefined;
  return {
    port,
    host,
    send(destination, body, headers = {}) {
      const parsed = parseDestination(destination);
      if (!parsed) return Promise.reject(new Error(`not a destination: ${destination}`));
      const refused = ctx.publish({
        id: ctx.nextMessageId(),
        destination: parsed.name,
        kind: parsed.kind,
        headers: { 'content-type': 'application/json', ...headers },
        body: Buffer.from(body),
        contentLength: false,
      });
      return refused === undefined ? Promise.resolve() : Promise.reject(new Error(refused));
    },
    observe(listener) {
      observers.add(listener);
      return () => observers.delete(listener);
    },
    stats() {
      return { connections: connections.size, ...counters, ...router.stats() };
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const connection of [...connections]) connection.destroy();
      });
      return closing;
    },
  };
}

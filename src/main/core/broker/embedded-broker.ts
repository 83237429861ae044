import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { PortInUseError } from '../http/server.js';
import type { Logger } from '../logger.js';
import type { BrokerContext } from './broker-context.js';
import { StompConnection } from './connection.js';
import { ConnectionSlots } from './connection-slots.js';
import { type BrokerLimits, resolveLimits } from './limits.js';
import { MemoryBudget } from './memory-budget.js';
import { createRateLimitedLog } from './rate-limited-log.js';
import { type BrokerMessage, StompRouter, type RouterStats, type Subscription } from './router.js';
import { parseDestination } from './destinations.js';
import type { DeliveredMessage, MessageListener, MessageSource } from './delivered-message.js';

export interface EmbeddedBrokerOptions {
  /** Always a loopback address; anything else is refused (the broker binds 127.0.0.1 only). */
  host?: string;
  /** 0: a free port. */
  port: number;
  /** When set, CONNECT must carry this login and passcode. */
  login?: string;
  passcode?: string;
  /**
   * A second pair for supervised programs: its connections may take the `reservedConnections`
   * slots that the first pair's connections may not.
   */
  supervised?: { login: string; passcode: string };
  limits?: Partial<BrokerLimits>;
  logger?: Logger;
  /** A subscriber was cut off for holding too many unread bytes (`total`: so far). */
  onCutOff?(total: number, destination: string): void;
}

export interface BrokerStats extends RouterStats {
  /** Open connections, logged in or not. */
  connections: number;
  /** Logged-in connections. */
  authenticated: number;
  /** Logged-in connections of supervised programs (the pair that may take reserved slots). */
  supervised: number;
  messagesIn: number;
  messagesOut: number;
  /** Subscribers cut off (ERROR and close) for holding more unread bytes than allowed. */
  cutOff: number;
  /** SENDs refused (full queue, no memory left). */
  refused: number;
  /** Logins refused because every logged-in slot was taken. */
  connectionsRefused: number;
  /** Connections that had not logged in, closed to make room for newer ones. */
  connectionsEvicted: number;
  /** Message bytes the broker holds now (queues, unsent frames, open transactions). */
  heldBytes: number;
  /** Connections closed for a protocol error (malformed frame, limit, failed login, timeout). */
  protocolErrors: number;
}

export interface EmbeddedBroker extends MessageSource {
  port: number;
  host: string;
  /** Every routed message, for in-process observers (the recorder); never takes queue messages. */
  observe(listener: MessageListener): () => void;
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
  const warnings = createRateLimitedLog(log);
  const memory = new MemoryBudget(limits.maxBrokerBytes);
  const router = new StompRouter(limits, memory);
  const observers = new Set<MessageListener>();
  const slots = new ConnectionSlots(limits, warnings);
  const counters = { messagesIn: 0, messagesOut: 0, cutOff: 0, refused: 0, protocolErrors: 0 };
  const runId = randomBytes(4).toString('hex');
  let messageCounter = 0;

  const notify = (message: BrokerMessage) => {
    if (observers.size === 0) return;
    const observed: DeliveredMessage = {
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
    supervised: opts.supervised,
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
    admit: (connection, supervised) => slots.admit(connection, supervised),
    memory,
    onDelivered() {
      counters.messagesOut++;
    },
    onCutOff(sub) {
      counters.cutOff++;
      warnings.warn('broker: slow consumer cut off', `subscriber to ${sub.destination}`);
      opts.onCutOff?.(counters.cutOff, sub.destination);
    },
    onProtocolError(reason) {
      counters.protocolErrors++;
      warnings.warn('broker: connection closed for a protocol error', reason);
    },
    onClosed(connection) {
      slots.release(connection);
    },
  };

  const server: Server = createServer((socket: Socket) => {
    slots.accept(socket, () => new StompConnection(socket, ctx));
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
      return {
        connections: slots.size,
        authenticated: slots.authenticated,
        supervised: slots.supervised,
        ...counters,
        connectionsRefused: slots.refused,
        connectionsEvicted: slots.evicted,
        heldBytes: memory.usedBytes,
        ...router.stats(),
      };
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const connection of slots.all()) connection.destroy();
      });
      return closing;
    },
  };
}

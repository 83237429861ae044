import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import stompit from 'stompit';
import type { BrokerState } from '../../../shared/broker-state.js';
import { silentLogger, type Logger } from '../logger.js';
import { parseBrokerUrl, type BrokerAddress } from './broker-url.js';
import type { DeliveredMessage, MessageListener, MessageSource } from './delivered-message.js';
import { describeTlsError } from './tls-errors.js';

/**
 * The client of an external broker (ActiveMQ, Artemis): one STOMP connection that keeps itself
 * up. Transient failures (refused, reset, timed out, broker restarted) retry with exponential
 * back-off and jitter, forever; failures that retrying cannot fix (TLS verification, an unreadable
 * CA file, a login the broker refuses) end in state `failed` with the reason. After every
 * (re)connection it subscribes again to its topics and reports `connected` only once the broker
 * has confirmed every subscription with a receipt, so a caller that waits for `connected` knows
 * published messages will arrive.
 */
export interface ExternalClientOptions {
  url: string;
  login: string;
  passcode: string;
  caFile?: string;
  /** Destinations to subscribe to (topics: a queue subscriber would steal messages). */
  subscriptions: string[];
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
  connectTimeoutMs?: number;
  /** STOMP heart-beat both ways, so a dead TCP peer is noticed. */
  heartbeatMs?: number;
  clientId?: string;
  onState?: (state: BrokerState) => void;
  logger?: Logger;
  /** For tests of the back-off; Math.random otherwise. */
  random?: () => number;
}

export interface ExternalBrokerClient extends MessageSource {
  start(): void;
  stop(): Promise<void>;
  state(): BrokerState;
  /** Sends one message; rejects unless connected and the broker confirmed it (receipt). */
  send(destination: string, body: string, headers?: Record<string, string>): Promise<void>;
}

class PermanentError extends Error {}

/** Closes the socket without an error event (stompit's typings insist on an argument). */
function destroyQuietly(c: stompit.Client) {
  (c as unknown as { destroy(): void }).destroy();
}

type Client = stompit.Client;

export function createExternalBrokerClient(opts: ExternalClientOptions): ExternalBrokerClient {
  const addr: BrokerAddress = parseBrokerUrl(opts.url);
  const log = opts.logger ?? silentLogger;
  const initialMs = opts.reconnectInitialMs ?? 500;
  const maxMs = opts.reconnectMaxMs ?? 30_000;
  const heartbeatMs = opts.heartbeatMs ?? 10_000;
  const random = opts.random ?? Math.random;
  const listeners = new Set<MessageListener>();
  const subscribed = new Set(opts.subscriptions);

  let current: BrokerState = { mode: 'external', state: 'stopped', url: addr.url };
  let client: Client | undefined;
  let connected = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let generation = 0;

  function setState(state: BrokerState['state'], detail?: string) {
    current = { mode: 'external', state, url: addr.url, ...(detail ? { detail } : {}) };
    if (state === 'failed') log.error(`broker ${addr.url}: ${detail ?? 'failed'}`);
    else log.info(`broker ${addr.url}: ${state}${detail ? ` (${detail})` : ''}`);
    opts.onState?.(current);
  }

  function deliver(msg: DeliveredMessage) {
    for (const l of listeners) {
      try {
        l(msg);
      } catch (err) {
        log.error('a message listener failed', err);
      }
    }
  }

  function readCa(): Buffer | undefined {
    if (!addr.tls || !opts.caFile) return undefined;
    let pem: Buffer;
    try {
      pem = readFileSync(opts.caFile);
    } catch (err) {
      throw new PermanentError(`cannot read the CA file ${opts.caFile}: ${(err as Error).message}`);
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new PermanentError(`the CA file ${opts.caFile} holds no PEM certificate`);
    }
    return pem;
  }

  function describe(err: unknown): { permanent: boolean; text: string } {
    if (err instanceof PermanentError) return { permanent: true, text: err.message };
    const tls = describeTlsError(err, { host: addr.host, caFile: opts.caFile });
    if (tls) return { permanent: true, text: tls };
    const e = err as Error & { isApplicationError?: () => boolean; longMessage?: string };
    if (typeof e.isApplicationError === 'function' && e.isApplicationError()) {
      return {
        permanent: true,
        text: `the broker refused the connection: ${e.message}${e.longMessage ? ` (${e.longMessage.trim()})` : ''}`,
      };
    }
    const code = (err as { code?: unknown }).code;
    return {
      permanent: false,
      text: `${e.message}${typeof code === 'string' && !e.message.includes(code) ? ` (${code})` : ''}`,
    };
  }

  function backoffMs(): number {
    const base = Math.min(maxMs, initialMs * 2 ** Math.max(0, failures - 1));
    // "Equal jitter": at least half the step, so clients restarted together spread out but
    // never hammer the broker faster than the schedule.
    return Math.round(base / 2 + random() * (base / 2));
  }

  function lost(gen: number, err: unknown) {
    if (gen !== generation || !running) return;
    generation++;
    connected = false;
    const c = client;
    client = undefined;
    if (c) destroyQuietly(c);
    const d = describe(err);
    if (d.permanent) {
      running = false;
      setState('failed', d.text);
      return;
    }
    failures++;
    const wait = backoffMs();
    setState('reconnecting', `${d.text}; attempt ${failures + 1} in ${(wait / 1000).toFixed(2)} s`);
    timer = setTimeout(attempt, wait);
  }

  function attempt() {
    timer = undefined;
    if (!running) return;
    const gen = ++generation;
    let ca: Buffer | undefined;
    try {
      ca = readCa();
    } catch (err) {
      lost(gen, err);
      return;
    }
    const connectHeaders = {
      login: opts.login,
      passcode: opts.passcode,
      'heart-beat': `${heartbeatMs},${heartbeatMs}`,
      ...(opts.clientId ? { 'client-id': opts.clientId } : {}),
    };
    const common = {
      host: addr.host,
      port: addr.port,
      timeout: opts.connectTimeoutMs ?? 5_000,
      connectHeaders,
    };
    const options: stompit.connect.ConnectOptions = addr.tls
      ? {
          ...common,
          ssl: true,
          ...(ca ? { ca } : {}),
          // SNI only for names; an IP address is checked against the certificate's IP entries.
          ...(isIP(addr.host) ? {} : { servername: addr.host }),
        }
      : common;
    let c: Client;
    try {
      c = stompit.connect(options, (err, connectedClient) => {
        if (err) lost(gen, err);
        else subscribeAll(gen, connectedClient);
      });
    } catch (err) {
      // tls.connect throws synchronously on a CA it cannot parse.
      lost(gen, new PermanentError(`TLS setup failed: ${(err as Error).message}`));
      return;
    }
    client = c;
    // After the connect callback, stompit reports a broken connection only through these.
    c.on('error', (err: Error) => lost(gen, err));
    c.on('end', () => lost(gen, new Error('the broker closed the connection')));
  }

  function subscribeAll(gen: number, c: Client) {
    if (gen !== generation) return;
    let pending = opts.subscriptions.length;
    const confirmed = () => {
      if (gen !== generation || --pending > 0) return;
      connected = true;
      failures = 0;
      setState('connected', `subscribed to ${opts.subscriptions.join(', ') || 'nothing'}`);
    };
    opts.subscriptions.forEach((destination, i) => {
      const id = i + 1;
      c.setImplicitSubscription(id, 'auto', (err, message) => {
        if (err) return; // the connection is gone; 'error' on the client handles it
        message.readString('utf-8', (readErr, body) => {
          if (readErr || body === undefined) {
            log.warn(`reading a message from ${destination} failed`, readErr);
            return;
          }
          const headers = (message as unknown as { headers: Record<string, string> }).headers;
          deliver({ destination: headers.destination ?? destination, headers, body });
        });
      });
      c.sendFrame(
        'SUBSCRIBE',
        { destination, id, ack: 'auto' },
        {
          onReceipt: confirmed,
          onError: () => undefined,
        },
      ).end();
    });
    if (pending === 0) {
      pending = 1;
      confirmed();
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      failures = 0;
      setState('reconnecting', `connecting to ${addr.url}`);
      attempt();
    },

    async stop() {
      const wasRunning = running || client !== undefined;
      running = false;
      generation++;
      if (timer) clearTimeout(timer);
      timer = undefined;
      const c = client;
      client = undefined;
      connected = false;
      if (c) {
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => {
            destroyQuietly(c);
            resolve();
          }, 2_000);
          c.disconnect(() => {
            clearTimeout(force);
            resolve();
          });
        });
      }
      if (wasRunning || current.state !== 'stopped') setState('stopped');
    },

    state: () => current,

    send(destination, body, headers = {}) {
      const c = client;
      if (!c || !connected) {
        return Promise.reject(
          new Error(`not connected to the broker ${addr.url} (state: ${current.state})`),
        );
      }
      return new Promise<void>((resolve, reject) => {
        const frameHeaders = { 'content-type': 'application/json', ...headers, destination };
        const frame = c.send(frameHeaders, {
          onReceipt: () => {
            // Topics we subscribe to come back to us through the subscription; anything else
            // (a control queue) is handed to the observers here so it is recorded once.
            if (!subscribed.has(destination)) deliver({ destination, headers: frameHeaders, body });
            resolve();
          },
          onError: (err: Error) => reject(err),
        });
        frame.write(body);
        frame.end();
      });
    },

    observe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

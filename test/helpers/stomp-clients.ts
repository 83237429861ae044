import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  Client as StompJsClient,
  type IMessage,
  type IStompSocket,
  Versions,
} from '@stomp/stompjs';
import stompit from 'stompit';
import { waitFor } from './wait-for.js';

/**
 * Three real STOMP clients behind one small interface, so that one scenario runs unchanged with
 * stompit, @stomp/stompjs (over TCP) and Python stomp.py. Every operation that the broker can
 * confirm waits for its RECEIPT, so scenarios never sleep to let the broker catch up.
 */

export type ClientKind = 'stompit' | 'stompjs' | 'stomp.py';
export const CLIENT_KINDS: ClientKind[] = ['stompit', 'stompjs', 'stomp.py'];
export type AckMode = 'auto' | 'client' | 'client-individual';

export interface ReceivedMessage {
  headers: Record<string, string>;
  body: Buffer;
}

export interface ClientSubscription {
  id: string;
  destination: string;
  messages: ReceivedMessage[];
  /** Resolves once at least `n` messages arrived (rejects after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
}

export interface ConnectOptions {
  port: number;
  login?: string;
  passcode?: string;
  version?: '1.0' | '1.1' | '1.2';
  /** [cx, cy] as in the CONNECT heart-beat header. */
  heartbeat?: [number, number];
}

export interface StompTestClient {
  readonly kind: ClientKind;
  readonly version: string;
  subscribe(
    destination: string,
    opts?: { ack?: AckMode; id?: string; headers?: Record<string, string> },
  ): Promise<ClientSubscription>;
  unsubscribe(sub: ClientSubscription): Promise<void>;
  send(
    destination: string,
    body: string | Buffer,
    headers?: Record<string, string>,
    transaction?: string,
  ): Promise<void>;
  ack(sub: ClientSubscription, message: ReceivedMessage, transaction?: string): Promise<void>;
  nack(sub: ClientSubscription, message: ReceivedMessage, transaction?: string): Promise<void>;
  begin(transaction: string): Promise<void>;
  commit(transaction: string): Promise<void>;
  abort(transaction: string): Promise<void>;
  /** DISCONNECT with a receipt, then close. */
  disconnect(): Promise<void>;
  /** Drop the TCP connection without DISCONNECT (a crashed consumer). */
  kill(): Promise<void>;
  /** ERROR frames (their `message` header) received so far. */
  errors: string[];
}

const BARRIER = '/topic/swfcc.test.barrier';

function makeSubscription(id: string, destination: string): ClientSubscription {
  const messages: ReceivedMessage[] = [];
  return {
    id,
    destination,
    messages,
    async waitFor(n, timeoutMs = 10_000) {
      await waitFor(`${n} messages on ${destination}`, () => messages.length >= n, timeoutMs, 10);
      return messages;
    },
  };
}

export async function connectClient(
  kind: ClientKind,
  opts: ConnectOptions,
): Promise<StompTestClient> {
  if (kind === 'stompit') return connectStompit(opts);
  if (kind === 'stompjs') return connectStompJs(opts);
  return connectPython(opts);
}

// --- stompit --------------------------------------------------------------------------------

async function connectStompit(opts: ConnectOptions): Promise<StompTestClient> {
  const version = opts.version ?? '1.2';
  const errors: string[] = [];
  const client = await new Promise<stompit.Client>((resolve, reject) => {
    const pending = stompit.connect(
      {
        host: '127.0.0.1',
        port: opts.port,
        connectHeaders: {
          host: '127.0.0.1',
          login: opts.login,
          passcode: opts.passcode,
          'accept-version': version === '1.0' ? '1.0' : version,
          'heart-beat': (opts.heartbeat ?? [0, 0]).join(','),
        } as stompit.connect.ConnectHeaders,
      },
      (err, c) => (err ? reject(err) : resolve(c)),
    );
    // A refused CONNECT is reported to the callback and also emitted; keep the latter quiet.
    pending.on('error', () => undefined);
  });
  client.on('error', (err: Error) => errors.push(err.message));
  // stompit writes a frame as several small writes and enables TCP_NODELAY only when
  // heart-beating; without it, Nagle + delayed ACK cost ~40 ms per large frame on loopback.
  (client.getTransportSocket() as Socket).setNoDelay(true);
  const receipt = (command: string, headers: Record<string, string>, body?: Buffer) =>
    new Promise<void>((resolve, reject) => {
      const frame = client.sendFrame(command, headers, {
        onReceipt: () => resolve(),
        onError: reject,
      });
      frame.end(body);
    });
  const subs = new Map<string, ClientSubscription>();
  let nextId = 1;
  return {
    kind: 'stompit',
    version,
    errors,
    async subscribe(destination, o = {}) {
      const id = o.id ?? `stompit-${nextId++}`;
      const sub = makeSubscription(id, destination);
      subs.set(id, sub);
      // stompit's typings say number; the library takes any id string.
      client.setImplicitSubscription(id as unknown as number, o.ack ?? 'auto', (err, message) => {
        if (err) return errors.push(err.message);
        const chunks: Buffer[] = [];
        message.on('data', (c: Buffer) => chunks.push(c));
        message.on('end', () => {
          const headers: Record<string, string> = {};
          const raw = (message as unknown as { headers: Record<string, unknown> }).headers;
          for (const [k, v] of Object.entries(raw)) headers[k] = String(v);
          sub.messages.push({ headers, body: Buffer.concat(chunks) });
        });
      });
      await receipt('SUBSCRIBE', { ...o.headers, id, destination, ack: o.ack ?? 'auto' });
      return sub;
    },
    async unsubscribe(sub) {
      await receipt('UNSUBSCRIBE', { id: sub.id });
    },
    async send(destination, body, headers = {}, transaction) {
      const h: Record<string, string> = { ...headers, destination };
      if (transaction) h.transaction = transaction;
      await receipt('SEND', h, Buffer.isBuffer(body) ? body : Buffer.from(body));
    },
    async ack(sub, message, transaction) {
      await receipt('ACK', ackHeaders(version, sub, message, transaction));
    },
    async nack(sub, message, transaction) {
      await receipt('NACK', ackHeaders(version, sub, message, transaction));
    },
    begin: (transaction) => receipt('BEGIN', { transaction }),
    commit: (transaction) => receipt('COMMIT', { transaction }),
    abort: (transaction) => receipt('ABORT', { transaction }),
    disconnect: () =>
      new Promise<void>((resolve) => {
        client.disconnect(() => resolve());
      }),
    async kill() {
      const socket = client.getTransportSocket() as Socket;
      if (socket.closed) return;
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.destroy();
      });
    },
  };
}

function ackHeaders(
  version: string,
  sub: ClientSubscription,
  message: ReceivedMessage,
  transaction?: string,
): Record<string, string> {
  const h: Record<string, string> =
    version === '1.2'
      ? { id: message.headers.ack! }
      : { 'message-id': message.headers['message-id']!, subscription: sub.id };
  if (transaction) h.transaction = transaction;
  return h;
}

// --- @stomp/stompjs over TCP ---------------------------------------------------------------

/**
 * stompjs talks to a WebSocket-like object; this one carries the same bytes over a plain TCP
 * socket (what stomp-js's separate tcp-wrapper package does, which is not installed here).
 */
class TcpStompSocket implements IStompSocket {
  url: string;
  onclose: ((ev?: unknown) => unknown) | undefined | null = null;
  onerror: ((ev: unknown) => unknown) | undefined | null = null;
  onmessage: ((ev: { data: ArrayBuffer }) => unknown) | undefined | null = null;
  onopen: ((ev?: unknown) => unknown) | undefined | null = null;
  binaryType = 'arraybuffer';
  readyState = 0;
  readonly socket: Socket;

  constructor(port: number) {
    this.url = `tcp://127.0.0.1:${port}`;
    this.socket = netConnect(port, '127.0.0.1');
    this.socket.on('connect', () => {
      this.readyState = 1;
      this.onopen?.();
    });
    this.socket.on('data', (chunk: Buffer) => {
      const data = chunk.buffer.slice(
        chunk.byteOffset,
        chunk.byteOffset + chunk.length,
      ) as ArrayBuffer;
      this.onmessage?.({ data });
    });
    this.socket.on('error', (err) => this.onerror?.(err));
    this.socket.on('close', () => {
      this.readyState = 3;
      this.onclose?.({ code: 1000, reason: 'tcp closed' });
    });
  }

  send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
    if (typeof data === 'string') this.socket.write(data);
    else if (ArrayBuffer.isView(data))
      this.socket.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    else if (data instanceof ArrayBuffer) this.socket.write(Buffer.from(data));
  }

  close(): void {
    this.readyState = 2;
    this.socket.end();
  }

  terminate(): void {
    this.socket.destroy();
  }
}

async function connectStompJs(opts: ConnectOptions): Promise<StompTestClient> {
  const version = opts.version ?? '1.2';
  const errors: string[] = [];
  let tcp: TcpStompSocket | undefined;
  const client = new StompJsClient({
    webSocketFactory: () => (tcp = new TcpStompSocket(opts.port)),
    connectHeaders: { login: opts.login ?? '', passcode: opts.passcode ?? '', host: '127.0.0.1' },
    stompVersions: new Versions([version]),
    heartbeatIncoming: opts.heartbeat?.[1] ?? 0,
    heartbeatOutgoing: opts.heartbeat?.[0] ?? 0,
    reconnectDelay: 0,
    connectionTimeout: 10_000,
    // stompjs writes text frames by default; a body with NUL bytes needs binary frames.
    forceBinaryWSFrames: true,
    appendMissingNULLonIncoming: false,
  });
  await new Promise<void>((resolve, reject) => {
    client.onConnect = () => resolve();
    client.onStompError = (frame) => {
      errors.push(frame.headers.message ?? frame.body);
      reject(new Error(frame.headers.message ?? 'ERROR frame'));
    };
    client.onWebSocketClose = () => reject(new Error('connection closed before CONNECTED'));
    client.activate();
  });
  client.onStompError = (frame) => errors.push(frame.headers.message ?? frame.body);
  client.onWebSocketClose = () => undefined;
  let nextReceipt = 1;
  const withReceipt = (fn: (receipt: string) => void) =>
    new Promise<void>((resolve) => {
      const receipt = `js-${nextReceipt++}`;
      client.watchForReceipt(receipt, () => resolve());
      fn(receipt);
    });
  // stompjs has no receipt option on BEGIN/COMMIT/ABORT/ACK: a SEND with a receipt right after
  // proves the broker processed the earlier frame (frames are handled in order).
  const barrier = () =>
    withReceipt((receipt) =>
      client.publish({ destination: BARRIER, body: '', headers: { receipt } }),
    );
  const stompjsSubs = new Map<
    string,
    { unsubscribe(): void; messages: Map<ReceivedMessage, IMessage> }
  >();
  let nextId = 1;
  return {
    kind: 'stompjs',
    version,
    errors,
    async subscribe(destination, o = {}) {
      const id = o.id ?? `stompjs-${nextId++}`;
      const sub = makeSubscription(id, destination);
      const originals = new Map<ReceivedMessage, IMessage>();
      await withReceipt((receipt) => {
        const handle = client.subscribe(
          destination,
          (message) => {
            const received = {
              headers: { ...message.headers },
              body: Buffer.from(message.binaryBody),
            };
            originals.set(received, message);
            sub.messages.push(received);
          },
          { ...o.headers, id, ack: o.ack ?? 'auto', receipt },
        );
        stompjsSubs.set(id, { unsubscribe: () => handle.unsubscribe(), messages: originals });
      });
      return sub;
    },
    async unsubscribe(sub) {
      stompjsSubs.get(sub.id)?.unsubscribe();
      await barrier();
    },
    async send(destination, body, headers = {}, transaction) {
      const h: Record<string, string> = { ...headers };
      if (transaction) h.transaction = transaction;
      await withReceipt((receipt) =>
        client.publish({
          destination,
          binaryBody: new Uint8Array(Buffer.isBuffer(body) ? body : Buffer.from(body)),
          headers: { ...h, receipt },
          // Only a body given with content-length may hold NUL bytes; stompjs adds it unless told not to.
          skipContentLengthHeader: !('content-length' in headers) && !Buffer.isBuffer(body),
        }),
      );
    },
    async ack(sub, message, transaction) {
      const original = stompjsSubs.get(sub.id)?.messages.get(message);
      if (!original) throw new Error('stompjs: unknown message');
      original.ack(transaction ? { transaction } : {});
      await barrier();
    },
    async nack(sub, message, transaction) {
      const original = stompjsSubs.get(sub.id)?.messages.get(message);
      if (!original) throw new Error('stompjs: unknown message');
      original.nack(transaction ? { transaction } : {});
      await barrier();
    },
    async begin(transaction) {
      client.begin(transaction);
      await barrier();
    },
    async commit(transaction) {
      client.commit(transaction);
      await barrier();
    },
    async abort(transaction) {
      client.abort(transaction);
      await barrier();
    },
    async disconnect() {
      await client.deactivate();
    },
    async kill() {
      const socket = tcp?.socket;
      if (socket && !socket.closed) {
        await new Promise<void>((resolve) => {
          socket.once('close', () => resolve());
          socket.destroy();
        });
      }
      void client.deactivate({ force: true });
    },
  };
}

// --- Python stomp.py ------------------------------------------------------------------------

const DRIVER = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'fixtures',
  'python',
  'stomp_driver.py',
);
export const PYTHON = process.env.SWF_TEST_PYTHON ?? '/usr/bin/python3';

interface DriverReply {
  seq?: number;
  ok?: boolean;
  error?: string;
  event?: string;
  headers?: Record<string, string>;
  body_b64?: string;
  message?: string;
}

async function connectPython(opts: ConnectOptions): Promise<StompTestClient> {
  const version = opts.version ?? '1.2';
  const child: ChildProcessWithoutNullStreams = spawn(PYTHON, ['-u', DRIVER], { stdio: 'pipe' });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const pending = new Map<number, (reply: DriverReply) => void>();
  const errors: string[] = [];
  const subs = new Map<string, ClientSubscription>();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => {
    for (const settle of pending.values()) settle({ ok: false, error: `driver exited: ${stderr}` });
    pending.clear();
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    const msg = JSON.parse(line) as DriverReply;
    if (msg.event === 'message') {
      const headers = msg.headers ?? {};
      const sub = subs.get(headers.subscription ?? '') ?? [...subs.values()][0];
      sub?.messages.push({ headers, body: Buffer.from(msg.body_b64 ?? '', 'base64') });
    } else if (msg.event === 'error') errors.push(msg.message ?? '');
    else if (msg.seq !== undefined) {
      pending.get(msg.seq)?.(msg);
      pending.delete(msg.seq);
    }
  });
  let seq = 0;
  const call = (op: string, args: Record<string, unknown> = {}) =>
    new Promise<DriverReply>((resolve, reject) => {
      const id = ++seq;
      pending.set(id, (reply) => (reply.ok ? resolve(reply) : reject(new Error(reply.error))));
      child.stdin.write(`${JSON.stringify({ seq: id, op, ...args })}\n`);
    });
  try {
    const reply = await call('connect', {
      port: opts.port,
      login: opts.login,
      passcode: opts.passcode,
      version,
      heartbeats: opts.heartbeat ?? [0, 0],
    });
    if (!(reply as { connected?: boolean }).connected)
      throw new Error(`not connected: ${errors.join('; ')}`);
  } catch (err) {
    child.kill();
    await exited;
    throw new Error(`${(err as Error).message} ${errors.join('; ')}`.trim(), { cause: err });
  }
  let nextId = 1;
  const stop = async () => {
    if (child.exitCode === null) {
      child.stdin.end();
      child.kill();
    }
    await exited;
  };
  return {
    kind: 'stomp.py',
    version,
    errors,
    async subscribe(destination, o = {}) {
      const id = o.id ?? `py-${nextId++}`;
      const sub = makeSubscription(id, destination);
      subs.set(id, sub);
      await call('subscribe', { destination, id, ack: o.ack ?? 'auto', headers: o.headers ?? {} });
      return sub;
    },
    async unsubscribe(sub) {
      await call('unsubscribe', { id: sub.id });
    },
    async send(destination, body, headers = {}, transaction) {
      const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
      await call('send', { destination, body_b64: buf.toString('base64'), headers, transaction });
    },
    async ack(sub, message, transaction) {
      const id = version === '1.2' ? message.headers.ack : message.headers['message-id'];
      await call('ack', { id, subscription: sub.id, transaction });
    },
    async nack(sub, message, transaction) {
      const id = version === '1.2' ? message.headers.ack : message.headers['message-id'];
      await call('nack', { id, subscription: sub.id, transaction });
    },
    begin: async (transaction) => void (await call('begin', { transaction })),
    commit: async (transaction) => void (await call('commit', { transaction })),
    abort: async (transaction) => void (await call('abort', { transaction })),
    async disconnect() {
      await call('disconnect').catch(() => undefined);
      await stop();
    },
    async kill() {
      // SIGKILL: the process dies without DISCONNECT, like a crashed agent.
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export const uniqueName = (prefix: string) => `${prefix}.${randomUUID().slice(0, 8)}`;

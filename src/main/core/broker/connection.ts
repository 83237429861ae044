import { timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import { ConnectionOutput } from './connection-output.js';
import { parseDestination } from './destinations.js';
import {
  encodeFrame,
  escapeHeader,
  FRAME_END,
  type StompVersion,
  VERSION_INDEX,
} from './frame-encoding.js';
import type { BrokerLimits } from './limits.js';
import { type AckMode, type BrokerMessage, Subscription, type SubscriptionSink } from './router.js';
import { type OversizedFrame, type WholeFrame, WholeFrameStream } from './whole-frame-stream.js';

/** What a connection needs from the broker (kept narrow so the connection is testable). */
export interface BrokerContext {
  limits: BrokerLimits;
  login?: string;
  passcode?: string;
  serverName: string;
  nextMessageId(): string;
  /** Route a message (SEND, or a committed transactional SEND); an error text refuses it. */
  publish(message: BrokerMessage): string | undefined;
  subscribe(sub: Subscription): void;
  unsubscribe(sub: Subscription): void;
  /** Subscriptions got credit back or the socket drained: dispatch their queues. */
  resume(subs: Iterable<Subscription>): void;
  onDelivered(): void;
  onDrop(sub: Subscription): void;
  onProtocolError(reason: string): void;
  onClosed(connection: StompConnection): void;
  log: { debug(msg: string): void };
}

type TxOp =
  | { kind: 'send'; message: BrokerMessage }
  | { kind: 'ack'; sub: Subscription; ackId: string; nack: boolean };

/** Headers of SEND that describe the transport, not the message; not forwarded to subscribers. */
const TRANSPORT_HEADERS = new Set(['destination', 'receipt', 'transaction', 'content-length']);

const SUPPORTED: StompVersion[] = ['1.2', '1.1', '1.0'];

let connectionCounter = 0;

/**
 * One client connection: frames in through stompit's IncomingFrameStream, STOMP semantics, frames
 * out through a batching ConnectionOutput. Two kinds of errors, as ActiveMQ has them: a broken or
 * forbidden frame (parse error, size limit, unknown command, failed login) gets an ERROR and the
 * connection is closed; a well-formed frame that cannot be honoured (no destination, unknown ack
 * id or transaction, full queue) gets an ERROR and the connection stays open.
 */
export class StompConnection implements SubscriptionSink {
  readonly id = ++connectionCounter;
  version: StompVersion = '1.0';
  private connected = false;
  private closing = false;
  private closed = false;
  private readonly incoming: WholeFrameStream;
  private readonly output: ConnectionOutput;
  /** By client subscription id (1.0 subscriptions without id: by destination). */
  private readonly subscriptions = new Map<string, Subscription>();
  /** 1.2 ack ids -> subscription. */
  private readonly ackIndex = new Map<string, Subscription>();
  private readonly transactions = new Map<string, TxOp[]>();
  private ackCounter = 0;
  private readonly timers: NodeJS.Timeout[] = [];
  private lastReadAt = Date.now();

  constructor(
    private readonly socket: Socket,
    private readonly ctx: BrokerContext,
  ) {
    const limits = ctx.limits;
    this.output = new ConnectionOutput(
      socket,
      limits.maxPendingPerSubscriber,
      limits.socketHighWaterBytes,
      (sub) => ctx.onDrop(sub),
      () => ctx.resume(this.subscriptions.values()),
    );
    this.incoming = new WholeFrameStream(
      { maxLineLength: limits.maxHeaderLineBytes, maxHeaders: limits.maxHeaders },
      limits.maxBodyBytes,
    );
    socket.setNoDelay(true);
    socket.on('data', () => {
      this.lastReadAt = Date.now();
    });
    socket.pipe(this.incoming);
    this.incoming.on('readable', () => this.readFrames());
    this.incoming.on('error', (err: Error) =>
      this.protocolError(`malformed frame: ${err.message}`),
    );
    this.incoming.on('end', () => this.destroy());
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.destroy());

    const connectTimer = setTimeout(() => {
      if (!this.connected) this.protocolError('no CONNECT frame within the connect timeout');
    }, limits.connectTimeoutMs);
    this.timers.push(connectTimer);
  }

  get remote(): string {
    return `${this.socket.remoteAddress}:${this.socket.remotePort}`;
  }

  get subscriptionCount(): number {
    return this.subscriptions.size;
  }

  // --- SubscriptionSink -------------------------------------------------------------------

  ready(): boolean {
    return !this.closing && this.output.ready();
  }

  ackIdFor(sub: Subscription, message: BrokerMessage): string {
    if (this.version !== '1.2') return message.id;
    const ackId = `${this.id}-${++this.ackCounter}`;
    this.ackIndex.set(ackId, sub);
    return ackId;
  }

  send(
    sub: Subscription,
    message: BrokerMessage,
    redelivered: boolean,
    ackId: string | undefined,
  ): void {
    this.ctx.onDelivered();
    const v = this.version;
    // The headers fixed per subscription are encoded once; message-id and everything after it
    // is shared by all subscribers (encodedTail). A plain auto-ack delivery allocates nothing.
    let prefix = sub.encodedPrefix;
    if (!prefix) {
      let text = 'MESSAGE\n';
      if (sub.id !== undefined) text += `subscription:${escapeHeader(sub.id, v)}\n`;
      text += `destination:${escapeHeader(sub.requestedDestination, v)}\n`;
      prefix = sub.encodedPrefix = Buffer.from(text, 'utf8');
    }
    let head = prefix;
    if ((ackId !== undefined && v === '1.2') || redelivered) {
      let extra = '';
      if (ackId !== undefined && v === '1.2') extra += `ack:${ackId}\n`;
      if (redelivered) extra += 'redelivered:true\n';
      head = Buffer.concat([prefix, Buffer.from(extra, 'utf8')]);
    }
    this.output.push(head, encodedTail(message, v), sub.kind === 'topic' ? sub : undefined);
  }

  // --- frame input -------------------------------------------------------------------------

  /** Handles every complete frame parsed so far, in order, in one synchronous loop. */
  private readFrames(): void {
    while (!this.closing) {
      const item = this.incoming.read() as WholeFrame | OversizedFrame | null;
      if (item === null) return;
      if ('oversized' in item) return this.protocolError(item.oversized);
      try {
        this.handleFrame(item.command, item.headers, item.body);
      } catch (err) {
        return this.protocolError(`internal error: ${(err as Error).message}`);
      }
    }
  }

  private handleFrame(command: string, headers: Record<string, string>, body: Buffer): void {
    if (!this.connected) {
      if (command === 'CONNECT' || command === 'STOMP') return this.onConnect(headers);
      return this.protocolError(`expected CONNECT or STOMP, got '${command}'`, headers.receipt);
    }
    switch (command) {
      case 'SEND':
        return this.onSend(headers, body);
      case 'SUBSCRIBE':
        return this.onSubscribe(headers);
      case 'UNSUBSCRIBE':
        return this.onUnsubscribe(headers);
      case 'ACK':
        return this.onAck(headers, false);
      case 'NACK':
        return this.onAck(headers, true);
      case 'BEGIN':
        return this.onBegin(headers);
      case 'COMMIT':
        return this.onCommit(headers);
      case 'ABORT':
        return this.onAbort(headers);
      case 'DISCONNECT':
        return this.onDisconnect(headers);
      case 'CONNECT':
      case 'STOMP':
        return this.protocolError('already connected', headers.receipt);
      default:
        return this.protocolError(`unknown command '${command}'`, headers.receipt);
    }
  }

  private onConnect(headers: Record<string, string>): void {
    const accepted = headers['accept-version'];
    let version: StompVersion | undefined = '1.0';
    if (accepted !== undefined) {
      const offered = accepted.split(',').map((v) => v.trim());
      version = SUPPORTED.find((v) => offered.includes(v));
    }
    if (!version) {
      this.version = '1.2';
      return this.protocolError(
        `unsupported protocol version(s) ${accepted}; supported versions are 1.0,1.1,1.2`,
        headers.receipt,
        { version: SUPPORTED.join(',') },
      );
    }
    this.version = version;
    if (this.ctx.login !== undefined) {
      if (
        !sameSecret(headers.login, this.ctx.login) ||
        !sameSecret(headers.passcode, this.ctx.passcode ?? '')
      ) {
        return this.protocolError(`login or passcode is invalid`, headers.receipt);
      }
    }
    this.incoming.setVersion(version);
    this.connected = true;

    let sendEvery = 0;
    let expectEvery = 0;
    if (version !== '1.0' && headers['heart-beat'] !== undefined) {
      const [cx, cy] = headers['heart-beat'].split(',').map((n) => Number.parseInt(n, 10));
      const min = this.ctx.limits.minHeartbeatMs;
      // The client's cx: how often it can send; cy: how often it wants to hear from us.
      if (cy !== undefined && Number.isFinite(cy) && cy > 0) sendEvery = Math.max(cy, min);
      if (cx !== undefined && Number.isFinite(cx) && cx > 0) expectEvery = Math.max(cx, min);
    }
    const out: Record<string, string | undefined> = {
      version,
      server: this.ctx.serverName,
      session: `session-${this.id}`,
      'heart-beat': version === '1.0' ? undefined : `${sendEvery},${expectEvery}`,
      'receipt-id': headers.receipt,
    };
    this.output.push(encodeFrame('CONNECTED', out, '1.0'));
    this.startHeartbeats(sendEvery, expectEvery);
  }

  private startHeartbeats(sendEvery: number, expectEvery: number): void {
    if (sendEvery > 0) {
      const eol = Buffer.from('\n');
      this.timers.push(
        setInterval(
          () => {
            if (Date.now() - this.output.lastWriteAt >= sendEvery * 0.9) this.output.push(eol);
          },
          Math.max(1, Math.floor(sendEvery / 2)),
        ),
      );
    }
    if (expectEvery > 0) {
      const deadline = expectEvery * this.ctx.limits.heartbeatGrace;
      this.timers.push(
        setInterval(
          () => {
            if (Date.now() - this.lastReadAt > deadline)
              this.protocolError(`no heart-beat or frame from the client for ${deadline} ms`);
          },
          Math.max(1, Math.floor(expectEvery / 2)),
        ),
      );
    }
  }

  private onSend(headers: Record<string, string>, body: Buffer): void {
    const raw = headers.destination;
    const destination = raw === undefined ? undefined : parseDestination(raw);
    if (!destination)
      return this.frameError('SEND received without a valid destination', headers.receipt);
    const forwarded: Record<string, string> = {};
    for (const key in headers) if (!TRANSPORT_HEADERS.has(key)) forwarded[key] = headers[key]!;
    const message: BrokerMessage = {
      id: this.ctx.nextMessageId(),
      destination: destination.name,
      kind: destination.kind,
      headers: forwarded,
      body,
      contentLength: headers['content-length'] !== undefined,
    };
    const tx = headers.transaction;
    if (tx !== undefined) {
      const ops = this.transactions.get(tx);
      if (!ops) return this.frameError(`invalid transaction id: ${tx}`, headers.receipt);
      ops.push({ kind: 'send', message });
      return this.receipt(headers);
    }
    const refused = this.ctx.publish(message);
    if (refused !== undefined) return this.frameError(refused, headers.receipt);
    this.receipt(headers);
  }

  private onSubscribe(headers: Record<string, string>): void {
    const raw = headers.destination;
    const destination = raw === undefined ? undefined : parseDestination(raw);
    if (!destination || raw === undefined)
      return this.frameError('SUBSCRIBE received without a valid destination', headers.receipt);
    const id = headers.id;
    if (id === undefined && this.version !== '1.0')
      return this.frameError('SUBSCRIBE received without a subscription id', headers.receipt);
    const ackMode = (headers.ack ?? 'auto') as AckMode;
    if (ackMode !== 'auto' && ackMode !== 'client' && ackMode !== 'client-individual')
      return this.frameError(`unknown ack mode '${headers.ack}'`, headers.receipt);
    const key = id ?? `destination:${raw}`;
    if (this.subscriptions.has(key))
      return this.frameError(`subscription id ${key} is already in use`, headers.receipt);
    const limits = this.ctx.limits;
    const requestedPrefetch = Number.parseInt(headers['activemq.prefetchSize'] ?? '', 10);
    const prefetch =
      destination.kind === 'topic'
        ? limits.maxPendingPerSubscriber
        : Number.isFinite(requestedPrefetch) && requestedPrefetch > 0
          ? requestedPrefetch
          : limits.defaultPrefetch;
    const sub = new Subscription(
      this,
      id,
      raw,
      destination.name,
      destination.kind,
      ackMode,
      prefetch,
    );
    this.subscriptions.set(key, sub);
    // The receipt goes out before any message the subscription already has waiting.
    this.receipt(headers);
    this.ctx.subscribe(sub);
  }

  private onUnsubscribe(headers: Record<string, string>): void {
    const key =
      headers.id ??
      (headers.destination !== undefined ? `destination:${headers.destination}` : undefined);
    const sub = key === undefined ? undefined : this.subscriptions.get(key);
    if (!sub || key === undefined)
      return this.frameError('no subscription matched', headers.receipt);
    this.dropSubscription(key, sub);
    this.receipt(headers);
  }

  private dropSubscription(key: string, sub: Subscription): void {
    this.subscriptions.delete(key);
    for (const ackId of sub.pending.keys()) this.ackIndex.delete(ackId);
    this.output.forget(sub);
    this.ctx.unsubscribe(sub);
  }

  private onAck(headers: Record<string, string>, nack: boolean): void {
    const ackId = headers.id ?? headers['message-id'];
    const sub = ackId === undefined ? undefined : this.findPending(ackId, headers.subscription);
    if (!sub || ackId === undefined)
      return this.frameError(
        `unexpected ${nack ? 'NACK' : 'ACK'} for id [${ackId ?? 'none'}]`,
        headers.receipt,
      );
    const tx = headers.transaction;
    if (tx !== undefined) {
      const ops = this.transactions.get(tx);
      if (!ops) return this.frameError(`invalid transaction id: ${tx}`, headers.receipt);
      ops.push({ kind: 'ack', sub, ackId, nack });
      return this.receipt(headers);
    }
    this.settle(sub, ackId);
    this.receipt(headers);
  }

  private findPending(ackId: string, subscriptionId: string | undefined): Subscription | undefined {
    const indexed = this.ackIndex.get(ackId);
    if (indexed && indexed.hasPending(ackId)) return indexed;
    if (subscriptionId !== undefined) {
      const sub = this.subscriptions.get(subscriptionId);
      return sub?.hasPending(ackId) ? sub : undefined;
    }
    for (const sub of this.subscriptions.values()) if (sub.hasPending(ackId)) return sub;
    return undefined;
  }

  /**
   * ACK and NACK both settle: as in ActiveMQ 5 with non-persistent messages, a NACKed message
   * is discarded (it would go to a dead-letter queue only if persistent), never redelivered.
   */
  private settle(sub: Subscription, ackId: string): void {
    if (sub.closed) return;
    if (this.version === '1.2') {
      // Cumulative acks settle earlier ids too; drop them from the index as well.
      if (sub.ackMode === 'client') {
        for (const key of sub.pending.keys()) {
          this.ackIndex.delete(key);
          if (key === ackId) break;
        }
      } else this.ackIndex.delete(ackId);
    }
    sub.settle(ackId);
    if (sub.kind === 'queue') this.ctx.resume([sub]);
  }

  private onBegin(headers: Record<string, string>): void {
    const tx = headers.transaction;
    if (tx === undefined) return this.frameError('BEGIN without a transaction id', headers.receipt);
    if (this.transactions.has(tx))
      return this.frameError(`transaction ${tx} is already started`, headers.receipt);
    this.transactions.set(tx, []);
    this.receipt(headers);
  }

  private onCommit(headers: Record<string, string>): void {
    const tx = headers.transaction;
    const ops = tx === undefined ? undefined : this.transactions.get(tx);
    if (!ops || tx === undefined)
      return this.frameError(`invalid transaction id: ${tx ?? 'none'}`, headers.receipt);
    this.transactions.delete(tx);
    const refusals: string[] = [];
    for (const op of ops) {
      if (op.kind === 'send') {
        const refused = this.ctx.publish(op.message);
        if (refused !== undefined) refusals.push(refused);
      } else if (op.sub.hasPending(op.ackId)) this.settle(op.sub, op.ackId);
    }
    if (refusals.length > 0) return this.frameError(refusals.join('; '), headers.receipt);
    this.receipt(headers);
  }

  private onAbort(headers: Record<string, string>): void {
    const tx = headers.transaction;
    if (tx === undefined || !this.transactions.delete(tx))
      return this.frameError(`invalid transaction id: ${tx ?? 'none'}`, headers.receipt);
    this.receipt(headers);
  }

  private onDisconnect(headers: Record<string, string>): void {
    this.receipt(headers);
    this.closing = true;
    this.releaseAll();
    this.output.end();
  }

  // --- replies and errors -----------------------------------------------------------------

  private receipt(headers: Record<string, string>): void {
    if (headers.receipt === undefined) return;
    this.output.push(encodeFrame('RECEIPT', { 'receipt-id': headers.receipt }, this.version));
  }

  /** A frame that cannot be honoured: ERROR, connection kept (as ActiveMQ does). */
  private frameError(message: string, receipt: string | undefined): void {
    this.output.push(
      encodeFrame(
        'ERROR',
        { 'content-type': 'text/plain', 'receipt-id': receipt, message },
        this.version,
        message,
      ),
    );
  }

  /** A broken or forbidden frame: ERROR, then this connection is closed. Others go on. */
  protocolError(message: string, receipt?: string, extra: Record<string, string> = {}): void {
    if (this.closing || this.closed) return;
    this.ctx.onProtocolError(message);
    this.ctx.log.debug(`connection ${this.id} (${this.remote}): ${message}`);
    this.closing = true;
    this.socket.unpipe(this.incoming);
    this.output.push(
      encodeFrame(
        'ERROR',
        { ...extra, 'content-type': 'text/plain', 'receipt-id': receipt, message },
        this.version,
        message,
      ),
    );
    this.releaseAll();
    this.output.end();
    // A client that never reads must not keep the socket open: force it after a grace period.
    const force = setTimeout(() => this.socket.destroy(), 2000);
    force.unref();
    this.timers.push(force);
  }

  private releaseAll(): void {
    for (const [key, sub] of [...this.subscriptions]) this.dropSubscription(key, sub);
    this.transactions.clear();
  }

  /** Closes the connection at once (broker shutdown, socket gone). */
  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = true;
    for (const timer of this.timers) {
      clearTimeout(timer);
      clearInterval(timer);
    }
    this.releaseAll();
    this.output.close();
    this.socket.unpipe(this.incoming);
    this.socket.destroy();
    this.ctx.onClosed(this);
  }
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The part of a MESSAGE frame shared by every subscriber of one protocol version: forwarded
 * headers, content-length, blank line, body, NUL. Encoded once per message and version.
 */
function encodedTail(message: BrokerMessage, version: StompVersion): Buffer {
  const cache = (message.encoded ??= []);
  const index = VERSION_INDEX[version];
  const cached = cache[index];
  if (cached) return cached;
  let head = `message-id:${message.id}\n`;
  for (const key in message.headers)
    head += `${escapeHeader(key, version)}:${escapeHeader(message.headers[key]!, version)}\n`;
  if (message.contentLength) head += `content-length:${message.body.length}\n`;
  head += '\n';
  const headLength = Buffer.byteLength(head);
  const tail = Buffer.allocUnsafe(headLength + message.body.length + FRAME_END.length);
  tail.write(head, 0, 'utf8');
  message.body.copy(tail, headLength);
  FRAME_END.copy(tail, headLength + message.body.length);
  cache[index] = tail;
  return tail;
}

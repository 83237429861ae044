import type { Socket } from 'node:net';
import type { BrokerContext } from './broker-context.js';
import { ClientAcks } from './client-acks.js';
import {
  answerConnect,
  isRefusal,
  messageFromSend,
  subscriptionFromFrame,
  subscriptionKey,
} from './client-frames.js';
import { ConnectionOutput } from './connection-output.js';
import { ConnectionTimers } from './connection-timers.js';
import { encodeFrame, errorFrame, type StompVersion } from './frame-encoding.js';
import { encodedTail, messageHead } from './message-encoding.js';
import type { BrokerMessage, Subscription, SubscriptionSink } from './router.js';
import { type OversizedFrame, type WholeFrame, WholeFrameStream } from './whole-frame-stream.js';

/** How long a client that is sent an ERROR has to read it before its socket is destroyed. */
const ERROR_GRACE_MS = 2000;

const EOL = Buffer.from('\n');

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
  /** Frames are left unread while replies pile up (a client that sends but never reads). */
  private readPaused = false;
  private readonly incoming: WholeFrameStream;
  private readonly output: ConnectionOutput;
  private readonly timers: ConnectionTimers;
  private readonly acks: ClientAcks;
  /** By client subscription id (1.0 subscriptions without id: by destination). */
  private readonly subscriptions = new Map<string, Subscription>();

  constructor(
    private readonly socket: Socket,
    private readonly ctx: BrokerContext,
  ) {
    const limits = ctx.limits;
    this.output = new ConnectionOutput(socket, {
      maxBytesPerSubscriber: limits.maxSubscriberBytes,
      highWaterBytes: limits.socketHighWaterBytes,
      memory: ctx.memory,
      onOverBudget: (sub) => this.cutOff(sub),
      onWritable: () => {
        ctx.resume(this.subscriptions.values());
        if (this.readPaused) {
          this.readPaused = false;
          this.readFrames();
        }
      },
    });
    this.acks = new ClientAcks(this.id, limits.maxTransactionBytes, ctx.memory);
    this.timers = new ConnectionTimers((reason) => this.protocolError(reason));
    this.incoming = new WholeFrameStream(
      { maxLineLength: limits.maxHeaderLineBytes, maxHeaders: limits.maxHeaders },
      limits.maxBodyBytes,
    );
    socket.setNoDelay(true);
    socket.on('data', () => this.timers.sawInput());
    socket.pipe(this.incoming);
    this.incoming.on('readable', () => this.readFrames());
    this.incoming.on('error', (err: Error) =>
      this.protocolError(`malformed frame: ${err.message}`),
    );
    this.incoming.on('end', () => this.destroy());
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.destroy());
    this.timers.connectDeadline(limits.connectTimeoutMs, () => this.connected);
  }

  get remote(): string {
    return `${this.socket.remoteAddress}:${this.socket.remotePort}`;
  }

  // --- SubscriptionSink -------------------------------------------------------------------

  ready(): boolean {
    return !this.closing && this.output.ready();
  }

  ackIdFor(sub: Subscription, message: BrokerMessage): string {
    return this.acks.ackIdFor(sub, message, this.version);
  }

  send(
    sub: Subscription,
    message: BrokerMessage,
    redelivered: boolean,
    ackId: string | undefined,
  ): void {
    this.ctx.onDelivered();
    const head = messageHead(sub, this.version, ackId, redelivered);
    this.output.push(
      head,
      encodedTail(message, this.version),
      sub.kind === 'topic' ? sub : undefined,
    );
  }

  // --- frame input -------------------------------------------------------------------------

  /** Handles every complete frame parsed so far, in order, in one synchronous loop. */
  private readFrames(): void {
    while (!this.closing) {
      if (this.output.backedUp()) {
        // Left in the parser's buffer, unread frames make the socket stop reading too.
        this.readPaused = true;
        return;
      }
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
    const answer = answerConnect(headers, this.ctx, `session-${this.id}`);
    this.version = answer.version;
    if (!answer.ok) return this.protocolError(answer.error, headers.receipt, answer.extra);
    this.incoming.setVersion(answer.version);
    this.connected = true;
    const refused = this.ctx.admit(this, answer.supervised);
    if (refused !== undefined) return this.protocolError(refused, headers.receipt);
    this.output.push(answer.connected);
    this.timers.start(
      answer.agreement,
      this.ctx.limits,
      () => this.output.push(EOL),
      () => this.output.lastWriteAt,
    );
  }

  private onSend(headers: Record<string, string>, body: Buffer): void {
    const message = messageFromSend(headers, body, () => this.ctx.nextMessageId());
    if (isRefusal(message)) return this.frameError(message.error, headers.receipt);
    const tx = headers.transaction;
    const refused =
      tx !== undefined ? this.acks.add(tx, { kind: 'send', message }) : this.ctx.publish(message);
    if (refused !== undefined) return this.frameError(refused, headers.receipt);
    this.receipt(headers);
  }

  private onSubscribe(headers: Record<string, string>): void {
    const sub = subscriptionFromFrame(headers, this.version, this.ctx.limits, this);
    if (isRefusal(sub)) return this.frameError(sub.error, headers.receipt);
    const key = sub.id ?? `destination:${sub.requestedDestination}`;
    if (this.subscriptions.has(key))
      return this.frameError(`subscription id ${key} is already in use`, headers.receipt);
    this.subscriptions.set(key, sub);
    // The receipt goes out before any message the subscription already has waiting.
    this.receipt(headers);
    this.ctx.subscribe(sub);
  }

  private onUnsubscribe(headers: Record<string, string>): void {
    const key = subscriptionKey(headers);
    const sub = key === undefined ? undefined : this.subscriptions.get(key);
    if (!sub || key === undefined)
      return this.frameError('no subscription matched', headers.receipt);
    this.dropSubscription(key, sub);
    this.receipt(headers);
  }

  private dropSubscription(key: string, sub: Subscription): void {
    this.subscriptions.delete(key);
    this.acks.forget(sub);
    this.output.forget(sub);
    this.ctx.unsubscribe(sub);
  }

  private onAck(headers: Record<string, string>, nack: boolean): void {
    const ackId = headers.id ?? headers['message-id'];
    const sub =
      ackId === undefined
        ? undefined
        : this.acks.findPending(ackId, headers.subscription, this.subscriptions);
    if (!sub || ackId === undefined)
      return this.frameError(
        `unexpected ${nack ? 'NACK' : 'ACK'} for id [${ackId ?? 'none'}]`,
        headers.receipt,
      );
    const tx = headers.transaction;
    if (tx !== undefined) {
      const refused = this.acks.add(tx, { kind: 'ack', sub, ackId, nack });
      if (refused !== undefined) return this.frameError(refused, headers.receipt);
      return this.receipt(headers);
    }
    this.settle(sub, ackId);
    this.receipt(headers);
  }

  private settle(sub: Subscription, ackId: string): void {
    if (this.acks.settle(sub, ackId, this.version)) this.ctx.resume([sub]);
  }

  private onBegin(headers: Record<string, string>): void {
    const tx = headers.transaction;
    if (tx === undefined) return this.frameError('BEGIN without a transaction id', headers.receipt);
    const refused = this.acks.begin(tx);
    if (refused !== undefined) return this.frameError(refused, headers.receipt);
    this.receipt(headers);
  }

  private onCommit(headers: Record<string, string>): void {
    const tx = headers.transaction;
    const ops = tx === undefined ? undefined : this.acks.take(tx);
    if (!ops) return this.frameError(`invalid transaction id: ${tx ?? 'none'}`, headers.receipt);
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
    if (tx === undefined || this.acks.take(tx) === undefined)
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
    this.output.push(errorFrame(message, receipt, this.version));
  }

  /**
   * A subscriber that holds more than its byte budget is cut off rather than slowing anyone:
   * its held frames are discarded at once (the publisher's path stays O(1)) and the ERROR and
   * close follow on the next turn, outside the fan-out loop that noticed it.
   */
  private cutOff(sub: Subscription): void {
    if (this.closing) return;
    this.closing = true;
    this.output.discard();
    this.ctx.onCutOff(sub);
    setImmediate(() => {
      this.closing = false;
      this.protocolError(
        `slow consumer: subscription to ${sub.requestedDestination} held more than ` +
          `${this.ctx.limits.maxSubscriberBytes} bytes unread; connection closed`,
      );
    });
  }

  /** A broken or forbidden frame: ERROR, then this connection is closed. Others go on. */
  protocolError(message: string, receipt?: string, extra: Record<string, string> = {}): void {
    if (this.closing || this.closed) return;
    this.ctx.onProtocolError(message);
    this.closing = true;
    this.socket.unpipe(this.incoming);
    this.output.push(errorFrame(message, receipt, this.version, extra));
    this.releaseAll();
    this.output.end();
    // A client that never reads must not keep the socket open: force it after a grace period.
    this.timers.after(ERROR_GRACE_MS, () => this.destroy());
  }

  private releaseAll(): void {
    for (const [key, sub] of [...this.subscriptions]) this.dropSubscription(key, sub);
    this.acks.clear();
  }

  /** Closes the connection at once (broker shutdown, socket gone). */
  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = true;
    this.timers.clear();
    this.releaseAll();
    this.output.close();
    this.socket.unpipe(this.incoming);
    this.socket.destroy();
    this.ctx.onClosed(this);
  }
}

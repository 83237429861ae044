import type { DestinationKind } from './destinations.js';
import type { MemoryBudget } from './memory-budget.js';
import type { Selector } from './selector.js';

/**
 * Routing and acknowledgement bookkeeping, independent of sockets (unit-tested on its own).
 * Topics fan out to every subscription; queues keep messages until a consumer with credit is
 * ready and hand them out round-robin; unacknowledged queue messages go back to the FRONT of
 * their queue, marked redelivered, when their subscription ends.
 */

export interface BrokerMessage {
  /** `message-id`; unique per broker run, free of characters that need escaping. */
  id: string;
  /** Canonical destination (`/topic/..` or `/queue/..`). */
  destination: string;
  kind: DestinationKind;
  /** Headers passed on to subscribers (everything the sender set except transport headers). */
  headers: Record<string, string>;
  body: Buffer;
  /** The sender gave `content-length`; the MESSAGE frames then carry it too (as ActiveMQ does). */
  contentLength: boolean;
  /** Encoded shared part of the MESSAGE frame per protocol version (filled by the writer). */
  encoded?: Buffer[];
}

export type AckMode = 'auto' | 'client' | 'client-individual';

/** The connection side of a subscription: where MESSAGE frames go. */
export interface SubscriptionSink {
  /** Can this sink take another queue message now (its socket is not backed up)? */
  ready(): boolean;
  /** The key the client will acknowledge this delivery with (1.2: `ack` header; 1.0/1.1: message-id). */
  ackIdFor(sub: Subscription, message: BrokerMessage): string;
  /** Write one MESSAGE frame (topic frames may be dropped later by the slow-subscriber policy). */
  send(
    sub: Subscription,
    message: BrokerMessage,
    redelivered: boolean,
    ackId: string | undefined,
  ): void;
}

export class Subscription {
  /** Delivered, not yet acknowledged (client and client-individual only), in delivery order. */
  readonly pending = new Map<string, { message: BrokerMessage; redelivered: boolean }>();
  /** Body bytes of `pending`. */
  pendingBytes = 0;
  /** Queue subscriptions: the budget their unacknowledged messages still count against. */
  memory?: MemoryBudget;
  closed = false;
  /** The connection's encoding of this subscription's fixed MESSAGE headers (a cache). */
  encodedPrefix?: Buffer;

  constructor(
    readonly sink: SubscriptionSink,
    /** The id the client gave (absent for STOMP 1.0 without `id`). */
    readonly id: string | undefined,
    /** The destination exactly as the client wrote it (echoed in MESSAGE frames). */
    readonly requestedDestination: string,
    readonly destination: string,
    readonly kind: DestinationKind,
    readonly ackMode: AckMode,
    readonly prefetch: number,
    /** Most body bytes delivered and not yet acknowledged (a second prefetch bound, in bytes). */
    readonly maxPendingBytes: number,
    /** Topic subscriptions: only messages whose headers it accepts are delivered. */
    readonly selector?: Selector,
  ) {}

  /** May one more queue message be handed to this subscription? */
  hasCredit(): boolean {
    return (
      this.ackMode === 'auto' ||
      (this.pending.size < this.prefetch && this.pendingBytes < this.maxPendingBytes)
    );
  }

  deliver(message: BrokerMessage, redelivered = false): void {
    let ackId: string | undefined;
    if (this.ackMode !== 'auto') {
      // Topic messages are never redelivered, so their ack bookkeeping is only there to accept
      // the client's ACK; a client that never acknowledges must not make it grow without end.
      if (this.kind === 'topic' && this.pending.size >= this.prefetch) {
        const oldest = this.pending.keys().next().value;
        if (oldest !== undefined) this.forgetPending(oldest);
      }
      ackId = this.sink.ackIdFor(this, message);
      this.pending.set(ackId, { message, redelivered });
      this.pendingBytes += message.body.length;
    }
    this.sink.send(this, message, redelivered, ackId);
  }

  /**
   * Acknowledge (or NACK) `ackId`. In `client` mode this is cumulative: every message delivered
   * before it on this subscription is acknowledged too. Returns how many messages were settled,
   * or undefined when the id is not pending here.
   */
  settle(ackId: string): number | undefined {
    if (!this.pending.has(ackId)) return undefined;
    if (this.ackMode === 'client-individual') {
      this.forgetPending(ackId);
      return 1;
    }
    let settled = 0;
    for (const key of this.pending.keys()) {
      this.forgetPending(key);
      settled++;
      if (key === ackId) break;
    }
    return settled;
  }

  /** Has this message id (1.0/1.1 acks name the message) been delivered and not settled? */
  hasPending(ackId: string): boolean {
    return this.pending.has(ackId);
  }

  /** Ends the subscription; returns the unacknowledged messages, oldest first. */
  release(): BrokerMessage[] {
    this.closed = true;
    const messages = [...this.pending.values()].map((p) => p.message);
    this.pending.clear();
    this.pendingBytes = 0;
    return messages;
  }

  private forgetPending(ackId: string): void {
    const entry = this.pending.get(ackId);
    if (!entry) return;
    this.pending.delete(ackId);
    this.pendingBytes -= entry.message.body.length;
    this.memory?.release(entry.message.body.length);
  }
}

interface QueueState {
  /** Messages waiting for a consumer (a simple array deque: `head` is the first live index). */
  items: { message: BrokerMessage; redelivered: boolean }[];
  head: number;
  /** Body bytes of the waiting messages. */
  bytes: number;
  consumers: Subscription[];
  /** Round-robin position. */
  next: number;
}

export type PublishResult = { ok: true } | { ok: false; reason: string };

export interface RouterStats {
  topics: { name: string; subscribers: number }[];
  queues: { name: string; depth: number; bytes: number; consumers: number }[];
}

export class StompRouter {
  private readonly topics = new Map<string, Set<Subscription>>();
  private readonly queues = new Map<string, QueueState>();

  constructor(
    private readonly bounds: { maxQueueDepth: number; maxQueueBytes: number },
    private readonly memory: MemoryBudget,
  ) {}

  subscribe(sub: Subscription): void {
    if (sub.kind === 'topic') {
      let subs = this.topics.get(sub.destination);
      if (!subs) this.topics.set(sub.destination, (subs = new Set()));
      subs.add(sub);
      return;
    }
    const queue = this.queue(sub.destination);
    if (sub.ackMode !== 'auto') sub.memory = this.memory;
    queue.consumers.push(sub);
    this.dispatch(sub.destination);
  }

  /** Removes the subscription; its unacknowledged queue messages return to the queue's front. */
  unsubscribe(sub: Subscription): void {
    const unacked = sub.release();
    if (sub.kind === 'topic') {
      const subs = this.topics.get(sub.destination);
      subs?.delete(sub);
      if (subs && subs.size === 0) this.topics.delete(sub.destination);
      return;
    }
    const queue = this.queues.get(sub.destination);
    if (!queue) return;
    const at = queue.consumers.indexOf(sub);
    if (at >= 0) {
      queue.consumers.splice(at, 1);
      if (queue.next > at) queue.next--;
    }
    if (unacked.length > 0) {
      // Back in the queue (even past its bounds: they were accepted once); the broker-wide
      // budget has counted them all along.
      queue.bytes += unacked.reduce((n, m) => n + m.body.length, 0);
      const live = queue.items.slice(queue.head);
      queue.items = [...unacked.map((message) => ({ message, redelivered: true })), ...live];
      queue.head = 0;
    }
    this.dispatch(sub.destination);
    this.forgetIfIdle(sub.destination, queue);
  }

  publish(message: BrokerMessage): PublishResult {
    if (message.kind === 'topic') {
      const subs = this.topics.get(message.destination);
      if (subs)
        for (const sub of subs)
          if (!sub.selector || sub.selector(message.headers)) sub.deliver(message);
      return { ok: true };
    }
    const queue = this.queue(message.destination);
    const { maxQueueDepth, maxQueueBytes } = this.bounds;
    const size = message.body.length;
    if (queue.items.length - queue.head >= maxQueueDepth) {
      return {
        ok: false,
        reason: `queue ${message.destination} is full (${maxQueueDepth} messages waiting for a consumer)`,
      };
    }
    if (queue.bytes + size > maxQueueBytes) {
      return {
        ok: false,
        reason: `queue ${message.destination} is full (${maxQueueBytes} bytes waiting for a consumer)`,
      };
    }
    if (!this.memory.take(size)) {
      this.forgetIfIdle(message.destination, queue);
      return { ok: false, reason: 'the broker holds as many message bytes as it may; try later' };
    }
    queue.bytes += size;
    queue.items.push({ message, redelivered: false });
    this.dispatch(message.destination);
    return { ok: true };
  }

  /** Hands waiting messages of one queue to ready consumers, round-robin. */
  dispatch(destination: string): void {
    const queue = this.queues.get(destination);
    if (!queue) return;
    const consumers = queue.consumers;
    while (queue.head < queue.items.length && consumers.length > 0) {
      let chosen: Subscription | undefined;
      for (let tries = 0; tries < consumers.length; tries++) {
        const candidate = consumers[queue.next % consumers.length]!;
        queue.next = (queue.next + 1) % consumers.length;
        if (candidate.hasCredit() && candidate.sink.ready()) {
          chosen = candidate;
          break;
        }
      }
      if (!chosen) break;
      const item = queue.items[queue.head]!;
      queue.items[queue.head] = undefined as unknown as (typeof queue.items)[number];
      queue.head++;
      queue.bytes -= item.message.body.length;
      // Unacknowledged messages stay counted until they are settled.
      if (chosen.ackMode === 'auto') this.memory.release(item.message.body.length);
      chosen.deliver(item.message, item.redelivered);
    }
    // Compact once the consumed prefix dominates, so the array does not grow for ever.
    if (queue.head > 1024 && queue.head * 2 > queue.items.length) {
      queue.items = queue.items.slice(queue.head);
      queue.head = 0;
    }
  }

  /** A sink drained its socket or a subscription got credit back: resume its queues. */
  resume(subs: Iterable<Subscription>): void {
    const seen = new Set<string>();
    for (const sub of subs) {
      if (sub.kind !== 'queue' || seen.has(sub.destination)) continue;
      seen.add(sub.destination);
      this.dispatch(sub.destination);
    }
  }

  depth(destination: string): number {
    const queue = this.queues.get(destination);
    return queue ? queue.items.length - queue.head : 0;
  }

  stats(): RouterStats {
    return {
      topics: [...this.topics].map(([name, subs]) => ({ name, subscribers: subs.size })),
      queues: [...this.queues].map(([name, q]) => ({
        name,
        depth: q.items.length - q.head,
        bytes: q.bytes,
        consumers: q.consumers.length,
      })),
    };
  }

  private queue(destination: string): QueueState {
    let queue = this.queues.get(destination);
    if (!queue) {
      queue = { items: [], head: 0, bytes: 0, consumers: [], next: 0 };
      this.queues.set(destination, queue);
    }
    return queue;
  }

  private forgetIfIdle(destination: string, queue: QueueState): void {
    if (queue.consumers.length === 0 && queue.head >= queue.items.length)
      this.queues.delete(destination);
  }
}

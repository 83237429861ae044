/**
 * Limits that protect the core (and every other client) from one misbehaving or slow client.
 * Policy, in short:
 * - a frame whose header line, header count or body exceeds its limit is a protocol error: the
 *   client gets an ERROR frame and that connection is closed;
 * - memory is bounded in bytes: a topic subscriber whose socket cannot keep up may have
 *   `maxSubscriberBytes` held for it; beyond that (or once the broker-wide `maxBrokerBytes` is
 *   spent while it is backed up) it is cut off: ERROR, close, counted. A queue keeps messages
 *   for absent or busy consumers up to `maxQueueDepth` messages and `maxQueueBytes`; a SEND
 *   beyond that, or beyond the broker-wide budget, is refused with an ERROR frame to the
 *   producer (connection kept, as ActiveMQ does for per-frame errors). A transaction holds at
 *   most `maxTransactionBytes`. Queue messages are never held in a slow consumer's socket buffer
 *   beyond its prefetch, so they stay available to the other consumers;
 * - connections that have not logged in have their own small pool (`maxUnauthenticated`; when
 *   it is full the oldest waiting one is closed) and `connectTimeoutMs` to send CONNECT, so
 *   sockets without credentials never take the slots of clients that log in;
 * - `reservedConnections` of the `maxConnections` logged-in slots are kept for the pair only
 *   supervised programs hold, so a client with the user-visible pair can never lock them out;
 * - a logged-in connection that negotiated heart-beats and goes silent for `heartbeatGrace`
 *   times the agreed interval is closed; one that promised none is closed after `idleTimeoutMs`
 *   without a frame.
 */
export interface BrokerLimits {
  /** Longest header line (command or one header), bytes. */
  maxHeaderLineBytes: number;
  /** Most headers in one frame. */
  maxHeaders: number;
  /** Largest body, bytes. */
  maxBodyBytes: number;
  /** Unacknowledged messages tracked per topic subscription; the most prefetch a client may ask. */
  maxPendingPerSubscriber: number;
  /** Bytes held for one subscription (unread topic frames, unacknowledged queue messages). */
  maxSubscriberBytes: number;
  /** Messages one queue keeps for absent or busy consumers before SENDs are refused. */
  maxQueueDepth: number;
  /** Bytes one queue keeps before SENDs are refused. */
  maxQueueBytes: number;
  /** Bytes of SEND bodies one open transaction may hold. */
  maxTransactionBytes: number;
  /** Message bytes the whole broker may hold. */
  maxBrokerBytes: number;
  /** Unacknowledged messages per client/client-individual queue subscription (ActiveMQ's prefetch). */
  defaultPrefetch: number;
  /** Milliseconds a new connection has to send CONNECT/STOMP. */
  connectTimeoutMs: number;
  /** Shortest heart-beat interval the broker agrees to send or expect, ms. */
  minHeartbeatMs: number;
  /** Longest heart-beat interval the broker agrees to, ms (a larger client promise is none). */
  maxHeartbeatMs: number;
  /** A silent connection is closed after this many agreed heart-beat intervals. */
  heartbeatGrace: number;
  /** A logged-in connection without heart-beats is closed after this long without a frame, ms. */
  idleTimeoutMs: number;
  /** Bytes written but not yet flushed to one socket above which queue dispatch to it pauses. */
  socketHighWaterBytes: number;
  /** Most simultaneous logged-in client connections. */
  maxConnections: number;
  /** Logged-in slots only the supervised pair may take (part of `maxConnections`). */
  reservedConnections: number;
  /** Most simultaneous connections that have not logged in yet. */
  maxUnauthenticated: number;
}

const MB = 1024 * 1024;

export const DEFAULT_LIMITS: BrokerLimits = {
  maxHeaderLineBytes: 10 * 1024,
  maxHeaders: 128,
  maxBodyBytes: 8 * MB,
  maxPendingPerSubscriber: 10_000,
  maxSubscriberBytes: 16 * MB,
  maxQueueDepth: 200_000,
  maxQueueBytes: 64 * MB,
  maxTransactionBytes: 32 * MB,
  maxBrokerBytes: 256 * MB,
  defaultPrefetch: 1000,
  connectTimeoutMs: 5_000,
  minHeartbeatMs: 1000,
  maxHeartbeatMs: 10 * 60_000,
  heartbeatGrace: 2,
  idleTimeoutMs: 10 * 60_000,
  socketHighWaterBytes: 512 * 1024,
  maxConnections: 1000,
  reservedConnections: 64,
  maxUnauthenticated: 128,
};

export function resolveLimits(partial: Partial<BrokerLimits> = {}): BrokerLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(partial) as [
    keyof BrokerLimits,
    number | undefined,
  ][]) {
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value <= 0)
      throw new RangeError(`broker limit ${key} must be a positive number, got ${value}`);
    limits[key] = value;
  }
  if (limits.reservedConnections >= limits.maxConnections)
    throw new RangeError(
      `broker limit reservedConnections (${limits.reservedConnections}) must be below maxConnections (${limits.maxConnections})`,
    );
  return limits;
}

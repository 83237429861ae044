/**
 * Limits that protect the core (and every other client) from one misbehaving or slow client.
 * Policy, in short:
 * - a frame whose header line, header count or body exceeds its limit is a protocol error: the
 *   client gets an ERROR frame and that connection is closed;
 * - a topic subscriber whose socket cannot keep up has at most `maxPendingPerSubscriber` MESSAGE
 *   frames held for it; beyond that its OLDEST held message is dropped and counted (topics are
 *   broadcasts: a slow reader must not make the broker grow without bound or slow the others);
 * - a queue keeps its messages until a consumer takes them, up to `maxQueueDepth`; a SEND beyond
 *   that is refused with an ERROR frame to the producer (connection kept, as ActiveMQ does for
 *   per-frame errors) and counted; queue messages are never held in a slow consumer's socket
 *   buffer beyond its prefetch, so they stay available to the other consumers;
 * - a connection that negotiated heart-beats and goes silent for `heartbeatGrace` times the
 *   agreed interval is closed; a connection that sends no CONNECT within `connectTimeoutMs` is closed.
 */
export interface BrokerLimits {
  /** Longest header line (command or one header), bytes. */
  maxHeaderLineBytes: number;
  /** Most headers in one frame. */
  maxHeaders: number;
  /** Largest body, bytes. */
  maxBodyBytes: number;
  /** MESSAGE frames held for one slow topic subscriber before the oldest are dropped. */
  maxPendingPerSubscriber: number;
  /** Messages one queue keeps for absent or busy consumers before SENDs are refused. */
  maxQueueDepth: number;
  /** Unacknowledged messages per client/client-individual queue subscription (ActiveMQ's prefetch). */
  defaultPrefetch: number;
  /** Milliseconds a new connection has to send CONNECT/STOMP. */
  connectTimeoutMs: number;
  /** Shortest heart-beat interval the broker agrees to send or expect, ms. */
  minHeartbeatMs: number;
  /** A silent connection is closed after this many agreed heart-beat intervals. */
  heartbeatGrace: number;
  /** Bytes written but not yet flushed to one socket above which queue dispatch to it pauses. */
  socketHighWaterBytes: number;
  /** Most simultaneous client connections. */
  maxConnections: number;
}

export const DEFAULT_LIMITS: BrokerLimits = {
  maxHeaderLineBytes: 10 * 1024,
  maxHeaders: 128,
  maxBodyBytes: 8 * 1024 * 1024,
  maxPendingPerSubscriber: 10_000,
  maxQueueDepth: 200_000,
  defaultPrefetch: 1000,
  connectTimeoutMs: 10_000,
  minHeartbeatMs: 1000,
  heartbeatGrace: 2,
  socketHighWaterBytes: 512 * 1024,
  maxConnections: 1000,
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
  return limits;
}

import type { HeartbeatAgreement } from './connect-handshake.js';

export interface TimerPolicy {
  /** A silent client is closed after this many agreed heart-beat intervals. */
  heartbeatGrace: number;
  /** A client that promised no heart-beats is closed after this much silence, ms. */
  idleTimeoutMs: number;
}

/**
 * The clocks of one connection: the CONNECT deadline, then either the negotiated heart-beats
 * (send ours, expect theirs) or, when the client promised none, the idle limit. Every delay is
 * already bounded by the handshake, so no timer here can overflow into a busy loop.
 */
export class ConnectionTimers {
  private readonly timers: NodeJS.Timeout[] = [];
  lastReadAt = Date.now();

  constructor(private readonly expire: (reason: string) => void) {}

  sawInput(): void {
    this.lastReadAt = Date.now();
  }

  connectDeadline(ms: number, connected: () => boolean): void {
    this.add(
      setTimeout(() => {
        if (!connected()) this.expire(`no CONNECT frame within ${ms} ms`);
      }, ms),
    );
  }

  start(
    agreement: HeartbeatAgreement,
    policy: TimerPolicy,
    sendBeat: () => void,
    lastWriteAt: () => number,
  ): void {
    const { sendEvery, expectEvery } = agreement;
    if (sendEvery > 0) {
      this.add(
        setInterval(
          () => {
            if (Date.now() - lastWriteAt() >= sendEvery * 0.9) sendBeat();
          },
          Math.max(1, Math.floor(sendEvery / 2)),
        ),
      );
    }
    const silence = expectEvery > 0 ? expectEvery * policy.heartbeatGrace : policy.idleTimeoutMs;
    const what =
      expectEvery > 0
        ? 'no heart-beat or frame from the client'
        : 'no frame from the client (idle limit)';
    this.add(
      setInterval(
        () => {
          if (Date.now() - this.lastReadAt > silence) this.expire(`${what} for ${silence} ms`);
        },
        Math.max(1, Math.floor(Math.min(silence, expectEvery || silence) / 2)),
      ),
    );
  }

  /** A last-resort close, for a client that never reads its ERROR frame. */
  after(ms: number, action: () => void): void {
    this.add(setTimeout(action, ms));
  }

  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.length = 0;
  }

  private add(timer: NodeJS.Timeout): void {
    timer.unref();
    this.timers.push(timer);
  }
}

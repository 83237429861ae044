import type { BaseAgent } from '../base-agent.js';

/**
 * Peers remembered at most. Anyone on the broker can heartbeat under any name, and every restart
 * of an agent brings a new one; past this many, the peer heard from least recently is forgotten.
 */
export const MAX_PEERS = 256;

/**
 * Waiting for the fleet after a broker outage. Topic subscriptions are not durable: whatever is
 * published while a consumer is still reconnecting is lost to it. After its own reconnect the
 * simulator therefore holds publishing until every peer it heard from before the outage has sent
 * a heartbeat on the new connection (agents resubscribe *before* that heartbeat, and the broker
 * keeps one connection's frames in order), or until `waitMs` passes. Peers already back answer
 * the `resync` heartbeat the simulator sends on reconnect.
 */
export class ResumeGate {
  private readonly peers = new Map<string, number>();
  private gate: Promise<void> | undefined;
  private awaiting = new Set<string>();
  private openGate: (() => void) | undefined;

  constructor(
    private readonly agent: BaseAgent,
    private readonly waitMs: number,
  ) {}

  /** Peers heard from since then count as part of the fleet when the broker comes back. */
  private recentSince(now: number): number {
    return now - 3 * this.agent.settings.heartbeatIntervalMs - 10_000;
  }

  /** Peers remembered (heard from recently, not exited). */
  get peerCount(): number {
    return this.peers.size;
  }

  /** A peer's STOMP heartbeat: remember it, and open the gate once every awaited peer is back. */
  peerHeartbeat(data: Record<string, unknown>): void {
    const name = data.instance_name;
    if (typeof name !== 'string') return;
    const now = Date.now();
    // Re-inserted on every heartbeat, so the map runs from least to most recently heard.
    this.peers.delete(name);
    if (data.operational_state !== 'EXITED' && data.status !== 'EXITED') this.peers.set(name, now);
    const recent = this.recentSince(now);
    for (const [peer, at] of this.peers) {
      if (at >= recent && this.peers.size <= MAX_PEERS) break;
      this.peers.delete(peer);
    }
    if (data.mq_connected === true && this.awaiting.delete(name) && this.awaiting.size === 0)
      this.openGate?.();
  }

  /** The broker is back: while a run is going, close the gate until the recent peers are back. */
  brokerUp(running: boolean): void {
    const recent = this.recentSince(Date.now());
    this.awaiting = new Set([...this.peers].filter(([, at]) => at >= recent).map(([n]) => n));
    if (!running || this.awaiting.size === 0) return;
    const names = [...this.awaiting].join(', ');
    this.gate = new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.agent.log.warning(
          `resuming without ${[...this.awaiting].join(', ')}: not back ${this.waitMs / 1000} s after the broker returned`,
          this.agent.extra(),
        );
        done();
      }, this.waitMs);
      const done = () => {
        clearTimeout(t);
        this.openGate = undefined;
        this.gate = undefined;
        resolve();
      };
      this.openGate = done;
    });
    this.agent.log.info(
      `broker back: holding the run until ${names} resubscribed`,
      this.agent.extra(),
    );
    // Peers that reconnected before us answer this; the others heartbeat when they reconnect.
    void this.agent.heartbeat({ resync: true });
  }

  /** Holds a publish while the gate is closed, at most until `deadline`. */
  async wait(deadline: number): Promise<void> {
    if (!this.gate) return;
    await Promise.race([
      this.gate,
      new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now()))),
    ]);
  }
}

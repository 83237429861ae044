/**
 * The broker-wide count of message bytes it holds (queued in queues, waiting in connection
 * outputs, inside open transactions), against one ceiling. Queues and transactions ask first
 * (`take`) and refuse the SEND when there is no room; connection outputs always count what they
 * hold (`add`) and cut off a backed-up subscriber once the budget is spent.
 */
export class MemoryBudget {
  private used = 0;

  constructor(readonly maxBytes: number) {}

  get usedBytes(): number {
    return this.used;
  }

  exhausted(): boolean {
    return this.used >= this.maxBytes;
  }

  /** Takes `bytes` if they fit; false (and nothing taken) otherwise. */
  take(bytes: number): boolean {
    if (this.used + bytes > this.maxBytes) return false;
    this.used += bytes;
    return true;
  }

  add(bytes: number): void {
    this.used += bytes;
  }

  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}

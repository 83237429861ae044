/**
 * At most `size` confirmed publishes in flight. `push` waits only when the window is full; the
 * first failure is re-thrown by the next `push` or `drain`, so a publisher stops at the first
 * message it could not deliver instead of racing on.
 */
export class PublishWindow {
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;

  constructor(private readonly size: number) {}

  reset(): void {
    this.inFlight.clear();
    this.failure = undefined;
  }

  private check(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  async push(send: () => Promise<void>): Promise<void> {
    this.check();
    while (this.inFlight.size >= this.size) {
      await Promise.race(this.inFlight);
      this.check();
    }
    const p: Promise<void> = send()
      .catch((err: unknown) => {
        this.failure ??= err;
      })
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
    this.check();
  }
}

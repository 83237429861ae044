/** Taken slots tolerated at the front before the storage is compacted. */
const COMPACT_AFTER = 1024;

/**
 * A first-in first-out queue whose `shift` is O(1) (amortised): it advances a head index instead
 * of moving every element, as `Array.prototype.shift` does, which would make draining a backlog of
 * thousands quadratic. Taken slots are cleared at once (their items can be collected) and the
 * storage is compacted once at least half of it is taken.
 */
export class FifoQueue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** The oldest item, removed; undefined when empty. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.items.length) {
      // Copies at most as many items as were taken since the last compaction: O(1) per shift.
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

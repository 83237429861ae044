import type { Socket } from 'node:net';
import type { Subscription } from './router.js';

/** Most bytes concatenated into one socket write. */
const MAX_WRITE_BYTES = 1024 * 1024;

/**
 * One connection's outgoing frames. Frames are queued and written once per event-loop turn as
 * one concatenated buffer (far fewer syscalls than a write per frame). While the socket is
 * backed up, frames stay here; topic frames are droppable: a subscriber holding more than
 * `maxHeldPerSubscriber` loses its oldest one (counted), so a slow reader cannot grow the broker.
 */
export class ConnectionOutput {
  private heads: (Buffer | undefined)[] = [];
  private tails: (Buffer | undefined)[] = [];
  private owners: (Subscription | undefined)[] = [];
  private first = 0;
  private bytes = 0;
  private scheduled = false;
  private closed = false;
  /** Held topic frames per subscription. */
  private readonly held = new Map<Subscription, number>();
  lastWriteAt = Date.now();

  constructor(
    private readonly socket: Socket,
    private readonly maxHeldPerSubscriber: number,
    private readonly highWaterBytes: number,
    private readonly onDrop: (sub: Subscription) => void,
    /** Called when the output has room again (queue dispatch resumes). */
    private readonly onWritable: () => void,
  ) {
    socket.on('drain', () => this.flush());
  }

  /** Room for more queue messages (queue messages wait in their queue, not here). */
  ready(): boolean {
    return !this.closed && !this.socket.writableNeedDrain && this.bytes < this.highWaterBytes;
  }

  get queuedBytes(): number {
    return this.bytes;
  }

  /** Queue a frame (`tail`: a shared, pre-encoded part); `droppableFor`: a topic subscription. */
  push(head: Buffer, tail?: Buffer, droppableFor?: Subscription): void {
    if (this.closed) return;
    if (droppableFor) {
      const count = this.held.get(droppableFor) ?? 0;
      if (count >= this.maxHeldPerSubscriber) this.dropOldest(droppableFor);
      this.held.set(droppableFor, (this.held.get(droppableFor) ?? 0) + 1);
    }
    this.heads.push(head);
    this.tails.push(tail);
    this.owners.push(droppableFor);
    this.bytes += head.length + (tail ? tail.length : 0);
    this.schedule();
  }

  /** Write everything queued now, then stop accepting frames (ERROR, DISCONNECT). */
  end(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.socket.end();
  }

  close(): void {
    this.closed = true;
    this.heads = [];
    this.tails = [];
    this.owners = [];
    this.first = 0;
    this.bytes = 0;
    this.held.clear();
  }

  forget(sub: Subscription): void {
    this.held.delete(sub);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  flush(): void {
    const socket = this.socket;
    const wasFull = this.bytes >= this.highWaterBytes;
    while (this.first < this.heads.length && !socket.writableNeedDrain && !socket.destroyed) {
      const parts: Buffer[] = [];
      let total = 0;
      while (this.first < this.heads.length && total < MAX_WRITE_BYTES) {
        const i = this.first++;
        const head = this.heads[i];
        if (head === undefined) continue; // dropped
        const tail = this.tails[i];
        const owner = this.owners[i];
        parts.push(head);
        total += head.length;
        if (tail) {
          parts.push(tail);
          total += tail.length;
        }
        if (owner) {
          const n = (this.held.get(owner) ?? 1) - 1;
          if (n > 0) this.held.set(owner, n);
          else this.held.delete(owner);
        }
      }
      if (total === 0) break;
      this.bytes -= total;
      socket.write(parts.length === 1 ? parts[0]! : Buffer.concat(parts, total));
      this.lastWriteAt = Date.now();
    }
    if (this.first >= this.heads.length) {
      this.heads.length = 0;
      this.tails.length = 0;
      this.owners.length = 0;
      this.first = 0;
    } else if (this.first > 4096 && this.first * 2 > this.heads.length) {
      this.heads = this.heads.slice(this.first);
      this.tails = this.tails.slice(this.first);
      this.owners = this.owners.slice(this.first);
      this.first = 0;
    }
    if ((wasFull || !socket.writableNeedDrain) && this.ready()) this.onWritable();
  }

  private dropOldest(sub: Subscription): void {
    for (let i = this.first; i < this.heads.length; i++) {
      if (this.owners[i] !== sub || this.heads[i] === undefined) continue;
      this.bytes -= this.heads[i]!.length + (this.tails[i]?.length ?? 0);
      this.heads[i] = undefined;
      this.tails[i] = undefined;
      this.owners[i] = undefined;
      this.held.set(sub, (this.held.get(sub) ?? 1) - 1);
      this.onDrop(sub);
      return;
    }
  }
}

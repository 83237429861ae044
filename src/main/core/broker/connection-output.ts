import type { Socket } from 'node:net';
import type { MemoryBudget } from './memory-budget.js';
import type { Subscription } from './router.js';

/** Most bytes concatenated into one socket write. */
const MAX_WRITE_BYTES = 1024 * 1024;

export interface OutputOptions {
  /** Topic bytes held for one subscription before it is over budget. */
  maxBytesPerSubscriber: number;
  /** Bytes queued here above which queue dispatch to this connection pauses. */
  highWaterBytes: number;
  /** The broker-wide budget this output's bytes count against. */
  memory: MemoryBudget;
  /** A topic subscription exceeded its budget (or the broker-wide one ran out while it held). */
  onOverBudget(sub: Subscription): void;
  /** The output has room again (queue dispatch resumes). */
  onWritable(): void;
}

/**
 * One connection's outgoing frames. Frames are queued and written once per event-loop turn as
 * one concatenated buffer (far fewer syscalls than a write per frame). While the socket is
 * backed up, frames stay here, counted in bytes per topic subscription and against the
 * broker-wide budget; a subscription over its budget is reported (and cut off by the
 * connection), so a reader that stops reading costs the publisher nothing more than a push.
 */
export class ConnectionOutput {
  private heads: Buffer[] = [];
  private tails: (Buffer | undefined)[] = [];
  private owners: (Subscription | undefined)[] = [];
  private first = 0;
  private bytes = 0;
  /** The part of `bytes` that is message frames (what the broker-wide budget counts). */
  private messageBytes = 0;
  private scheduled = false;
  private closed = false;
  /** end() was called while frames still waited for the socket to drain. */
  private endWhenFlushed = false;
  /** Held topic bytes per subscription. */
  private readonly held = new Map<Subscription, number>();
  lastWriteAt = Date.now();

  constructor(
    private readonly socket: Socket,
    private readonly opts: OutputOptions,
  ) {
    socket.on('drain', () => this.flush());
  }

  /** Room for more queue messages (queue messages wait in their queue, not here). */
  ready(): boolean {
    return !this.closed && !this.socket.writableNeedDrain && this.bytes < this.opts.highWaterBytes;
  }

  /** More is queued than the socket should hold: stop reading the client's frames for now. */
  backedUp(): boolean {
    return this.bytes >= this.opts.highWaterBytes;
  }

  /** Queue a frame (`tail`: a shared, pre-encoded part); `topicSub`: the topic subscription. */
  push(head: Buffer, tail?: Buffer, topicSub?: Subscription): void {
    if (this.closed) return;
    const size = head.length + (tail ? tail.length : 0);
    if (topicSub) {
      const held = (this.held.get(topicSub) ?? 0) + size;
      const backedUp = held > this.opts.highWaterBytes;
      if (held > this.opts.maxBytesPerSubscriber || (backedUp && this.opts.memory.exhausted())) {
        this.opts.onOverBudget(topicSub);
        return;
      }
      this.held.set(topicSub, held);
    }
    if (tail) {
      this.opts.memory.add(size);
      this.messageBytes += size;
    }
    this.heads.push(head);
    this.tails.push(tail);
    this.owners.push(topicSub);
    this.bytes += size;
    this.schedule();
  }

  /** Write everything queued now, then stop accepting frames (ERROR, DISCONNECT). */
  end(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.first >= this.heads.length) this.socket.end();
    else this.endWhenFlushed = true;
  }

  /** Drops every queued frame (a cut-off consumer); frames pushed later are still written. */
  discard(): void {
    this.opts.memory.release(this.messageBytes);
    this.messageBytes = 0;
    this.heads = [];
    this.tails = [];
    this.owners = [];
    this.first = 0;
    this.bytes = 0;
    this.held.clear();
  }

  close(): void {
    this.discard();
    this.closed = true;
    this.endWhenFlushed = false;
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
    const wasFull = this.bytes >= this.opts.highWaterBytes;
    while (this.first < this.heads.length && !socket.writableNeedDrain && !socket.destroyed) {
      const parts: Buffer[] = [];
      let total = 0;
      let messages = 0;
      while (this.first < this.heads.length && total < MAX_WRITE_BYTES) {
        const i = this.first++;
        const head = this.heads[i]!;
        const tail = this.tails[i];
        const owner = this.owners[i];
        parts.push(head);
        let size = head.length;
        if (tail) {
          parts.push(tail);
          size += tail.length;
          messages += size;
        }
        total += size;
        if (owner) {
          const n = (this.held.get(owner) ?? size) - size;
          if (n > 0) this.held.set(owner, n);
          else this.held.delete(owner);
        }
      }
      if (total === 0) break;
      this.bytes -= total;
      this.messageBytes -= messages;
      this.opts.memory.release(messages);
      socket.write(parts.length === 1 ? parts[0]! : Buffer.concat(parts, total));
      this.lastWriteAt = Date.now();
    }
    if (this.first >= this.heads.length) {
      if (this.endWhenFlushed) {
        this.endWhenFlushed = false;
        socket.end();
      }
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
    if ((wasFull || !socket.writableNeedDrain) && this.ready()) this.opts.onWritable();
  }
}

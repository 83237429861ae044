import type { StompVersion } from './frame-encoding.js';
import type { MemoryBudget } from './memory-budget.js';
import type { BrokerMessage, Subscription } from './router.js';

export type TxOp =
  | { kind: 'send'; message: BrokerMessage }
  | { kind: 'ack'; sub: Subscription; ackId: string; nack: boolean };

interface Transaction {
  ops: TxOp[];
  bytes: number;
}

/**
 * One connection's acknowledgement and transaction bookkeeping: which subscription a 1.2 ack id
 * belongs to, and the frames held in open transactions. A transaction's SEND bodies count
 * against a per-transaction byte budget and the broker-wide one, so BEGIN followed
 * by an endless stream of SENDs cannot grow the broker.
 */
export class ClientAcks {
  /** 1.2 ack ids -> subscription. */
  private readonly ackIndex = new Map<string, Subscription>();
  private readonly transactions = new Map<string, Transaction>();
  private ackCounter = 0;

  constructor(
    private readonly connectionId: number,
    private readonly maxTransactionBytes: number,
    private readonly memory: MemoryBudget,
  ) {}

  ackIdFor(sub: Subscription, message: BrokerMessage, version: StompVersion): string {
    if (version !== '1.2') return message.id;
    const ackId = `${this.connectionId}-${++this.ackCounter}`;
    this.ackIndex.set(ackId, sub);
    return ackId;
  }

  findPending(
    ackId: string,
    subscriptionId: string | undefined,
    subscriptions: Map<string, Subscription>,
  ): Subscription | undefined {
    const indexed = this.ackIndex.get(ackId);
    if (indexed && indexed.hasPending(ackId)) return indexed;
    if (subscriptionId !== undefined) {
      const sub = subscriptions.get(subscriptionId);
      return sub?.hasPending(ackId) ? sub : undefined;
    }
    for (const sub of subscriptions.values()) if (sub.hasPending(ackId)) return sub;
    return undefined;
  }

  /**
   * ACK and NACK both settle: as in ActiveMQ 5 with non-persistent messages, a NACKed message
   * is discarded (it would go to a dead-letter queue only if persistent), never redelivered.
   * Returns whether the subscription got credit back.
   */
  settle(sub: Subscription, ackId: string, version: StompVersion): boolean {
    if (sub.closed) return false;
    if (version === '1.2') {
      // Cumulative acks settle earlier ids too; drop them from the index as well.
      if (sub.ackMode === 'client') {
        for (const key of sub.pending.keys()) {
          this.ackIndex.delete(key);
          if (key === ackId) break;
        }
      } else this.ackIndex.delete(ackId);
    }
    sub.settle(ackId);
    return sub.kind === 'queue';
  }

  forget(sub: Subscription): void {
    for (const ackId of sub.pending.keys()) this.ackIndex.delete(ackId);
  }

  begin(tx: string): string | undefined {
    if (this.transactions.has(tx)) return `transaction ${tx} is already started`;
    this.transactions.set(tx, { ops: [], bytes: 0 });
    return undefined;
  }

  has(tx: string): boolean {
    return this.transactions.has(tx);
  }

  /** Adds a frame to an open transaction; an error text refuses it. */
  add(tx: string, op: TxOp): string | undefined {
    const t = this.transactions.get(tx);
    if (!t) return `invalid transaction id: ${tx}`;
    if (op.kind === 'send') {
      const size = op.message.body.length;
      if (t.bytes + size > this.maxTransactionBytes)
        return `transaction ${tx} would exceed its ${this.maxTransactionBytes} byte limit`;
      if (!this.memory.take(size)) return 'the broker is out of memory for transactions';
      t.bytes += size;
    }
    t.ops.push(op);
    return undefined;
  }

  /** Ends a transaction and hands back its frames (undefined: no such transaction). */
  take(tx: string): TxOp[] | undefined {
    const t = this.transactions.get(tx);
    if (!t) return undefined;
    this.transactions.delete(tx);
    this.memory.release(t.bytes);
    return t.ops;
  }

  clear(): void {
    for (const t of this.transactions.values()) this.memory.release(t.bytes);
    this.transactions.clear();
  }
}

import { describe, expect, it } from 'vitest';
import {
  type BrokerMessage,
  StompRouter,
  Subscription,
  type SubscriptionSink,
} from '../../../../../src/main/core/broker/router.js';
import { MemoryBudget } from '../../../../../src/main/core/broker/memory-budget.js';

const newRouter = (
  maxQueueDepth: number,
  maxQueueBytes = 1 << 30,
  memory = new MemoryBudget(1 << 30),
) => new StompRouter({ maxQueueDepth, maxQueueBytes }, memory);

/** A sink that records what it was sent; `isReady` stands for the socket having room. */
class RecordingSink implements SubscriptionSink {
  sent: { sub: string | undefined; body: string; redelivered: boolean; ackId?: string }[] = [];
  isReady = true;
  private n = 0;
  ready() {
    return this.isReady;
  }
  ackIdFor() {
    return `a${++this.n}`;
  }
  send(sub: Subscription, message: BrokerMessage, redelivered: boolean, ackId: string | undefined) {
    this.sent.push({ sub: sub.id, body: message.body.toString(), redelivered, ackId });
  }
}

let counter = 0;
const msg = (destination: string, body: string): BrokerMessage => ({
  id: `m${++counter}`,
  destination,
  kind: destination.startsWith('/queue/') ? 'queue' : 'topic',
  headers: {},
  body: Buffer.from(body),
  contentLength: false,
});

const sub = (
  sink: RecordingSink,
  id: string,
  destination: string,
  ackMode: 'auto' | 'client' | 'client-individual' = 'auto',
  prefetch = 1000,
) =>
  new Subscription(
    sink,
    id,
    destination,
    destination,
    destination.startsWith('/queue/') ? 'queue' : 'topic',
    ackMode,
    prefetch,
    1 << 30,
  );

describe('StompRouter: topics', () => {
  it('fans a message out to every subscription of the topic and no other', () => {
    const router = newRouter(10);
    const a = new RecordingSink();
    const b = new RecordingSink();
    router.subscribe(sub(a, '1', '/topic/t'));
    router.subscribe(sub(b, '2', '/topic/t'));
    router.subscribe(sub(b, '3', '/topic/other'));
    router.publish(msg('/topic/t', 'x'));
    expect(a.sent.map((s) => [s.sub, s.body])).toEqual([['1', 'x']]);
    expect(b.sent.map((s) => [s.sub, s.body])).toEqual([['2', 'x']]);
  });

  it('drops a topic message nobody subscribes to, and forgets empty topics', () => {
    const router = newRouter(10);
    expect(router.publish(msg('/topic/none', 'x'))).toEqual({ ok: true });
    const a = new RecordingSink();
    const s = sub(a, '1', '/topic/t');
    router.subscribe(s);
    router.unsubscribe(s);
    expect(router.stats().topics).toEqual([]);
  });

  it('bounds the ack bookkeeping of a client-ack topic subscriber that never acks', () => {
    const router = newRouter(10);
    const a = new RecordingSink();
    const s = sub(a, '1', '/topic/t', 'client', 3);
    router.subscribe(s);
    for (let i = 0; i < 10; i++) router.publish(msg('/topic/t', `m${i}`));
    expect(a.sent).toHaveLength(10);
    expect(s.pending.size).toBe(3);
  });
});

describe('StompRouter: queues', () => {
  it('keeps messages until a consumer subscribes, then delivers them in order', () => {
    const router = newRouter(10);
    router.publish(msg('/queue/q', '1'));
    router.publish(msg('/queue/q', '2'));
    expect(router.depth('/queue/q')).toBe(2);
    const a = new RecordingSink();
    router.subscribe(sub(a, '1', '/queue/q'));
    expect(a.sent.map((s) => s.body)).toEqual(['1', '2']);
    expect(router.depth('/queue/q')).toBe(0);
  });

  it('hands messages to consumers round-robin', () => {
    const router = newRouter(100);
    const a = new RecordingSink();
    const b = new RecordingSink();
    router.subscribe(sub(a, '1', '/queue/q'));
    router.subscribe(sub(b, '2', '/queue/q'));
    for (let i = 0; i < 6; i++) router.publish(msg('/queue/q', String(i)));
    expect(a.sent.map((s) => s.body)).toEqual(['0', '2', '4']);
    expect(b.sent.map((s) => s.body)).toEqual(['1', '3', '5']);
  });

  it('skips consumers whose socket is backed up and resumes when they drain', () => {
    const router = newRouter(100);
    const a = new RecordingSink();
    const s = sub(a, '1', '/queue/q');
    router.subscribe(s);
    a.isReady = false;
    router.publish(msg('/queue/q', 'x'));
    expect(a.sent).toHaveLength(0);
    expect(router.depth('/queue/q')).toBe(1);
    a.isReady = true;
    router.resume([s]);
    expect(a.sent.map((m) => m.body)).toEqual(['x']);
  });

  it('refuses a SEND beyond maxQueueDepth with a reason', () => {
    const router = newRouter(2);
    expect(router.publish(msg('/queue/q', '1')).ok).toBe(true);
    expect(router.publish(msg('/queue/q', '2')).ok).toBe(true);
    const refused = router.publish(msg('/queue/q', '3'));
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.reason).toMatch(/full/);
    expect(router.depth('/queue/q')).toBe(2);
  });

  it('limits unacknowledged messages per client-ack consumer to its prefetch', () => {
    const router = newRouter(100);
    const a = new RecordingSink();
    const s = sub(a, '1', '/queue/q', 'client-individual', 2);
    router.subscribe(s);
    for (let i = 0; i < 5; i++) router.publish(msg('/queue/q', String(i)));
    expect(a.sent.map((m) => m.body)).toEqual(['0', '1']);
    expect(s.settle(a.sent[0]!.ackId!)).toBe(1);
    router.resume([s]);
    expect(a.sent.map((m) => m.body)).toEqual(['0', '1', '2']);
  });

  it('returns unacknowledged messages to the front of the queue, marked redelivered', () => {
    const router = newRouter(100);
    const a = new RecordingSink();
    const s = sub(a, '1', '/queue/q', 'client-individual', 2);
    router.subscribe(s);
    for (let i = 0; i < 4; i++) router.publish(msg('/queue/q', String(i)));
    s.settle(a.sent[1]!.ackId!); // '1' acknowledged; '0' not
    router.resume([s]); // '2' delivered (credit back)
    router.unsubscribe(s);
    const b = new RecordingSink();
    router.subscribe(sub(b, '2', '/queue/q'));
    expect(b.sent.map((m) => [m.body, m.redelivered])).toEqual([
      ['0', true],
      ['2', true],
      ['3', false],
    ]);
  });
});

describe('Subscription acknowledgements', () => {
  it('settles cumulatively in client mode', () => {
    const a = new RecordingSink();
    const s = sub(a, '1', '/queue/q', 'client');
    for (const b of ['x', 'y', 'z']) s.deliver(msg('/queue/q', b));
    expect(s.settle(a.sent[1]!.ackId!)).toBe(2);
    expect([...s.pending.keys()]).toEqual([a.sent[2]!.ackId]);
  });

  it('settles one message in client-individual mode', () => {
    const a = new RecordingSink();
    const s = sub(a, '1', '/queue/q', 'client-individual');
    for (const b of ['x', 'y', 'z']) s.deliver(msg('/queue/q', b));
    expect(s.settle(a.sent[1]!.ackId!)).toBe(1);
    expect(s.pending.size).toBe(2);
  });

  it('rejects an unknown ack id and keeps nothing pending in auto mode', () => {
    const a = new RecordingSink();
    const s = sub(a, '1', '/queue/q', 'auto');
    s.deliver(msg('/queue/q', 'x'));
    expect(a.sent[0]!.ackId).toBeUndefined();
    expect(s.pending.size).toBe(0);
    expect(s.settle('nope')).toBeUndefined();
  });
});

describe('Router: bytes', () => {
  it('counts a queue message against the broker budget until it is acknowledged', () => {
    const memory = new MemoryBudget(10);
    const router = newRouter(100, 8, memory);
    expect(router.publish(msg('/queue/q', '12345')).ok).toBe(true);
    expect(router.publish(msg('/queue/q', '6789')).ok).toBe(false); // 9 > 8 bytes per queue
    expect(router.publish(msg('/queue/r', '123456')).ok).toBe(false); // 11 > 10 in all
    const sink = new RecordingSink();
    const s = sub(sink, '1', '/queue/q', 'client-individual');
    router.subscribe(s);
    expect(sink.sent).toHaveLength(1);
    expect(memory.usedBytes).toBe(5);
    router.unsubscribe(s); // back in the queue, still counted once
    expect(memory.usedBytes).toBe(5);
    const t = sub(sink, '2', '/queue/q', 'client-individual');
    router.subscribe(t);
    t.settle(sink.sent[1]!.ackId!);
    expect(memory.usedBytes).toBe(0);
    expect(router.publish(msg('/queue/r', '123456')).ok).toBe(true);
  });
});

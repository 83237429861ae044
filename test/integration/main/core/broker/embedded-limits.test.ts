import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type EmbeddedBroker,
  type EmbeddedBrokerOptions,
  startEmbeddedBroker,
} from '../../../../../src/main/core/broker/embedded-broker.js';
import type { DeliveredMessage } from '../../../../../src/main/core/broker/delivered-message.js';
import { PortInUseError } from '../../../../../src/main/core/http/server.js';
import { rawConnect, rawConnected } from '../../../../helpers/raw-stomp.js';
import {
  connectClient,
  type StompTestClient,
  uniqueName,
} from '../../../../helpers/stomp-clients.js';
import { waitFor } from '../../../../helpers/wait-for.js';

/** The embedded broker's own guarantees: limits, the observer hook, binding and shutdown. */

const started: EmbeddedBroker[] = [];
const clients: StompTestClient[] = [];

async function broker(opts: Partial<EmbeddedBrokerOptions> = {}) {
  const b = await startEmbeddedBroker({ port: 0, login: 'admin', passcode: 'admin', ...opts });
  started.push(b);
  return b;
}

async function client(port: number, kind: 'stompit' | 'stomp.py' = 'stompit') {
  const c = await connectClient(kind, { port, login: 'admin', passcode: 'admin' });
  clients.push(c);
  return c;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.kill().catch(() => undefined)));
  await Promise.all(started.splice(0).map((b) => b.close()));
});

describe('embedded broker limits', () => {
  it('closes a connection whose body exceeds maxBodyBytes, while others keep exchanging', async () => {
    const b = await broker({ limits: { maxBodyBytes: 1024 } });
    const topic = `/topic/${uniqueName('big')}`;
    const producer = await client(b.port);
    const consumer = await client(b.port, 'stomp.py');
    const sub = await consumer.subscribe(topic);
    let sending = true;
    let n = 0;
    const pump = (async () => {
      while (sending) await producer.send(topic, `m${n++}`);
    })();
    await sub.waitFor(3);

    const declared = await rawConnected(b.port);
    declared.write(`SEND\ndestination:${topic}\ncontent-length:5000\n\n${'x'.repeat(5000)}\0`);
    await declared.waitFor('ERROR');
    expect(declared.received()).toMatch(/exceeds the 1024 byte limit/);
    await declared.waitClosed();

    const streamed = await rawConnected(b.port);
    streamed.write(`SEND\ndestination:${topic}\n\n${'y'.repeat(4000)}\0`);
    await streamed.waitFor('ERROR');
    await streamed.waitClosed();

    const seen = sub.messages.length;
    await sub.waitFor(seen + 3);
    sending = false;
    await pump;
    expect(sub.messages.every((m) => /^m\d+$/.test(m.body.toString()))).toBe(true);
    expect(b.stats().protocolErrors).toBe(2);
  });

  it('closes a connection with an over-long header line or too many headers', async () => {
    const b = await broker({ limits: { maxHeaderLineBytes: 200, maxHeaders: 5 } });
    const long = await rawConnected(b.port);
    long.write(`SEND\ndestination:/topic/x\nx-long:${'z'.repeat(500)}\n\nbody\0`);
    await long.waitFor('ERROR');
    expect(long.received()).toMatch(/maximum line length exceeded/);
    await long.waitClosed();

    const many = await rawConnected(b.port);
    const headers = Array.from({ length: 8 }, (_, i) => `h${i}:v`).join('\n');
    many.write(`SEND\ndestination:/topic/x\n${headers}\n\nbody\0`);
    await many.waitFor('ERROR');
    expect(many.received()).toMatch(/too many headers/);
    await many.waitClosed();
  });

  it('answers a malformed frame with ERROR and closes only that connection', async () => {
    const b = await broker();
    const topic = `/topic/${uniqueName('mal')}`;
    const consumer = await client(b.port);
    const sub = await consumer.subscribe(topic);
    const bad = await rawConnected(b.port);
    bad.write('SEND\ndestination:/topic/x\nthis line has no colon\n\nbody\0');
    await bad.waitFor('ERROR');
    expect(bad.received()).toMatch(/malformed frame/);
    await bad.waitClosed();
    const escape = await rawConnected(b.port);
    escape.write('SEND\ndestination:/topic/x\nx:bad\\qescape\n\nbody\0');
    await escape.waitFor('ERROR');
    await escape.waitClosed();
    const producer = await client(b.port);
    await producer.send(topic, 'after');
    await sub.waitFor(1);
    expect(sub.messages[0]!.body.toString()).toBe('after');
  });

  it('closes a connection that sends no CONNECT within the connect timeout', async () => {
    const b = await broker({ limits: { connectTimeoutMs: 300 } });
    const idle = await rawConnect(b.port);
    await idle.waitFor('ERROR', 5000);
    expect(idle.received()).toMatch(/no CONNECT frame/);
    await idle.waitClosed(5000);
  });

  it('closes a connection that stops heart-beating after the grace period', async () => {
    const b = await broker({ limits: { minHeartbeatMs: 100, heartbeatGrace: 2 } });
    const raw = await rawConnected(b.port, 'heart-beat:200,0\n');
    expect(raw.received()).toMatch(/heart-beat:0,200/);
    const started = Date.now();
    await raw.waitClosed(5000);
    // Closed by the heart-beat rule (grace 2 x 200 ms), not by anything slower.
    expect(Date.now() - started).toBeLessThan(3000);
    expect(raw.received()).toMatch(/no heart-beat/);
  });

  it('cuts off a topic subscriber that holds more unread bytes than its budget, and counts it', async () => {
    const b = await broker({
      limits: { maxSubscriberBytes: 1024 * 1024, socketHighWaterBytes: 16 * 1024 },
    });
    const topic = `/topic/${uniqueName('slow')}`;
    // A subscriber that never reads its socket.
    const slow = await rawConnected(b.port);
    slow.socket.pause();
    slow.write(`SUBSCRIBE\nid:1\ndestination:${topic}\nreceipt:s\n\n\0`);
    const fast = await client(b.port);
    const fastSub = await fast.subscribe(topic);
    const producer = await client(b.port);
    // Enough bytes to fill the kernel's loopback socket buffers (several MB) many times over.
    const body = 'p'.repeat(16 * 1024);
    const total = 2000;
    // Once cut off, it reads again: its ERROR frame comes after what the kernel already holds.
    const cut = waitFor('the slow subscriber cut off', () => b.stats().cutOff === 1, 20_000);
    void cut.then(
      () => slow.socket.resume(),
      () => undefined,
    );
    for (let i = 0; i < total; i++) await producer.send(topic, `${i}:${body}`);
    await fastSub.waitFor(total, 20_000);
    expect(fastSub.messages.map((m) => m.body.toString().split(':')[0])).toEqual(
      Array.from({ length: total }, (_, i) => String(i)),
    );
    await cut;
    await slow.waitClosed();
    expect(slow.received()).toMatch(/ERROR\n[^\0]*slow consumer/);
    expect(b.stats().topics.find((t) => t.name === topic)?.subscribers).toBe(1);
    await waitFor('no bytes held', () => b.stats().heldBytes === 0, 10_000);
  });

  it('keeps queue messages for absent consumers up to maxQueueDepth, then refuses SENDs', async () => {
    const b = await broker({ limits: { maxQueueDepth: 5 } });
    const queue = `/queue/${uniqueName('cap')}`;
    const producer = await rawConnected(b.port);
    for (let i = 0; i < 7; i++)
      producer.write(`SEND\ndestination:${queue}\nreceipt:r${i}\n\nq${i}\0`);
    await producer.waitFor('receipt-id:r6');
    expect(producer.received()).toMatch(/RECEIPT\nreceipt-id:r4\n/);
    expect(producer.received()).toMatch(/ERROR\n[^\0]*receipt-id:r5[^\0]*is full/);
    expect(producer.closed()).toBe(false);
    expect(b.stats().refused).toBe(2);
    const consumer = await client(b.port);
    const sub = await consumer.subscribe(queue);
    await sub.waitFor(5);
    expect(sub.messages.map((m) => m.body.toString())).toEqual(['q0', 'q1', 'q2', 'q3', 'q4']);
  });

  it('does not dispatch queue messages into a consumer socket that is backed up', async () => {
    const b = await broker({ limits: { socketHighWaterBytes: 8 * 1024 } });
    const queue = `/queue/${uniqueName('bp')}`;
    const stuck = await rawConnected(b.port);
    stuck.socket.pause();
    stuck.write(`SUBSCRIBE\nid:1\ndestination:${queue}\nreceipt:s\n\n\0`);
    const producer = await client(b.port);
    const body = 'b'.repeat(16 * 1024);
    // 32 MB: far more than the kernel's loopback buffers can hold for the stuck socket.
    for (let i = 0; i < 2000; i++) await producer.send(queue, body);
    const queued = b.stats().queues.find((q) => q.name === queue)!;
    // Most messages stay in the queue rather than in the stuck socket's buffers...
    expect(queued.depth).toBeGreaterThan(1000);
    // ...so a second consumer gets them.
    const other = await client(b.port);
    const sub = await other.subscribe(queue);
    await sub.waitFor(queued.depth, 20_000);
    stuck.destroy();
  });
});

describe('embedded broker observer, binding and lifecycle', () => {
  it('lets an in-process observer see every routed message without taking queue messages', async () => {
    const b = await broker();
    const seen: DeliveredMessage[] = [];
    const stop = b.observe((m) => seen.push(m));
    b.observe(() => {
      throw new Error('a failing observer must not break routing');
    });
    const queue = `/queue/${uniqueName('obs')}`;
    const producer = await client(b.port, 'stomp.py');
    await producer.send(queue, '{"msg_type":"run_imminent"}', { 'x-run': '7' });
    await producer.send('epictopic', '{"msg_type":"stf_gen"}');
    await producer.begin('t1');
    await producer.send(queue, 'in-tx', {}, 't1');
    expect(seen.map((m) => m.body.toString())).not.toContain('in-tx');
    await producer.commit('t1');
    await producer.begin('t2');
    await producer.send(queue, 'aborted', {}, 't2');
    await producer.abort('t2');
    expect(seen.map((m) => [m.destination, m.body.toString()])).toEqual([
      [queue, '{"msg_type":"run_imminent"}'],
      ['/topic/epictopic', '{"msg_type":"stf_gen"}'],
      [queue, 'in-tx'],
    ]);
    expect(seen[0]!.headers['x-run']).toBe('7');
    expect(seen[0]!.messageId).toMatch(/^swfcc-/);
    // The queue still has both messages for its consumer: observing took nothing.
    const consumer = await client(b.port);
    const sub = await consumer.subscribe(queue);
    await sub.waitFor(2);
    expect(sub.messages.map((m) => m.body.toString())).toEqual([
      '{"msg_type":"run_imminent"}',
      'in-tx',
    ]);
    stop();
    await producer.send(queue, 'unobserved');
    expect(seen).toHaveLength(3);
  });

  it('binds loopback only and refuses other hosts', async () => {
    const b = await broker();
    expect(b.host).toBe('127.0.0.1');
    await expect(startEmbeddedBroker({ host: '0.0.0.0', port: 0 })).rejects.toThrow(/loopback/);
  });

  it('reports a busy port as PortInUseError', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const err = await startEmbeddedBroker({ port }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PortInUseError);
      expect((err as PortInUseError).port).toBe(port);
    } finally {
      blocker.close();
    }
  });

  it('accepts any login when none is configured, and closes clients on close()', async () => {
    const b = await broker({ login: undefined, passcode: undefined });
    const raw = await rawConnect(b.port);
    raw.write('CONNECT\naccept-version:1.2\nhost:x\n\n\0');
    await raw.waitFor('CONNECTED');
    expect(b.stats().connections).toBe(1);
    await b.close();
    await raw.waitClosed();
  });
});

import { readFileSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { brokerPasscodePath } from '../../../../../src/main/core/broker/broker-credentials.js';
import {
  type EmbeddedBroker,
  type EmbeddedBrokerOptions,
  startEmbeddedBroker,
} from '../../../../../src/main/core/broker/embedded-broker.js';
import { DEFAULT_LIMITS } from '../../../../../src/main/core/broker/limits.js';
import type { Logger } from '../../../../../src/main/core/logger.js';
import type { BrokerState } from '../../../../../src/shared/broker-state.js';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';
import { connectFrame, rawConnect, type RawStomp } from '../../../../helpers/raw-stomp.js';
import { waitFor } from '../../../../helpers/wait-for.js';

/**
 * Hostile local processes against the embedded broker, each bounded in count and time: floods
 * of connections that reset, sockets that never log in, absurd heart-beats, bad frames by the
 * thousand, readers that never read and transactions that never end. The core must serve on.
 */

const lines: string[] = [];
const capture = (scope: string): Logger => ({
  debug() {},
  info() {},
  warn: (m) => void lines.push(`WARN [${scope}] ${m}`),
  error: (m) => void lines.push(`ERROR [${scope}] ${m}`),
  child: (s) => capture(`${scope}.${s}`),
});

let tc: TestCore;
let port: number;
let login: string;
let passcode: string;
const open: RawStomp[] = [];
const warnings: Error[] = [];
const onWarning = (w: Error) => warnings.push(w);

beforeAll(async () => {
  process.on('warning', onWarning);
  tc = await startTestCore({}, { logger: capture('core') });
  port = tc.core.broker!.port;
  // What an agent started by hand does: login from the app, passcode from the data folder.
  login = tc.core.brokerCredentials.login;
  passcode = readFileSync(brokerPasscodePath(tc.dataDir), 'utf8').trim();
});

afterAll(async () => {
  process.off('warning', onWarning);
  await tc?.close();
});

afterEach(() => {
  for (const raw of open.splice(0)) raw.destroy();
});

async function loggedIn(extra = ''): Promise<RawStomp> {
  const raw = await rawConnect(port);
  open.push(raw);
  raw.write(connectFrame(login, passcode, extra));
  await raw.waitFor('CONNECTED', 10_000);
  return raw;
}

/** A subscriber that reads everything but keeps only a count (32 MB would not fit a string). */
async function countingReader(topic: string) {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  let tail = '';
  let last = false;
  let bytes = 0;
  let receipt: () => void = () => undefined;
  const subscribed = new Promise<void>((r) => (receipt = r));
  socket.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    tail = (tail + chunk.toString('latin1')).slice(-64);
    if (tail.includes('receipt-id:r')) receipt();
    if (tail.includes('\n\nlast\0')) last = true;
  });
  socket.write(connectFrame(login, passcode));
  socket.write(`SUBSCRIBE\nid:1\ndestination:${topic}\nreceipt:r\n\n\0`);
  await subscribed;
  return { socket, sawLast: () => last, bytes: () => bytes };
}

/** Runs `task` `count` times, `width` at a time. */
async function inBatches(count: number, width: number, task: (i: number) => Promise<unknown>) {
  for (let i = 0; i < count; i += width)
    await Promise.all(Array.from({ length: Math.min(width, count - i) }, (_, j) => task(i + j)));
}

/** A socket that connects, optionally sends `text`, then resets (RST) at `when`. */
function resetting(text: string | undefined, when: 'at-once' | 'after-reply'): Promise<void> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
    socket.once('connect', () => {
      if (text !== undefined) socket.write(text);
      if (when === 'at-once') socket.resetAndDestroy();
      else socket.once('data', () => socket.resetAndDestroy());
    });
  });
}

async function heartbeatAnswered(name: string): Promise<void> {
  const res = await tc.api('/api/systemagents/heartbeat/', {
    method: 'POST',
    json: { instance_name: name, agent_type: 'test', status: 'OK' },
  });
  expect([200, 201]).toContain(res.status);
}

describe('the embedded broker under abuse (composed core)', () => {
  it('keeps the per-install passcode private (0600) and refuses admin/admin', async () => {
    expect(passcode.length).toBeGreaterThanOrEqual(32);
    expect(passcode).not.toBe('admin');
    expect(statSync(brokerPasscodePath(tc.dataDir)).mode & 0o077).toBe(0);
    const raw = await rawConnect(port);
    open.push(raw);
    raw.write(connectFrame('admin', 'admin'));
    await raw.waitFor('ERROR');
    expect(raw.received()).toMatch(/login or passcode is invalid/);
    await raw.waitClosed();
  });

  it('serves on when every slot is taken and refused clients reset their sockets', async () => {
    const broker = tc.core.broker!;
    // Every slot the user-visible pair may take (the rest are kept for supervised programs).
    const userSlots = DEFAULT_LIMITS.maxConnections - DEFAULT_LIMITS.reservedConnections;
    await inBatches(userSlots, 100, () => loggedIn());
    expect(broker.stats().authenticated).toBe(userSlots);

    // Refused logins, resets before and after the refusal, and bare connect-then-reset.
    await inBatches(150, 50, () => resetting(connectFrame(login, passcode), 'after-reply'));
    await inBatches(150, 50, () => resetting(connectFrame(login, passcode), 'at-once'));
    await inBatches(150, 50, () => resetting(undefined, 'at-once'));
    await inBatches(150, 50, () => resetting('CONNECT\naccept-version:1.2\n\n\0', 'at-once'));
    expect(broker.stats().connectionsRefused).toBeGreaterThanOrEqual(150);
    await heartbeatAnswered('abuse-during-flood');

    for (const raw of open.splice(0)) raw.destroy();
    await waitFor('the flood to end', () => broker.stats().connections === 0, 10_000);
    await loggedIn();
    await heartbeatAnswered('abuse-after-flood');
  }, 30_000);

  it('lets a client with credentials in while sockets without them are opened in a loop', async () => {
    const broker = tc.core.broker!;
    let flooding = true;
    const flood = (async () => {
      const held: Socket[] = [];
      while (flooding) {
        await inBatches(100, 100, async () => {
          const s = connect(port, '127.0.0.1');
          s.on('error', () => undefined);
          held.push(s);
          await new Promise((r) => s.once('connect', r).once('close', r));
        });
      }
      for (const s of held) s.destroy();
      return held.length;
    })();
    try {
      for (let i = 0; i < 5; i++) {
        const started = Date.now();
        const raw = await loggedIn();
        expect(Date.now() - started).toBeLessThan(3000);
        raw.destroy();
      }
      expect(broker.stats().connections).toBeLessThanOrEqual(1000 + 128);
    } finally {
      flooding = false;
    }
    expect(await flood).toBeGreaterThan(128);
    expect(broker.stats().connectionsEvicted).toBeGreaterThan(0);
  }, 30_000);

  it('clamps absurd heart-beat values instead of arming overflowing timers', async () => {
    const raws = await Promise.all(
      Array.from({ length: 50 }, () => loggedIn('heart-beat:100000000000,100000000000\n')),
    );
    for (const raw of raws) {
      const header = /heart-beat:(\d+),(\d+)/.exec(raw.received());
      expect(Number(header![1])).toBeLessThanOrEqual(600_000);
      // A promise to beat every 10^11 ms is no promise: the idle limit governs that client.
      expect(Number(header![2])).toBe(0);
    }
    await heartbeatAnswered('abuse-heartbeats');
    expect(warnings.filter((w) => w.name === 'TimeoutOverflowWarning')).toEqual([]);
  });

  it('writes a handful of log lines, not thousands, for 1,000 bad frames', async () => {
    const before = lines.length;
    const errorsBefore = tc.core.broker!.stats().protocolErrors;
    await inBatches(1000, 100, async () => {
      const raw = await rawConnect(port);
      open.push(raw);
      // STOMP 1.0 (no accept-version), then a command that does not exist.
      raw.write(`CONNECT\nlogin:${login}\npasscode:${passcode}\n\n\0BOGUS\n\n\0`);
      await raw.waitClosed();
    });
    expect(tc.core.broker!.stats().protocolErrors - errorsBefore).toBe(1000);
    // At most one line per kind per 10 s (earlier tests may have used this window already).
    const written = lines.slice(before).filter((l) => l.includes('[core.broker]'));
    expect(written.length).toBeLessThanOrEqual(3);
  }, 20_000);

  it('cuts off a subscriber that never reads, counts it and shows it in the broker state', async () => {
    const states: BrokerState[] = [];
    const off = tc.core.bus.on('broker.state', (s) => states.push(s));
    const topic = '/topic/abuse.stuck';
    const stuck = await loggedIn();
    stuck.write(`SUBSCRIBE\nid:1\ndestination:${topic}\nreceipt:s\n\n\0`);
    await stuck.waitFor('receipt-id:s');
    stuck.socket.pause();
    const reader = await countingReader(topic);
    const producer = await loggedIn();
    const body = 'x'.repeat(64 * 1024);
    // 32 MB: twice the subscriber budget plus whatever the kernel buffers. Sent in steps the
    // reader keeps up with (a reader in this process shares its event loop with the broker).
    for (let step = 1; step <= 16; step++) {
      for (let i = 0; i < 32; i++) producer.write(`SEND\ndestination:${topic}\n\n${body}\0`);
      await waitFor('the reader to keep up', () => reader.bytes() >= step * 32 * body.length);
    }
    producer.write(`SEND\ndestination:${topic}\nreceipt:done\n\nlast\0`);
    await producer.waitFor('receipt-id:done', 20_000);
    await waitFor('the reader to get every message', () => reader.sawLast(), 20_000);
    await waitFor('the cut-off', () => tc.core.broker!.stats().cutOff === 1, 10_000);
    expect(states.at(-1)?.slowConsumersCut).toBe(1);
    expect(tc.core.brokerState()).toMatchObject({ state: 'listening', slowConsumersCut: 1 });
    expect(reader.socket.destroyed).toBe(false);
    stuck.socket.resume();
    await stuck.waitClosed();
    expect(stuck.received()).toMatch(/slow consumer/);
    await waitFor('no bytes held', () => tc.core.broker!.stats().heldBytes === 0, 10_000);
    reader.socket.destroy();
    off();
  }, 40_000);
});

describe('the embedded broker under abuse (limits made small)', () => {
  const brokers: EmbeddedBroker[] = [];
  afterEach(async () => {
    for (const raw of open.splice(0)) raw.destroy();
    await Promise.all(brokers.splice(0).map((b) => b.close()));
  });
  const small = async (limits: EmbeddedBrokerOptions['limits']) => {
    const b = await startEmbeddedBroker({ port: 0, login: 'u', passcode: 'p', limits });
    brokers.push(b);
    return b;
  };
  const client = async (b: EmbeddedBroker, extra = '') => {
    const raw = await rawConnect(b.port);
    open.push(raw);
    raw.write(connectFrame('u', 'p', extra));
    await raw.waitFor('CONNECTED');
    return raw;
  };

  it('closes a socket that never logs in, and a logged-in one that stays silent', async () => {
    const b = await small({ connectTimeoutMs: 300, idleTimeoutMs: 400 });
    const mute = await rawConnect(b.port);
    open.push(mute);
    const idle = await client(b);
    await mute.waitClosed(5000);
    expect(mute.received()).toMatch(/no CONNECT frame within 300 ms/);
    await idle.waitClosed(5000);
    expect(idle.received()).toMatch(/idle limit/);
  });

  it('bounds queues, transactions and the whole broker in bytes', async () => {
    const b = await small({
      maxQueueBytes: 8 * 1024,
      maxTransactionBytes: 8 * 1024,
      maxBrokerBytes: 12 * 1024,
    });
    const kb = 'k'.repeat(1024);
    const producer = await client(b);
    for (let i = 0; i < 9; i++)
      producer.write(`SEND\ndestination:/queue/a\nreceipt:a${i}\n\n${kb}\0`);
    await producer.waitFor('receipt-id:a8');
    expect(producer.received()).toMatch(/receipt-id:a8[^\0]*8192 bytes waiting/);
    // The broker-wide budget (12 KB) is what stops the second queue at 4 KB.
    for (let i = 0; i < 5; i++)
      producer.write(`SEND\ndestination:/queue/b\nreceipt:b${i}\n\n${kb}\0`);
    await producer.waitFor('receipt-id:b4');
    expect(producer.received()).toMatch(/receipt-id:b4[^\0]*as many message bytes as it may/);
    expect(b.stats().heldBytes).toBe(12 * 1024);
    expect(b.stats().queues.find((q) => q.name === '/queue/a')?.bytes).toBe(8 * 1024);

    const tx = await client(b);
    tx.write('BEGIN\ntransaction:t\n\n\0');
    for (let i = 0; i < 9; i++)
      tx.write(`SEND\ndestination:/queue/c\ntransaction:t\nreceipt:t${i}\n\n${kb}\0`);
    await tx.waitFor('receipt-id:t8');
    // No room at all: the broker is full, so even the first transactional SEND is refused.
    expect(tx.received()).toMatch(/receipt-id:t0[^\0]*out of memory for transactions/);
    expect(tx.closed()).toBe(false);

    const consumer = await client(b);
    consumer.write('SUBSCRIBE\nid:1\ndestination:/queue/a\n\n\0');
    consumer.write('SUBSCRIBE\nid:2\ndestination:/queue/b\n\n\0');
    await consumer.waitFor('MESSAGE', 5000, 12);
    await waitFor('the budget given back', () => b.stats().heldBytes === 0, 5000);
    tx.write('BEGIN\ntransaction:t2\n\n\0');
    for (let i = 0; i < 9; i++)
      tx.write(`SEND\ndestination:/queue/c\ntransaction:t2\nreceipt:u${i}\n\n${kb}\0`);
    await tx.waitFor('receipt-id:u8');
    expect(tx.received()).toMatch(/receipt-id:u8[^\0]*exceed its 8192 byte limit/);
    tx.write('ABORT\ntransaction:t2\nreceipt:ab\n\n\0');
    await tx.waitFor('receipt-id:ab');
    expect(b.stats().heldBytes).toBe(0);
  });
});

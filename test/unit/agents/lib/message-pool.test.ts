import { describe, expect, it } from 'vitest';
import { type IncomingMessage, MessagePool } from '../../../../agents/lib/message-pool.js';

const message = (i: number): IncomingMessage => ({
  data: { msg_type: 'stf_gen', sequence: i },
  msgType: 'stf_gen',
  destination: '/topic/epictopic',
  headers: {},
});

describe('MessagePool', () => {
  it('runs at most maxWorkers handlers and holds nothing once the burst is handled', async () => {
    const stats = { active_tasks: 0, completed_tasks: 0, failed_tasks: 0 };
    let running = 0;
    let peak = 0;
    const gates: (() => void)[] = [];
    const pool = new MessagePool(
      4,
      stats,
      () => {
        running++;
        peak = Math.max(peak, running);
        return new Promise<void>((resolve) =>
          gates.push(() => {
            running--;
            resolve();
          }),
        );
      },
      () => undefined,
      () => undefined,
    );
    for (let i = 0; i < 1_000; i++) pool.push(message(i));
    expect(pool.inFlight).toBe(4);
    expect(pool.pending).toBe(1_000);
    while (gates.length > 0) {
      for (const open of gates.splice(0)) open();
      await new Promise((r) => setImmediate(r));
    }
    await pool.waitIdle(1_000);
    expect(peak).toBe(4);
    expect(pool.pending).toBe(0);
    expect(stats).toEqual({ active_tasks: 0, completed_tasks: 1_000, failed_tasks: 0 });
  });

  it('counts a failed handler and goes on', async () => {
    const stats = { active_tasks: 0, completed_tasks: 0, failed_tasks: 0 };
    const failures: number[] = [];
    const pool = new MessagePool(
      2,
      stats,
      (m) => (m.data.sequence === 3 ? Promise.reject(new Error('boom')) : Promise.resolve()),
      (m) => failures.push(m.data.sequence as number),
      () => undefined,
    );
    for (let i = 0; i < 6; i++) pool.push(message(i));
    await pool.waitIdle(1_000);
    expect(pool.pending).toBe(0);
    expect(failures).toEqual([3]);
    expect(stats).toEqual({ active_tasks: 0, completed_tasks: 5, failed_tasks: 1 });
  });

  it('starts handlers in arrival order and counts every message across a backlog of thousands', async () => {
    const stats = { active_tasks: 0, completed_tasks: 0, failed_tasks: 0 };
    const started: number[] = [];
    const gates: (() => void)[] = [];
    const pool = new MessagePool(
      3,
      stats,
      (m) => {
        started.push(m.data.sequence as number);
        if ((m.data.sequence as number) % 997 === 0) return Promise.reject(new Error('boom'));
        return new Promise<void>((resolve) => gates.push(resolve));
      },
      () => undefined,
      () => undefined,
    );
    let next = 0;
    const pushMany = (n: number) => {
      for (let i = 0; i < n; i++) pool.push(message(next++));
    };
    pushMany(5_000);
    expect(pool.pending).toBe(5_000);
    // More arrives while the backlog drains, so the queue is refilled across its compactions.
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 150 && gates.length > 0; i++) gates.shift()!();
      await new Promise((r) => setImmediate(r));
      pushMany(20);
      expect(pool.pending).toBe(next - stats.completed_tasks - stats.failed_tasks);
    }
    while (pool.pending > 0) {
      for (const open of gates.splice(0)) open();
      await new Promise((r) => setImmediate(r));
    }
    await pool.waitIdle(1_000);
    expect(started).toEqual(Array.from({ length: next }, (_, i) => i));
    const failed = Math.floor((next - 1) / 997) + 1;
    expect(stats).toEqual({
      active_tasks: 0,
      completed_tasks: next - failed,
      failed_tasks: failed,
    });
  });
});

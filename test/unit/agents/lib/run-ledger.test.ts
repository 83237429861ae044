import { describe, expect, it } from 'vitest';
import { MAX_OPEN_RUNS, RunLedger } from '../../../../agents/lib/run-ledger.js';

describe('RunLedger memory', () => {
  it('releases a run at close, however many STFs it recorded', async () => {
    const ledger = new RunLedger(10);
    ledger.open(1);
    for (let s = 1; s <= 10_000; s++) ledger.record(1, s, s % 100 !== 0);
    expect(ledger.openRuns).toBe(1);
    const r = await ledger.close(1, 10_000);
    expect(r.done).toBe(9_900);
    expect(r.failed).toHaveLength(100);
    expect(ledger.openRuns).toBe(0);
  });

  it('keeps at most MAX_OPEN_RUNS runs whose end_run never came, forgetting the oldest', async () => {
    const ledger = new RunLedger(10);
    for (let run = 1; run <= 100; run++) {
      ledger.open(run);
      ledger.record(run, 1, true);
    }
    expect(ledger.openRuns).toBe(MAX_OPEN_RUNS);
    // The newest runs are the ones kept: closing one reports what it recorded.
    const newest = await ledger.close(100, 1);
    expect(newest).toMatchObject({ done: 1, missing: [], joinedLate: false });
    // An evicted run closes as one this agent never saw start.
    const evicted = await ledger.close(1, 1);
    expect(evicted).toMatchObject({ done: 0, missing: [1], joinedLate: true });
    expect(ledger.openRuns).toBe(MAX_OPEN_RUNS - 1);
  });

  it('releases a run at close when STFs never arrived (reported after the settle time)', async () => {
    const ledger = new RunLedger(20);
    ledger.open(3);
    for (let s = 1; s <= 1_000; s += 2) ledger.record(3, s, true);
    const r = await ledger.close(3, 1_000);
    expect(r.done).toBe(500);
    expect(r.missing).toHaveLength(500);
    expect(ledger.openRuns).toBe(0);
    // A straggler after the report opens a fresh entry (bounded like any run), not the old one.
    ledger.record(3, 2, true);
    expect(ledger.openRuns).toBe(1);
    expect(await ledger.close(3, 2)).toMatchObject({ done: 1, missing: [1], joinedLate: true });
    expect(ledger.openRuns).toBe(0);
  });

  it('holds only the STFs handled out of order and the failed ones, however long a run goes', () => {
    const ledger = new RunLedger(10);
    ledger.open(9);
    let peak = 0;
    // An endless run: 200 000 STFs, each block of 16 handled in reverse order.
    for (let base = 0; base < 200_000; base += 16) {
      for (let s = base + 16; s > base; s--) ledger.record(9, s, true);
      peak = Math.max(peak, ledger.heldSequences);
    }
    expect(ledger.heldSequences).toBe(0);
    expect(peak).toBeLessThan(16);
    ledger.record(9, 200_001, false);
    ledger.record(9, 200_003, true);
    expect(ledger.heldSequences).toBe(2);
    ledger.record(9, 200_001, true); // a retry that worked
    ledger.record(9, 200_002, true);
    expect(ledger.heldSequences).toBe(0);
  });

  it('reports what a record of every STF would, in any order, with failures and retries', async () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 20; round++) {
      const total = 50 + rand(200);
      const ledger = new RunLedger(1);
      const done = new Set<number>();
      const failed = new Set<number>();
      ledger.open(round);
      for (let i = 0; i < total * 2; i++) {
        const s = 1 + rand(total + 5); // a few beyond the total, as a late straggler may be
        const ok = rand(4) !== 0;
        ledger.record(round, s, ok);
        if (ok) {
          done.add(s);
          failed.delete(s);
        } else if (!done.has(s)) failed.add(s);
      }
      const r = await ledger.close(round, total);
      const missing = [];
      for (let s = 1; s <= total; s++) if (!done.has(s) && !failed.has(s)) missing.push(s);
      expect(r).toMatchObject({
        done: [...done].filter((s) => s <= total).length,
        failed: [...failed].sort((a, b) => a - b),
        missing,
      });
    }
  });
});

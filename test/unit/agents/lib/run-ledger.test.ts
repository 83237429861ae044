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
});

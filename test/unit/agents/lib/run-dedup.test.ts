import { describe, expect, it } from 'vitest';
import { MAX_KEYS_PER_RUN, RunDedup } from '../../../../agents/lib/run-dedup.js';
import { MAX_OPEN_RUNS } from '../../../../agents/lib/run-ledger.js';

describe('RunDedup', () => {
  it('says true once per key and run, false for a repeat; forget allows a retry', () => {
    const d = new RunDedup();
    expect(d.add(1, 'swf.1.000001.stf')).toBe(true);
    expect(d.add(1, 'swf.1.000001.stf')).toBe(false);
    expect(d.add(2, 'swf.1.000001.stf')).toBe(true);
    d.forget(1, 'swf.1.000001.stf');
    expect(d.add(1, 'swf.1.000001.stf')).toBe(true);
  });

  it('releases a run at its end', () => {
    const d = new RunDedup();
    for (let s = 0; s < 5_000; s++) d.add(7, `swf.7.${s}.stf`);
    d.add(8, 'swf.8.1.stf');
    expect(d.size).toBe(5_001);
    d.release(7);
    expect(d.size).toBe(1);
    expect(d.runCount).toBe(1);
  });

  it('holds at most MAX_OPEN_RUNS runs when end_run messages are lost', () => {
    const d = new RunDedup();
    for (let run = 1; run <= 50; run++) for (let s = 0; s < 10; s++) d.add(run, `${run}.${s}`);
    expect(d.runCount).toBe(MAX_OPEN_RUNS);
    expect(d.size).toBe(MAX_OPEN_RUNS * 10);
    // The newest runs are kept, the oldest forgotten.
    expect(d.add(50, '50.0')).toBe(false);
    expect(d.add(1, '1.0')).toBe(true);
  });

  it('keeps only the newest names of a run that never ends', () => {
    const d = new RunDedup();
    const name = (s: number) => `swf.1.${s}.stf`;
    const added = MAX_KEYS_PER_RUN * 3 + 7;
    for (let s = 0; s < added; s++) d.add(1, name(s));
    expect(d.size).toBeLessThanOrEqual(MAX_KEYS_PER_RUN);
    // Repeats within the newest half-window are always caught; the first names were dropped.
    expect(d.add(1, name(added - 1))).toBe(false);
    expect(d.add(1, name(added - MAX_KEYS_PER_RUN / 2))).toBe(false);
    expect(d.add(1, name(0))).toBe(true);
    expect(d.size).toBeLessThanOrEqual(MAX_KEYS_PER_RUN);
  });
});

import { describe, expect, it } from 'vitest';
import { BoundedRunMap, MAX_OPEN_RUNS } from '../../../../agents/lib/bounded-run-map.js';

describe('BoundedRunMap', () => {
  it('releases a run when its owner deletes it at end_run', () => {
    const m = new BoundedRunMap<string>();
    m.set(1, 'pk-1');
    m.set(2, 'pk-2');
    expect(m.delete(1)).toBe(true);
    expect(m.get(1)).toBeUndefined();
    expect(m.size).toBe(1);
    expect(m.delete(1)).toBe(false);
  });

  it('holds at most MAX_OPEN_RUNS runs whose end_run never came, dropping the oldest', () => {
    const m = new BoundedRunMap<number>();
    for (let run = 1; run <= 1_000; run++) m.set(run, run * 10);
    expect(m.size).toBe(MAX_OPEN_RUNS);
    expect([...m.values()]).toEqual(
      Array.from({ length: MAX_OPEN_RUNS }, (_, i) => (1_000 - MAX_OPEN_RUNS + 1 + i) * 10),
    );
    expect(m.get(1)).toBeUndefined();
    expect(m.get(1_000)).toBe(10_000);
  });

  it('drops by first insertion: re-setting a held run does not move it or evict another', () => {
    const m = new BoundedRunMap<string>(2);
    m.set(1, 'a');
    m.set(2, 'b');
    m.set(1, 'a2');
    expect(m.size).toBe(2);
    m.set(3, 'c');
    expect(m.get(1)).toBeUndefined();
    expect(m.get(2)).toBe('b');
    expect(m.get(3)).toBe('c');
  });

  it('getOrCreate makes a run once and counts it against the cap', () => {
    const m = new BoundedRunMap<Set<string>>(3);
    let made = 0;
    const create = () => {
      made++;
      return new Set<string>();
    };
    const first = m.getOrCreate(5, create);
    expect(m.getOrCreate(5, create)).toBe(first);
    expect(made).toBe(1);
    for (let run = 6; run <= 20; run++) m.getOrCreate(run, create);
    expect(m.size).toBe(3);
    expect(m.get(5)).toBeUndefined();
  });

  it('refuses a cap that could not hold a run', () => {
    expect(() => new BoundedRunMap(0)).toThrow(RangeError);
    expect(() => new BoundedRunMap(1.5)).toThrow(RangeError);
  });
});

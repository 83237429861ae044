import { describe, expect, it } from 'vitest';
import { FifoQueue } from '../../../../agents/lib/fifo-queue.js';

describe('FifoQueue', () => {
  it('gives items back in arrival order with the right length across many compactions', () => {
    const q = new FifoQueue<number>();
    const model: number[] = [];
    const out: number[] = [];
    let next = 0;
    // Bursts of pushes and drains of different sizes, so compactions happen with items left.
    for (let round = 0; round < 200; round++) {
      const pushes = (round * 37) % 700;
      const takes = (round * 53) % 650;
      for (let i = 0; i < pushes; i++) {
        q.push(next);
        model.push(next++);
      }
      const taken = Math.min(takes, model.length);
      for (let i = 0; i < takes; i++) {
        const got = q.shift();
        if (got !== undefined) out.push(got);
      }
      model.splice(0, taken);
      if (q.length !== model.length) expect(q.length).toBe(model.length);
    }
    while (q.length > 0) out.push(q.shift()!);
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
    expect(q.shift()).toBeUndefined();
    expect(q.length).toBe(0);
  });

  it('holds a large backlog and drains it in order', () => {
    const q = new FifoQueue<string>();
    for (let i = 0; i < 50_000; i++) q.push(`m${i}`);
    expect(q.length).toBe(50_000);
    const out: (string | undefined)[] = [];
    for (let i = 0; i < 50_000; i++) out.push(q.shift());
    expect(out).toEqual(Array.from({ length: 50_000 }, (_, i) => `m${i}`));
    expect(q.length).toBe(0);
    q.push('again');
    expect(q.shift()).toBe('again');
  });
});

import { describe, expect, it } from 'vitest';
import { PublishWindow } from '../../../../agents/lib/publish-window.js';

describe('PublishWindow', () => {
  it('keeps at most `size` publishes in flight and none after drain', async () => {
    const w = new PublishWindow(8);
    const pending: (() => void)[] = [];
    let inFlight = 0;
    let peak = 0;
    const send = () =>
      new Promise<void>((resolve) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        pending.push(() => {
          inFlight--;
          resolve();
        });
      });
    // A publisher pushing 200 messages without waiting: the window holds back all but 8.
    const pushes: Promise<void>[] = [];
    for (let i = 0; i < 200; i++) pushes.push(w.push(send));
    await new Promise((r) => setImmediate(r));
    expect(inFlight).toBe(8);
    // The broker confirms one at a time; the window never goes over its size.
    while (pending.length > 0) {
      pending.shift()!();
      await new Promise((r) => setImmediate(r));
      expect(inFlight).toBeLessThanOrEqual(8);
    }
    await Promise.all(pushes);
    await w.drain();
    expect(peak).toBe(8);
    expect(inFlight).toBe(0);
  });

  it('re-throws the first failure at the next push, and reset() clears it for the next run', async () => {
    const w = new PublishWindow(4);
    await w.push(() => Promise.reject(new Error('lost receipt')));
    await expect(w.drain()).rejects.toThrow('lost receipt');
    await expect(w.push(() => Promise.resolve())).rejects.toThrow('lost receipt');
    w.reset();
    await w.push(() => Promise.resolve());
    await expect(w.drain()).resolves.toBeUndefined();
  });
});

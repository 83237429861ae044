import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../../../../src/main/core/store/uuid7.js';

describe('uuidv7', () => {
  it('is an RFC 9562 version 7 UUID carrying the time', () => {
    const now = Date.UTC(2026, 10, 24, 1, 0, 0);
    const id = uuidv7(now);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(now);
  });

  it('orders ids made in the same millisecond and across milliseconds, without duplicates', () => {
    const t = Date.UTC(2027, 0, 1);
    const ids = [
      ...Array.from({ length: 10_000 }, () => uuidv7(t)),
      uuidv7(t + 10_000),
      uuidv7(t + 10_001),
    ];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

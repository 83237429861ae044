import { describe, expect, it } from 'vitest';
import { page, pageOf } from '../../../../../src/main/core/mcp/paging.js';
import {
  inWindow,
  parseFilterTime,
  timeWindow,
} from '../../../../../src/main/core/mcp/time-filters.js';

describe('ISO time filters', () => {
  it('reads zone-less times as UTC, as the monitor does', () => {
    expect(parseFilterTime('2026-01-15T10:30:00')).toBe('2026-01-15T10:30:00.000Z');
    expect(parseFilterTime('2026-01-15')).toBe('2026-01-15T00:00:00.000Z');
    expect(parseFilterTime('2026-01-15T10:30:00+02:00')).toBe('2026-01-15T08:30:00.000Z');
    expect(parseFilterTime('yesterday')).toBeNull();
  });

  it('uses the default window only when no bound is given', () => {
    const w = timeWindow(undefined, undefined, 3600);
    expect(Date.now() - Date.parse(w.since!)).toBeGreaterThanOrEqual(3600_000);
    expect(timeWindow('2026-01-01T00:00:00Z', undefined, 3600)).toEqual({
      since: '2026-01-01T00:00:00.000Z',
      until: undefined,
    });
    expect(inWindow('2026-01-02T00:00:00Z', { since: '2026-01-01T00:00:00Z' })).toBe(true);
    expect(inWindow(null, { since: '2026-01-01T00:00:00Z' })).toBe(false);
    expect(inWindow(null, {})).toBe(true);
  });

  it('pages with the monitor envelope', () => {
    expect(page([1, 2], 5, 0)).toEqual({ items: [1, 2], total_count: 5, has_more: true });
    expect(pageOf([1, 2, 3, 4, 5], 2, 4)).toEqual({ items: [5], total_count: 5, has_more: false });
  });
});

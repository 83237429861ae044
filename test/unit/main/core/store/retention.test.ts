import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../../../src/main/core/store/index.js';
import type { Db } from '../../../../../src/main/core/store/db.js';
import { ageBound, prune } from '../../../../../src/main/core/store/retention.js';
import { tempDir } from '../../../../helpers/temp-dir.js';

describe('retention', () => {
  let store: Store | undefined;
  const dirs: { remove(): void }[] = [];
  afterEach(() => {
    store?.close();
    dirs.splice(0).forEach((d) => d.remove());
  });

  function fill(n: number, at: (i: number) => string) {
    const d = tempDir();
    dirs.push(d);
    store = openStore(join(d.path, 'r.sqlite'));
    const s = store;
    s.db.transaction(() => {
      for (let i = 0; i < n; i++)
        s.heartbeats.append(`agent-${i % 10}`, at(i), 'OK', 'READY', 'rest');
    })();
    return s;
  }

  it('deletes rows older than the age limit and keeps the rest', async () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    // 1,000 rows, one per hour going back: 168 h = 7 days survive.
    const s = fill(1000, (i) => new Date(now - (999 - i) * 3_600_000).toISOString());
    const [result] = await prune(
      s.db,
      [{ table: 'heartbeats', timeColumn: 'at', maxAgeDays: 7, maxRows: 1e9 }],
      100,
      now,
    );
    expect(s.heartbeats.count()).toBe(169);
    expect(result).toEqual({ table: 'heartbeats', deleted: 831 });
    const oldest = s.heartbeats.query({ limit: 1000 }).items.at(-1)!;
    expect(Date.parse(oldest.at)).toBeGreaterThanOrEqual(now - 7 * 86_400_000);
  });

  it('caps the row count, dropping the oldest first', async () => {
    const s = fill(5000, (i) => new Date(Date.now() - (5000 - i) * 1000).toISOString());
    await prune(
      s.db,
      [{ table: 'heartbeats', timeColumn: 'at', maxAgeDays: 365, maxRows: 1200 }],
      500,
    );
    expect(s.heartbeats.count()).toBe(1200);
    const ids = s.db.prepare('SELECT MIN(id) AS lo, MAX(id) AS hi FROM heartbeats').get() as {
      lo: number;
      hi: number;
    };
    expect(ids).toEqual({ lo: 3801, hi: 5000 });
  });

  it('lets writes in between batches (ingest is never held for the whole pass)', async () => {
    const s = fill(20_000, () => '2020-01-01T00:00:00.000Z');
    let interleaved = 0;
    const writer = setImmediate(function write() {
      s.heartbeats.append('live', new Date().toISOString(), 'OK', 'READY', 'rest');
      interleaved++;
    });
    const pass = prune(
      s.db,
      [{ table: 'heartbeats', timeColumn: 'at', maxAgeDays: 1, maxRows: 1e9 }],
      1000,
    );
    // Each batch yields with setImmediate, so timers queued meanwhile run before the pass ends.
    const ticker = setInterval(() => {
      s.heartbeats.append('live', new Date().toISOString(), 'OK', 'READY', 'rest');
      interleaved++;
    }, 0);
    await pass;
    clearInterval(ticker);
    clearImmediate(writer);
    expect(interleaved).toBeGreaterThan(1);
    expect(s.heartbeats.query({ instanceName: 'live', limit: 1e6 }).total).toBe(interleaved);
    expect(s.heartbeats.query({ instanceName: 'agent-0' }).total).toBe(0);
  });

  it('finds the age boundary by id, across gaps left by earlier deletes', () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    const s = fill(3000, (i) => new Date(now - (2999 - i) * 60_000).toISOString());
    // Holes everywhere, as ingest and earlier passes leave them.
    s.db.prepare('DELETE FROM heartbeats WHERE id % 7 = 0 OR (id > 1000 AND id < 1400)').run();
    const rule = { table: 'heartbeats', timeColumn: 'at', maxAgeDays: 1, maxRows: 1e9 };
    for (const minutes of [10, 1000, 1600, 2500, 2999, 3000, 5000]) {
      const cutoff = new Date(now - minutes * 60_000).toISOString();
      const expected =
        (
          s.db.prepare('SELECT MAX(id) AS id FROM heartbeats WHERE at < ?').get(cutoff) as {
            id: number | null;
          }
        ).id ?? 0;
      const hi = (s.db.prepare('SELECT MAX(id) AS hi FROM heartbeats').get() as { hi: number }).hi;
      expect(ageBound(s.db, rule, cutoff, hi)).toBe(expected);
    }
  });

  it('reads the table through its primary key only: no statement of a pass scans it', async () => {
    const s = fill(2000, (i) => new Date(Date.now() - (2000 - i) * 1000).toISOString());
    const prepared: string[] = [];
    const db = new Proxy(s.db, {
      get(target, key) {
        if (key === 'prepare')
          return (sql: string) => {
            prepared.push(sql);
            return target.prepare(sql);
          };
        const v = Reflect.get(target, key) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    }) as Db;
    await prune(db, [{ table: 'heartbeats', timeColumn: 'at', maxAgeDays: 1, maxRows: 1500 }], 100);
    expect(s.heartbeats.count()).toBe(1500);
    expect(prepared.length).toBeGreaterThan(0);
    for (const sql of prepared) {
      const params = Array.from(sql.matchAll(/\?/g), () => 1);
      const plan = (
        s.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]
      ).map((r) => r.detail);
      expect(
        plan.filter((d) => d.startsWith('SCAN')),
        `${sql}: ${plan.join(' | ')}`,
      ).toEqual([]);
    }
  });
});

import type Database from 'better-sqlite3';
import type { Db } from './db.js';

/** One history table under an age and a row cap; the oldest rows (lowest id) go first. */
export interface RetentionRule {
  table: string;
  timeColumn: string;
  maxAgeDays: number;
  maxRows: number;
}

export interface PruneResult {
  table: string;
  deleted: number;
}

/**
 * How long one batch may hold the event loop. Batch sizes adapt to it (between {@link MIN_BATCH}
 * rows and the configured most): a row of an indexed table costs anything from microseconds to a
 * millisecond on a loaded laptop, so a fixed size would either crawl or stall ingest.
 */
const BATCH_TARGET_MS = 8;
const MIN_BATCH = 50;

type Statement = Database.Statement<[string | number, number]>;

/** Runs `stmt(bound, size)` until it deletes fewer than asked, yielding between batches. */
async function deleteInBatches(stmt: Statement, bound: string | number, maxBatch: number) {
  let size = Math.min(500, maxBatch);
  let deleted = 0;
  for (;;) {
    const t0 = performance.now();
    const n = stmt.run(bound, size).changes;
    const ms = performance.now() - t0;
    deleted += n;
    if (n < size) return deleted;
    if (ms > BATCH_TARGET_MS) size = Math.max(MIN_BATCH, Math.floor(size / 2));
    else if (ms < BATCH_TARGET_MS / 2) size = Math.min(maxBatch, size * 2);
    await new Promise((r) => setImmediate(r));
  }
}

/**
 * Deletes in batches of at most `batchRows`, each its own short transaction, yielding to the event
 * loop between batches so ingest is never held for more than one batch (about 8 ms).
 */
export async function prune(
  db: Db,
  rules: readonly RetentionRule[],
  batchRows: number,
  now = Date.now(),
): Promise<PruneResult[]> {
  const results: PruneResult[] = [];
  for (const rule of rules) {
    const cutoff = new Date(now - rule.maxAgeDays * 86_400_000).toISOString();
    let deleted = 0;
    // Age first: rows are appended in time order, so the oldest ids are the oldest times.
    const byAge = db.prepare<[string, number]>(
      `DELETE FROM ${rule.table} WHERE id IN (SELECT id FROM ${rule.table} WHERE ${rule.timeColumn} < ? ORDER BY id LIMIT ?)`,
    );
    deleted += await deleteInBatches(byAge, cutoff, batchRows);
    // Ids only grow and rows leave from the front, so everything at or below MAX(id) - maxRows is
    // over the cap: found through the primary key without counting the table.
    const hi =
      (db.prepare(`SELECT MAX(id) AS hi FROM ${rule.table}`).get() as { hi: number | null }).hi ??
      0;
    const threshold = hi - rule.maxRows;
    const byCount = db.prepare<[number, number]>(
      `DELETE FROM ${rule.table} WHERE id IN (SELECT id FROM ${rule.table} WHERE id <= ? ORDER BY id LIMIT ?)`,
    );
    deleted += await deleteInBatches(byCount, threshold, batchRows);
    results.push({ table: rule.table, deleted });
  }
  return results;
}

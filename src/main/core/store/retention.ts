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

type Statement = Database.Statement<[number, number]>;

/** Runs `stmt(bound, size)` until it deletes fewer than asked, yielding between batches. */
async function deleteInBatches(stmt: Statement, bound: number, maxBatch: number) {
  // Small first: a batch's cost is unknown until one ran, and the size doubles while cheap.
  let size = Math.min(100, maxBatch);
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
 * The highest id of a row older than `cutoff`, or 0 (`hi` is the table's MAX(id)). Rows are appended in time order, so ids and
 * times rise together and the boundary is found by bisecting the ids: a few dozen primary-key reads,
 * where `WHERE time < ?` would scan the whole table (none of the time columns leads an index, and
 * scanning 200,000 messages held the event loop well over 100 ms in every pass). Were a clock to
 * step back, the rows after the step simply wait for a later pass.
 */
export function ageBound(db: Db, rule: RetentionRule, cutoff: string, hi: number): number {
  const firstFrom = db.prepare<[number], { id: number; t: string }>(
    `SELECT id, ${rule.timeColumn} AS t FROM ${rule.table} WHERE id >= ? ORDER BY id LIMIT 1`,
  );
  const first = firstFrom.get(Number.MIN_SAFE_INTEGER);
  if (!first || !(first.t < cutoff)) return 0;
  // `old` is the id of a row known to be old; no row at or past `notOld` is.
  let old = first.id;
  let notOld = hi + 1;
  while (notOld - old > 1) {
    const mid = Math.floor((old + notOld) / 2);
    const row = firstFrom.get(mid);
    if (row && row.id < notOld && row.t < cutoff) old = row.id;
    else notOld = mid;
  }
  return old;
}

/**
 * Deletes, oldest first, every row over the age limit or the row cap, in batches (see
 * {@link BATCH_TARGET_MS}, at most `batchRows`), each its own short transaction, yielding to the
 * event loop between batches so ingest is never held for more than one batch.
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
    // Ids only grow and rows leave from the front, so everything at or below MAX(id) - maxRows is
    // over the cap: found through the primary key without counting the table.
    const hi =
      (db.prepare(`SELECT MAX(id) AS hi FROM ${rule.table}`).get() as { hi: number | null }).hi ??
      0;
    const bound = Math.max(ageBound(db, rule, cutoff, hi), hi - rule.maxRows);
    const stmt = db.prepare<[number, number]>(
      `DELETE FROM ${rule.table} WHERE id IN (SELECT id FROM ${rule.table} WHERE id <= ? ORDER BY id LIMIT ?)`,
    );
    const deleted = bound > 0 ? await deleteInBatches(stmt, bound, batchRows) : 0;
    results.push({ table: rule.table, deleted });
  }
  return results;
}

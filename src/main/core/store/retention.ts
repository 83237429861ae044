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
 * Deletes in batches of `batchRows`, each its own short transaction, yielding to the event loop
 * between batches so heartbeat ingest is never blocked for more than one batch (a few ms).
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
    const byAge = db.prepare(
      `DELETE FROM ${rule.table} WHERE id IN (SELECT id FROM ${rule.table} WHERE ${rule.timeColumn} < ? ORDER BY id LIMIT ?)`,
    );
    for (;;) {
      const n = byAge.run(cutoff, batchRows).changes;
      deleted += n;
      if (n < batchRows) break;
      await new Promise((r) => setImmediate(r));
    }
    // Ids only grow and rows leave from the front, so everything at or below MAX(id) - maxRows is
    // over the cap: found through the primary key without counting the table.
    const hi =
      (db.prepare(`SELECT MAX(id) AS hi FROM ${rule.table}`).get() as { hi: number | null }).hi ??
      0;
    const threshold = hi - rule.maxRows;
    const byCount = db.prepare(
      `DELETE FROM ${rule.table} WHERE id IN (SELECT id FROM ${rule.table} WHERE id <= ? ORDER BY id LIMIT ?)`,
    );
    for (;;) {
      const n = byCount.run(threshold, batchRows).changes;
      deleted += n;
      if (n < batchRows) break;
      await new Promise((r) => setImmediate(r));
    }
    results.push({ table: rule.table, deleted });
  }
  return results;
}

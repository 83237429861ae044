import type { Db, Migration } from './db.js';

/** The monitor's PersistentState counters and where they start. */
export const COUNTER_STARTS = {
  next_agent_id: 1,
  next_run_number: 100010,
  next_workflow_execution_id: 1,
} as const;
export type CounterName = keyof typeof COUNTER_STARTS;

export const counterMigrations: Migration[] = [
  {
    id: 'counters-001-create',
    up: `CREATE TABLE counters (
      name TEXT PRIMARY KEY,
      next_value INTEGER NOT NULL,
      last_value INTEGER,
      last_taken_at TEXT
    );`,
  },
];

export type CountersStore = ReturnType<typeof createCountersStore>;

export function createCountersStore(db: Db) {
  const ensure = db.prepare('INSERT OR IGNORE INTO counters (name, next_value) VALUES (?, ?)');
  const take = db.prepare<[string, string], { last_value: number }>(
    `UPDATE counters SET last_value = next_value, next_value = next_value + 1, last_taken_at = ?
     WHERE name = ? RETURNING last_value`,
  );
  const takeTx = db.transaction((name: CounterName, now: string) => {
    ensure.run(name, COUNTER_STARTS[name]);
    return take.get(now, name)!.last_value;
  });
  return {
    /** Atomically returns the current value and advances the counter. */
    next(name: CounterName, now: string): number {
      return takeTx(name, now);
    },
    peek(name: CounterName): number {
      const row = db.prepare('SELECT next_value FROM counters WHERE name = ?').get(name) as
        { next_value: number } | undefined;
      return row?.next_value ?? COUNTER_STARTS[name];
    },
  };
}

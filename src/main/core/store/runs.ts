import type { Db, Migration } from './db.js';
import { createResource } from './resource.js';

export const runMigrations: Migration[] = [
  {
    id: 'runs-001-create',
    up: `CREATE TABLE runs (
      run_id INTEGER PRIMARY KEY AUTOINCREMENT,
      run_number INTEGER NOT NULL UNIQUE,
      start_time TEXT,
      end_time TEXT,
      run_conditions TEXT
    );
    CREATE TABLE run_states (
      run_number TEXT PRIMARY KEY,
      phase TEXT NOT NULL DEFAULT '',
      state TEXT NOT NULL DEFAULT '',
      substate TEXT NOT NULL DEFAULT '',
      target_worker_count INTEGER NOT NULL DEFAULT 0,
      active_worker_count INTEGER NOT NULL DEFAULT 0,
      stf_samples_received INTEGER NOT NULL DEFAULT 0,
      slices_created INTEGER NOT NULL DEFAULT 0,
      slices_queued INTEGER NOT NULL DEFAULT 0,
      slices_processing INTEGER NOT NULL DEFAULT 0,
      slices_completed INTEGER NOT NULL DEFAULT 0,
      slices_failed INTEGER NOT NULL DEFAULT 0,
      state_changed_at TEXT,
      updated_at TEXT NOT NULL,
      metadata TEXT
    );`,
  },
  {
    // Rows the recorder made from messages before any client created them (see `adoptBy`).
    id: 'runs-002-recorder-rows',
    up: `CREATE TABLE recorder_rows (
      table_name TEXT NOT NULL,
      row_key TEXT NOT NULL,
      PRIMARY KEY (table_name, row_key)
    ) WITHOUT ROWID;`,
  },
  {
    // The monitor's RunState allows a null substate; SQLite cannot relax NOT NULL in place.
    id: 'runs-003-run-state-substate-nullable',
    up: `CREATE TABLE run_states_new (
      run_number TEXT PRIMARY KEY,
      phase TEXT NOT NULL DEFAULT '',
      state TEXT NOT NULL DEFAULT '',
      substate TEXT DEFAULT '',
      target_worker_count INTEGER NOT NULL DEFAULT 0,
      active_worker_count INTEGER NOT NULL DEFAULT 0,
      stf_samples_received INTEGER NOT NULL DEFAULT 0,
      slices_created INTEGER NOT NULL DEFAULT 0,
      slices_queued INTEGER NOT NULL DEFAULT 0,
      slices_processing INTEGER NOT NULL DEFAULT 0,
      slices_completed INTEGER NOT NULL DEFAULT 0,
      slices_failed INTEGER NOT NULL DEFAULT 0,
      state_changed_at TEXT,
      updated_at TEXT NOT NULL,
      metadata TEXT
    );
    INSERT INTO run_states_new SELECT * FROM run_states;
    DROP TABLE run_states;
    ALTER TABLE run_states_new RENAME TO run_states;`,
  },
];

export const createRunsStore = (db: Db) =>
  createResource(db, {
    table: 'runs',
    pk: { name: 'run_id', kind: 'auto' },
    columns: {
      run_number: { kind: 'int', required: true },
      start_time: { kind: 'time' },
      end_time: { kind: 'time' },
      run_conditions: { kind: 'json' },
    },
    filters: ['run_number'],
    order: 'run_id DESC',
    apiOrder: 'run_id',
    adoptBy: 'run_number',
  });

const counter = { kind: 'int', default: 0, notNull: true } as const;

export const createRunStatesStore = (db: Db) =>
  createResource(db, {
    table: 'run_states',
    pk: { name: 'run_number', kind: 'given', int: true },
    columns: {
      phase: { kind: 'text', default: '', notNull: true },
      state: { kind: 'text', default: '', notNull: true },
      substate: { kind: 'text', default: '' },
      target_worker_count: counter,
      active_worker_count: counter,
      stf_samples_received: counter,
      slices_created: counter,
      slices_queued: counter,
      slices_processing: counter,
      slices_completed: counter,
      slices_failed: counter,
      state_changed_at: { kind: 'time' },
      updated_at: { kind: 'time', readOnly: true },
      metadata: { kind: 'json' },
    },
    filters: ['phase', 'state'],
    order: 'CAST(run_number AS INTEGER) DESC',
    apiOrder: 'rowid',
    updatedAt: 'updated_at',
    adoptBy: 'run_number',
  });

/** Lookups across the run tables that the plain resources cannot express. */
export function createRunLookups(db: Db) {
  const byExecution = db.prepare<[string], { run_number: string }>(
    `SELECT run_number FROM run_states WHERE json_extract(metadata, '$.execution_id') = ?`,
  );
  return {
    /** The runs an execution drove (the lifecycle messages carry its id into the run state). */
    runNumbersOfExecution(executionId: string): number[] {
      return byExecution.all(executionId).map((r) => Number(r.run_number));
    },
  };
}

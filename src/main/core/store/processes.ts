import type { Db, Migration } from './db.js';

/** The supervisor's memory: every state transition, and every spawned process until it ends. */
export const processMigrations: Migration[] = [
  {
    id: 'processes-001-create',
    up: `CREATE TABLE process_transitions (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at TEXT NOT NULL,
      program TEXT NOT NULL,
      pid INTEGER,
      from_state TEXT NOT NULL,
      to_state TEXT NOT NULL,
      exit_code INTEGER,
      signal TEXT,
      reason TEXT
    );
    CREATE INDEX process_transitions_program ON process_transitions(program, id);
    -- One row per spawn; ended_at stays NULL while the process may be alive, so a crashed core's
    -- leftovers can be found on the next start.
    CREATE TABLE process_instances (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      program TEXT NOT NULL,
      pid INTEGER NOT NULL,
      pgid INTEGER NOT NULL,
      command TEXT NOT NULL,
      started_at TEXT NOT NULL,
      started_ms INTEGER NOT NULL,
      core_pid INTEGER NOT NULL,
      ended_at TEXT
    );
    CREATE INDEX process_instances_open ON process_instances(ended_at);`,
  },
];

export interface ProcessTransitionRow {
  id: number;
  at: string;
  program: string;
  pid: number | null;
  from_state: string;
  to_state: string;
  exit_code: number | null;
  signal: string | null;
  reason: string | null;
}

export interface ProcessInstanceRow {
  id: number;
  program: string;
  pid: number;
  pgid: number;
  command: string;
  started_at: string;
  started_ms: number;
  core_pid: number;
  ended_at: string | null;
}

export type ProcessesStore = ReturnType<typeof createProcessesStore>;

export function createProcessesStore(db: Db) {
  const insertTransition = db.prepare(
    `INSERT INTO process_transitions (at, program, pid, from_state, to_state, exit_code, signal, reason)
     VALUES (@at, @program, @pid, @from_state, @to_state, @exit_code, @signal, @reason)`,
  );
  const insertInstance = db.prepare(
    `INSERT INTO process_instances (program, pid, pgid, command, started_at, started_ms, core_pid)
     VALUES (@program, @pid, @pgid, @command, @started_at, @started_ms, @core_pid)`,
  );
  const endInstance = db.prepare('UPDATE process_instances SET ended_at = ? WHERE id = ?');
  return {
    recordTransition(t: Omit<ProcessTransitionRow, 'id'>): number {
      return Number(insertTransition.run(t).lastInsertRowid);
    },

    /** Newest first. */
    transitions(q: { program?: string; limit?: number } = {}): ProcessTransitionRow[] {
      const limit = q.limit ?? 100;
      return (
        q.program
          ? db
              .prepare(
                'SELECT * FROM process_transitions WHERE program = ? ORDER BY id DESC LIMIT ?',
              )
              .all(q.program, limit)
          : db.prepare('SELECT * FROM process_transitions ORDER BY id DESC LIMIT ?').all(limit)
      ) as ProcessTransitionRow[];
    },

    instanceStarted(i: Omit<ProcessInstanceRow, 'id' | 'ended_at'>): number {
      return Number(insertInstance.run(i).lastInsertRowid);
    },

    instanceEnded(id: number, at: string): void {
      endInstance.run(at, id);
    },

    /** Spawns with no recorded end: alive now, or left by a core that did not stop cleanly. */
    openInstances(): ProcessInstanceRow[] {
      return db
        .prepare('SELECT * FROM process_instances WHERE ended_at IS NULL ORDER BY id')
        .all() as ProcessInstanceRow[];
    },
  };
}

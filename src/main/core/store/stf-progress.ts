import type { StfStage } from '../../../shared/workflow-messages.js';
import type { Statement } from 'better-sqlite3';
import type { Db, Migration } from './db.js';

/**
 * Where each STF of a run is in the pipeline, one row per (run, STF file name), with the time each
 * stage was first seen: generated (`stf_gen`), ready (`stf_ready`), processed
 * (`processing_complete`), fastmon (first `tf_file_registered`). The recorder fills it from the
 * workflow messages; per-run progress and end-to-end latency are read from here.
 */
export const stfProgressMigrations: Migration[] = [
  {
    id: 'stf-progress-001-create',
    up: `CREATE TABLE stf_progress (
      run_number INTEGER NOT NULL,
      filename TEXT NOT NULL,
      namespace TEXT,
      execution_id TEXT,
      sequence INTEGER,
      generated_at TEXT,
      ready_at TEXT,
      processed_at TEXT,
      fastmon_at TEXT,
      tf_files INTEGER NOT NULL DEFAULT 0,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (run_number, filename)
    ) WITHOUT ROWID;`,
  },
];

export interface StfStageInput {
  runNumber: number;
  filename: string;
  stage: StfStage;
  at: string;
  namespace?: string | null;
  executionId?: string | null;
  sequence?: number | null;
}

export interface StfProgressRow {
  run_number: number;
  filename: string;
  namespace: string | null;
  execution_id: string | null;
  sequence: number | null;
  generated_at: string | null;
  ready_at: string | null;
  processed_at: string | null;
  fastmon_at: string | null;
  tf_files: number;
  updated_at: string;
}

export interface StfRunCounts {
  generated: number;
  ready: number;
  processed: number;
  fastmon: number;
  tfFiles: number;
}

export interface StfLatency {
  /** STFs with both a generated and a last-stage time. */
  count: number;
  avgMs: number | null;
  maxMs: number | null;
}

const STAGE_COLUMN: Record<StfStage, string> = {
  generated: 'generated_at',
  ready: 'ready_at',
  processed: 'processed_at',
  fastmon: 'fastmon_at',
};

export function createStfProgressStore(db: Db) {
  // One prepared upsert per stage: the first time a stage is seen wins (a re-delivered message
  // does not move it), and identity fields fill in from whichever message brings them first.
  const upserts = Object.fromEntries(
    Object.entries(STAGE_COLUMN).map(([stage, col]) => [
      stage,
      db.prepare(
        `INSERT INTO stf_progress (run_number, filename, namespace, execution_id, sequence, ${col},
           tf_files, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_number, filename) DO UPDATE SET
           ${col} = COALESCE(${col}, excluded.${col}),
           namespace = COALESCE(namespace, excluded.namespace),
           execution_id = COALESCE(execution_id, excluded.execution_id),
           sequence = COALESCE(sequence, excluded.sequence),
           tf_files = tf_files + excluded.tf_files,
           updated_at = excluded.updated_at`,
      ),
    ]),
  ) as Record<StfStage, Statement<unknown[]>>;
  const countsStmt = db.prepare(
    `SELECT COUNT(generated_at) AS generated, COUNT(ready_at) AS ready,
       COUNT(processed_at) AS processed, COUNT(fastmon_at) AS fastmon,
       COALESCE(SUM(tf_files), 0) AS tfFiles
     FROM stf_progress WHERE run_number = ?`,
  );
  const listStmt = db.prepare(
    `SELECT * FROM stf_progress WHERE run_number = ? ORDER BY sequence, filename LIMIT ? OFFSET ?`,
  );
  const getStmt = db.prepare(`SELECT * FROM stf_progress WHERE run_number = ? AND filename = ?`);
  const latencyStmt = db.prepare(
    `SELECT COUNT(*) AS count,
       AVG(ms) AS avgMs, MAX(ms) AS maxMs
     FROM (SELECT (julianday(COALESCE(fastmon_at, processed_at, ready_at)) - julianday(generated_at))
                  * 86400000.0 AS ms
           FROM stf_progress
           WHERE run_number = ? AND generated_at IS NOT NULL
             AND COALESCE(fastmon_at, processed_at, ready_at) IS NOT NULL)`,
  );

  return {
    /** Marks one stage of one STF; a `fastmon` mark also counts one more TF sample. */
    markStage(input: StfStageInput): void {
      // Positional: one mark per workflow message, and named binding measured about twice as slow.
      upserts[input.stage].run(
        input.runNumber,
        input.filename,
        input.namespace ?? null,
        input.executionId ?? null,
        input.sequence ?? null,
        input.at,
        input.stage === 'fastmon' ? 1 : 0,
        input.at,
      );
    },

    countsForRun(runNumber: number): StfRunCounts {
      return countsStmt.get(runNumber) as StfRunCounts;
    },

    get(runNumber: number, filename: string): StfProgressRow | undefined {
      return getStmt.get(runNumber, filename) as StfProgressRow | undefined;
    },

    listForRun(runNumber: number, limit = 1000, offset = 0): StfProgressRow[] {
      return listStmt.all(runNumber, limit, offset) as StfProgressRow[];
    },

    /** Generation to the last stage reached, over the run's STFs that got past generation. */
    latencyForRun(runNumber: number): StfLatency {
      const r = latencyStmt.get(runNumber) as StfLatency;
      return { count: r.count, avgMs: r.avgMs, maxMs: r.maxMs };
    },
  };
}

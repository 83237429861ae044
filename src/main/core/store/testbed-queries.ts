import type { ExecutionRow, TfSliceRow } from '../../../shared/browse-protocol.js';
import type { Db } from './db.js';
import { selectPage, Where } from './query.js';

/**
 * Reads that join tables (executions with their definition, TF slices with their TF sample and
 * STF file) or count across them, as the monitor's MCP tools answer them. Read-only.
 */

export type { ExecutionRow, TfSliceRow };

export interface ExecutionQuery {
  namespace?: string;
  /** Compared case-insensitively, as the monitor's `status__iexact`. */
  status?: string;
  executedBy?: string;
  workflowName?: string;
  since?: string;
  until?: string;
  /** Only executions that ended at or after this time. */
  endedSince?: string;
  limit: number;
  offset?: number;
}

export interface DefinitionRow {
  id: number;
  workflow_name: string;
  version: string;
  workflow_type: string;
  created_by: string;
  created_at: string;
  execution_count: number;
}

export interface TfSliceQuery {
  id?: number;
  fastmonFileId?: string;
  runNumber?: number;
  stfFilename?: string;
  tfFilename?: string;
  status?: string;
  assignedWorker?: string;
  since?: string;
  until?: string;
  limit: number;
  offset?: number;
}

const parseJson = (text: unknown): unknown =>
  typeof text === 'string' ? (JSON.parse(text) as unknown) : null;

const EXECUTIONS = `(SELECT e.execution_id, d.workflow_name, e.namespace, e.status, e.executed_by,
    e.start_time, e.end_time, e.parameter_values, e.performance_metrics
  FROM workflow_executions e LEFT JOIN workflow_definitions d ON d.id = e.workflow_definition)`;

const SLICES = `(SELECT s.id, s.fastmon_file AS fastmon_file_id, s.slice_id, f.tf_filename,
    f.stf_file AS stf_filename, s.run_number, s.tf_first, s.tf_last, s.tf_count, s.status, s.retries,
    s.assigned_worker, s.assigned_at, s.completed_at, s.created_at, s.metadata
  FROM tf_slices s LEFT JOIN fastmon_files f ON f.tf_file_id = s.fastmon_file)`;

type Raw<T> = Omit<T, 'parameter_values' | 'performance_metrics' | 'metadata'> & {
  parameter_values?: string | null;
  performance_metrics?: string | null;
  metadata?: string | null;
};

const toExecution = (r: Raw<ExecutionRow>): ExecutionRow => ({
  ...r,
  parameter_values: parseJson(r.parameter_values),
  performance_metrics: parseJson(r.performance_metrics),
});

const toSlice = (r: Raw<TfSliceRow>): TfSliceRow => ({ ...r, metadata: parseJson(r.metadata) });

export function createTestbedQueries(db: Db) {
  const oneExecution = db.prepare(`SELECT * FROM ${EXECUTIONS} WHERE execution_id = ?`);
  const oneSlice = db.prepare(`SELECT * FROM ${SLICES} WHERE tf_filename = ? AND slice_id = ?`);
  const count = (sql: string, ...params: (string | number)[]) =>
    (db.prepare(sql).get(...params) as { n: number }).n;

  return {
    /** Newest start first. */
    executions(q: ExecutionQuery): { items: ExecutionRow[]; total: number } {
      const where = new Where()
        .eq('namespace', q.namespace)
        .when('lower(status) = lower(@status)', 'status', q.status)
        .eq('executed_by', q.executedBy)
        .eq('workflow_name', q.workflowName)
        .when('start_time >= @since', 'since', q.since)
        .when('start_time <= @until', 'until', q.until)
        .when('end_time >= @endedSince', 'endedSince', q.endedSince);
      const page = selectPage<Raw<ExecutionRow>>(db, {
        table: EXECUTIONS,
        where,
        order: 'start_time DESC, execution_id DESC',
        limit: q.limit,
        offset: q.offset,
      });
      return { items: page.items.map(toExecution), total: page.total };
    },

    execution(executionId: string): ExecutionRow | undefined {
      const row = oneExecution.get(executionId) as Raw<ExecutionRow> | undefined;
      return row && toExecution(row);
    },

    /** By name, newest version first, each with how many executions used it. */
    definitions(q: { workflowType?: string; createdBy?: string; limit: number }) {
      const where = new Where().eq('workflow_type', q.workflowType).eq('created_by', q.createdBy);
      return selectPage<DefinitionRow>(db, {
        table: `(SELECT d.id, d.workflow_name, d.version, d.workflow_type, d.created_by, d.created_at,
          (SELECT COUNT(*) FROM workflow_executions e WHERE e.workflow_definition = d.id) AS execution_count
          FROM workflow_definitions d)`,
        where,
        order: 'workflow_name, version DESC',
        limit: q.limit,
      });
    },

    /** Newest first. */
    tfSlices(q: TfSliceQuery): { items: TfSliceRow[]; total: number } {
      const where = new Where()
        .eq('id', q.id)
        .eq('fastmon_file_id', q.fastmonFileId)
        .eq('run_number', q.runNumber)
        .eq('stf_filename', q.stfFilename)
        .eq('tf_filename', q.tfFilename)
        .when('lower(status) = lower(@status)', 'status', q.status)
        .eq('assigned_worker', q.assignedWorker)
        .when('created_at >= @since', 'since', q.since)
        .when('created_at <= @until', 'until', q.until);
      const page = selectPage<Raw<TfSliceRow>>(db, {
        table: SLICES,
        where,
        order: 'created_at DESC, id DESC',
        limit: q.limit,
        offset: q.offset,
      });
      return { items: page.items.map(toSlice), total: page.total };
    },

    tfSlice(tfFilename: string, sliceId: number): TfSliceRow | undefined {
      const row = oneSlice.get(tfFilename, sliceId) as Raw<TfSliceRow> | undefined;
      return row && toSlice(row);
    },

    /** Activity of one namespace: agents ever seen, and executions and messages in a window. */
    namespaceActivity(namespace: string, since: string, until: string) {
      const executors = db
        .prepare(
          `SELECT DISTINCT executed_by FROM workflow_executions
           WHERE namespace = ? AND start_time >= ? AND start_time <= ? AND executed_by IS NOT NULL`,
        )
        .all(namespace, since, until) as { executed_by: string }[];
      return {
        agent_count: count('SELECT COUNT(*) AS n FROM agents WHERE namespace = ?', namespace),
        execution_count: count(
          `SELECT COUNT(*) AS n FROM workflow_executions
           WHERE namespace = ? AND start_time >= ? AND start_time <= ?`,
          namespace,
          since,
          until,
        ),
        message_count: count(
          `SELECT COUNT(*) AS n FROM workflow_messages
           WHERE namespace = ? AND sent_at >= ? AND sent_at <= ?`,
          namespace,
          since,
          until,
        ),
        active_users: executors.map((e) => e.executed_by),
      };
    },

    /** Run numbers the messages of one execution name. */
    runNumbersOfExecution(executionId: string): number[] {
      const rows = db
        .prepare(
          `SELECT DISTINCT run_id FROM workflow_messages WHERE execution_id = ? AND run_id IS NOT NULL`,
        )
        .all(executionId) as { run_id: string }[];
      return rows.map((r) => Number(r.run_id)).filter((n) => Number.isInteger(n));
    },

    /** The agents that sent messages of one execution. */
    sendersOfExecution(executionId: string): string[] {
      return (
        db
          .prepare(
            `SELECT DISTINCT sender_agent FROM workflow_messages
             WHERE execution_id = ? AND sender_agent IS NOT NULL`,
          )
          .all(executionId) as { sender_agent: string }[]
      ).map((r) => r.sender_agent);
    },

    /** STF files of the given runs. */
    stfCountOfRuns(runNumbers: number[]): number {
      if (runNumbers.length === 0) return 0;
      return count(
        `SELECT COUNT(*) AS n FROM stf_files WHERE run_number IN (${runNumbers.map(() => '?').join(', ')})`,
        ...runNumbers,
      );
    },

    /** The agent types that exist, so that filters can be offered from real values. */
    agentTypes(): string[] {
      return (
        db.prepare('SELECT DISTINCT agent_type FROM agents ORDER BY agent_type').all() as {
          agent_type: string;
        }[]
      ).map((r) => r.agent_type);
    },
  };
}

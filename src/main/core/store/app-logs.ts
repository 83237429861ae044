import type { AppLogInput, AppLogRecord } from '../../../shared/app-log.js';
import type { Db, Migration } from './db.js';
import { selectPage, Where } from './query.js';
import { fromStoredJson, toStoredJson } from '../../../shared/json-limits.js';

export const appLogMigrations: Migration[] = [
  {
    id: 'app-logs-001-create',
    up: `CREATE TABLE app_logs (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      app_name TEXT NOT NULL,
      instance_name TEXT NOT NULL,
      timestamp TEXT NOT NULL,
      level INTEGER NOT NULL DEFAULT 0,
      levelname TEXT NOT NULL,
      message TEXT NOT NULL,
      module TEXT NOT NULL DEFAULT '',
      funcname TEXT NOT NULL DEFAULT '',
      lineno INTEGER NOT NULL DEFAULT 0,
      process INTEGER NOT NULL DEFAULT 0,
      thread INTEGER NOT NULL DEFAULT 0,
      extra_data TEXT,
      received_at TEXT NOT NULL
    );
    CREATE INDEX app_logs_app_instance ON app_logs(app_name, instance_name);
    CREATE INDEX app_logs_timestamp ON app_logs(timestamp);
    CREATE INDEX app_logs_level ON app_logs(level);`,
  },
];

const LEVELS: Record<string, number> = {
  CRITICAL: 50,
  FATAL: 50,
  ERROR: 40,
  WARNING: 30,
  WARN: 30,
  INFO: 20,
  DEBUG: 10,
  NOTSET: 0,
};
const NAMES: [number, string][] = [
  [50, 'CRITICAL'],
  [40, 'ERROR'],
  [30, 'WARNING'],
  [20, 'INFO'],
  [10, 'DEBUG'],
  [0, 'NOTSET'],
];

interface AppLogRow extends Omit<AppLogRecord, 'extra_data'> {
  extra_data: string | null;
}

const toRecord = ({ extra_data, ...rest }: AppLogRow & { received_at?: string }): AppLogRecord => {
  delete (rest as { received_at?: string }).received_at;
  return {
    ...rest,
    extra_data:
      extra_data === null ? null : (fromStoredJson(extra_data) as Record<string, unknown>),
  };
};

export interface AppLogQuery {
  appName?: string;
  instanceName?: string;
  levelname?: string;
  minLevel?: number;
  executionId?: string;
  since?: string;
  until?: string;
  limit?: number;
  offset?: number;
}

export type AppLogsStore = ReturnType<typeof createAppLogsStore>;

export function createAppLogsStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO app_logs (app_name, instance_name, timestamp, level, levelname, message, module, funcname,
       lineno, process, thread, extra_data, received_at)
     VALUES (@app_name, @instance_name, @timestamp, @level, @levelname, @message, @module, @funcname,
       @lineno, @process, @thread, @extra_data, @received_at)`,
  );
  const byId = db.prepare<[number], AppLogRow>('SELECT * FROM app_logs WHERE id = ?');

  return {
    /** Normalises both field spellings; level and levelname fill each other in. */
    append(input: AppLogInput, now: string): AppLogRecord {
      const levelnameIn = (input.levelname ?? input.level_name)?.toUpperCase();
      const level = input.level ?? (levelnameIn !== undefined ? (LEVELS[levelnameIn] ?? 0) : 0);
      const levelname = levelnameIn ?? NAMES.find(([n]) => level >= n)?.[1] ?? 'NOTSET';
      const info = insert.run({
        app_name: input.app_name,
        instance_name: input.instance_name,
        timestamp: input.timestamp ?? now,
        level,
        levelname,
        message: input.message,
        module: input.module ?? '',
        funcname: input.funcname ?? input.func_name ?? '',
        lineno: input.lineno ?? input.line_no ?? 0,
        process: input.process ?? 0,
        thread: input.thread ?? 0,
        extra_data: input.extra_data == null ? null : toStoredJson(input.extra_data, 'extra_data'),
        received_at: now,
      });
      return toRecord(byId.get(Number(info.lastInsertRowid))!);
    },

    get(id: number): AppLogRecord | undefined {
      const row = byId.get(id);
      return row && toRecord(row);
    },

    /** Newest first, as the monitor orders AppLog. */
    query(q: AppLogQuery = {}): { items: AppLogRecord[]; total: number } {
      const where = new Where()
        .eq('app_name', q.appName)
        .eq('instance_name', q.instanceName)
        .eq('levelname', q.levelname?.toUpperCase())
        .when('level >= @minLevel', 'minLevel', q.minLevel)
        .when(
          "json_extract(extra_data, '$.execution_id') = @executionId",
          'executionId',
          q.executionId,
        )
        .when('timestamp >= @since', 'since', q.since)
        .when('timestamp <= @until', 'until', q.until);
      const { items, total } = selectPage<AppLogRow>(db, {
        table: 'app_logs',
        where,
        order: 'timestamp DESC, id DESC',
        limit: q.limit ?? 100,
        offset: q.offset,
      });
      return { items: items.map(toRecord), total };
    },

    /** `GET /api/logs/summary/`: error counts and the last five errors per app and instance. */
    summary(): Record<
      string,
      Record<string, { error_counts: Record<string, number>; recent_errors: unknown[] }>
    > {
      const out: Record<
        string,
        Record<string, { error_counts: Record<string, number>; recent_errors: unknown[] }>
      > = {};
      const counts = db
        .prepare(
          'SELECT app_name, instance_name, levelname, COUNT(*) AS n FROM app_logs GROUP BY 1, 2, 3',
        )
        .all() as { app_name: string; instance_name: string; levelname: string; n: number }[];
      const recent = db.prepare(
        `SELECT timestamp, levelname, message, module, funcname, lineno FROM app_logs
         WHERE app_name = ? AND instance_name = ? AND level >= 40 ORDER BY id DESC LIMIT 5`,
      );
      for (const c of counts) {
        const app = (out[c.app_name] ??= {});
        const inst = (app[c.instance_name] ??= { error_counts: {}, recent_errors: [] });
        inst.error_counts[c.levelname] = c.n;
      }
      for (const [app, instances] of Object.entries(out)) {
        for (const [inst, entry] of Object.entries(instances))
          entry.recent_errors = recent.all(app, inst);
      }
      return out;
    },
  };
}

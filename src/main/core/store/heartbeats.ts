import type { HeartbeatSource } from '../../../shared/agent.js';
import type { Db, Migration } from './db.js';

export const heartbeatMigrations: Migration[] = [
  {
    id: 'heartbeats-001-create',
    // Compact on purpose: one row per heartbeat for every agent, kept for days.
    up: `CREATE TABLE heartbeats (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      instance_name TEXT NOT NULL,
      at TEXT NOT NULL,
      status TEXT NOT NULL,
      operational_state TEXT,
      source TEXT NOT NULL
    );
    CREATE INDEX heartbeats_agent_at ON heartbeats(instance_name, at);`,
  },
];

export interface HeartbeatRow {
  id: number;
  instance_name: string;
  at: string;
  status: string;
  operational_state: string | null;
  source: HeartbeatSource;
}

export interface HeartbeatQuery {
  instanceName?: string;
  since?: string;
  until?: string;
  status?: string;
  limit?: number;
  offset?: number;
}

export type HeartbeatsStore = ReturnType<typeof createHeartbeatsStore>;

export function createHeartbeatsStore(db: Db) {
  const insert = db.prepare(
    'INSERT INTO heartbeats (instance_name, at, status, operational_state, source) VALUES (?, ?, ?, ?, ?)',
  );
  return {
    append(
      instanceName: string,
      at: string,
      status: string,
      operationalState: string | null,
      source: HeartbeatSource,
    ) {
      insert.run(instanceName, at, status, operationalState, source);
    },

    /** Newest first. */
    query(q: HeartbeatQuery = {}): { items: HeartbeatRow[]; total: number } {
      const where: string[] = [];
      const params: Record<string, string | number> = {};
      if (q.instanceName) {
        where.push('instance_name = @instanceName');
        params.instanceName = q.instanceName;
      }
      if (q.since) {
        where.push('at >= @since');
        params.since = q.since;
      }
      if (q.until) {
        where.push('at <= @until');
        params.until = q.until;
      }
      if (q.status) {
        where.push('status = @status');
        params.status = q.status;
      }
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const total = (
        db.prepare(`SELECT COUNT(*) AS n FROM heartbeats ${clause}`).get(params) as { n: number }
      ).n;
      const items = db
        .prepare(`SELECT * FROM heartbeats ${clause} ORDER BY id DESC LIMIT @limit OFFSET @offset`)
        .all({ ...params, limit: q.limit ?? 100, offset: q.offset ?? 0 }) as HeartbeatRow[];
      return { items, total };
    },

    count(): number {
      return (db.prepare('SELECT COUNT(*) AS n FROM heartbeats').get() as { n: number }).n;
    },
  };
}

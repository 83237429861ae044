import type { HeartbeatSource } from '../../../shared/agent.js';
import type { Db, Migration } from './db.js';
import { selectPage, Where } from './query.js';

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
      const where = new Where()
        .eq('instance_name', q.instanceName)
        .when('at >= @since', 'since', q.since)
        .when('at <= @until', 'until', q.until)
        .eq('status', q.status);
      return selectPage<HeartbeatRow>(db, {
        table: 'heartbeats',
        where,
        order: 'id DESC',
        limit: q.limit ?? 100,
        offset: q.offset,
      });
    },

    count(): number {
      return (db.prepare('SELECT COUNT(*) AS n FROM heartbeats').get() as { n: number }).n;
    },
  };
}

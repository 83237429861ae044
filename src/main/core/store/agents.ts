import type { AgentRecord, HeartbeatInput } from '../../../shared/agent.js';
import type { Db, Migration } from './db.js';
import { selectPage, Where } from './query.js';
import { fromStoredJson, toStoredJson } from '../../../shared/json-limits.js';

export const agentMigrations: Migration[] = [
  {
    id: 'agents-001-create',
    up: `CREATE TABLE agents (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      instance_name TEXT NOT NULL UNIQUE,
      agent_type TEXT NOT NULL DEFAULT 'other',
      description TEXT NOT NULL DEFAULT '',
      status TEXT NOT NULL DEFAULT 'UNKNOWN',
      last_heartbeat TEXT,
      agent_url TEXT,
      workflow_enabled INTEGER NOT NULL DEFAULT 1,
      current_stf_count INTEGER NOT NULL DEFAULT 0,
      total_stf_processed INTEGER NOT NULL DEFAULT 0,
      last_stf_processed TEXT,
      pid INTEGER,
      hostname TEXT,
      operational_state TEXT NOT NULL DEFAULT 'STARTING',
      namespace TEXT,
      metadata TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
    CREATE INDEX agents_namespace ON agents(namespace);
    CREATE INDEX agents_last_heartbeat ON agents(last_heartbeat);`,
  },
];

interface AgentRow extends Omit<AgentRecord, 'workflow_enabled' | 'metadata'> {
  workflow_enabled: number;
  metadata: string | null;
}

function toRecord(row: AgentRow): AgentRecord {
  return {
    id: row.id,
    instance_name: row.instance_name,
    agent_type: row.agent_type,
    description: row.description,
    status: row.status,
    last_heartbeat: row.last_heartbeat,
    agent_url: row.agent_url,
    workflow_enabled: row.workflow_enabled === 1,
    current_stf_count: row.current_stf_count,
    total_stf_processed: row.total_stf_processed,
    last_stf_processed: row.last_stf_processed,
    pid: row.pid,
    hostname: row.hostname,
    operational_state: row.operational_state,
    namespace: row.namespace,
    metadata: row.metadata === null ? null : fromStoredJson(row.metadata),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export interface AgentFilter {
  agentType?: string;
  status?: string;
  namespace?: string;
  includeExited?: boolean;
}

export type AgentsStore = ReturnType<typeof createAgentsStore>;

export function createAgentsStore(db: Db) {
  const byName = db.prepare<[string], AgentRow>('SELECT * FROM agents WHERE instance_name = ?');
  const byId = db.prepare<[number], AgentRow>('SELECT * FROM agents WHERE id = ?');
  const insert = db.prepare(
    `INSERT INTO agents (instance_name, agent_type, description, status, last_heartbeat, agent_url,
       workflow_enabled, pid, hostname, operational_state, namespace, metadata, created_at, updated_at)
     VALUES (@instance_name, @agent_type, @description, @status, @now, @agent_url,
       COALESCE(@workflow_enabled, 1), @pid, @hostname, COALESCE(@operational_state, 'STARTING'),
       @namespace, @metadata, @now, @now)`,
  );
  // The "always written" fields overwrite; the "only if present" ones keep their value on NULL
  // markers, which is why presence is passed separately.
  const update = db.prepare(
    `UPDATE agents SET agent_type = @agent_type, description = @description, status = @status,
       last_heartbeat = @now, agent_url = @agent_url, namespace = @namespace,
       workflow_enabled = CASE WHEN @has_workflow_enabled THEN @workflow_enabled ELSE workflow_enabled END,
       operational_state = CASE WHEN @has_operational_state THEN @operational_state ELSE operational_state END,
       pid = CASE WHEN @has_pid THEN @pid ELSE pid END,
       hostname = CASE WHEN @has_hostname THEN @hostname ELSE hostname END,
       metadata = CASE WHEN @has_metadata THEN @metadata ELSE metadata END,
       updated_at = @now
     WHERE id = @id`,
  );
  const markStale = db.prepare<[string, string], AgentRow>(
    `UPDATE agents SET status = 'EXITED', operational_state = 'EXITED', updated_at = ?
     WHERE last_heartbeat IS NOT NULL AND last_heartbeat < ?
       AND NOT (status = 'EXITED' AND operational_state = 'EXITED')
     RETURNING *`,
  );

  return {
    get(instanceName: string): AgentRecord | undefined {
      const row = byName.get(instanceName);
      return row && toRecord(row);
    },

    getById(id: number): AgentRecord | undefined {
      const row = byId.get(id);
      return row && toRecord(row);
    },

    /** Update-or-create keyed by instance_name with the monitor's field rules. */
    upsertFromHeartbeat(hb: HeartbeatInput, now: string): { agent: AgentRecord; created: boolean } {
      const existing = byName.get(hb.instance_name);
      const metadata = hb.metadata === undefined ? null : toStoredJson(hb.metadata, 'metadata');
      const common = {
        agent_type: hb.agent_type ?? 'other',
        description: hb.description ?? '',
        status: hb.status ?? 'OK',
        agent_url: hb.agent_url ?? null,
        namespace: hb.namespace ?? null,
        workflow_enabled: hb.workflow_enabled === undefined ? null : Number(hb.workflow_enabled),
        operational_state: hb.operational_state ?? null,
        pid: hb.pid ?? null,
        hostname: hb.hostname ?? null,
        metadata,
        now,
      };
      if (!existing) {
        const info = insert.run({ instance_name: hb.instance_name, ...common });
        return { agent: toRecord(byId.get(Number(info.lastInsertRowid))!), created: true };
      }
      update.run({
        id: existing.id,
        ...common,
        has_workflow_enabled: Number(hb.workflow_enabled !== undefined),
        has_operational_state: Number(hb.operational_state !== undefined),
        has_pid: Number(hb.pid !== undefined),
        has_hostname: Number(hb.hostname !== undefined),
        has_metadata: Number(hb.metadata !== undefined),
      });
      return { agent: toRecord(byId.get(existing.id)!), created: false };
    },

    list(
      filter: AgentFilter = {},
      limit = 10_000,
      offset = 0,
    ): { items: AgentRecord[]; total: number } {
      const where = new Where()
        .when('agent_type = @agentType', 'agentType', filter.agentType)
        .when('status = @status', 'status', filter.status)
        .when('namespace = @namespace', 'namespace', filter.namespace);
      if (!filter.includeExited && filter.status !== 'EXITED')
        where.raw("status != 'EXITED' AND operational_state != 'EXITED'");
      const { items, total } = selectPage<AgentRow>(db, {
        table: 'agents',
        where,
        order: 'instance_name',
        limit,
        offset,
      });
      return { items: items.map(toRecord), total };
    },

    all(): AgentRecord[] {
      return (db.prepare('SELECT * FROM agents ORDER BY id').all() as AgentRow[]).map(toRecord);
    },

    /** The monitor's mark_stale_agents(): silent longer than the cutoff -> EXITED/EXITED. */
    markStale(cutoffIso: string, now: string): AgentRecord[] {
      return markStale.all(now, cutoffIso).map(toRecord);
    },

    /** Plain create from `POST /api/systemagents/` (full validation happened in the route). */
    create(
      fields: Pick<AgentRecord, 'instance_name' | 'agent_type' | 'status'> & Partial<AgentRecord>,
      now: string,
    ) {
      const info = insert.run({
        instance_name: fields.instance_name,
        agent_type: fields.agent_type,
        description: fields.description ?? '',
        status: fields.status,
        agent_url: fields.agent_url ?? null,
        namespace: fields.namespace ?? null,
        workflow_enabled:
          fields.workflow_enabled === undefined ? null : Number(fields.workflow_enabled),
        operational_state: fields.operational_state ?? null,
        pid: fields.pid ?? null,
        hostname: fields.hostname ?? null,
        metadata: fields.metadata === undefined ? null : toStoredJson(fields.metadata, 'metadata'),
        now,
      });
      // A plain create has no heartbeat yet, unlike the heartbeat upsert that shares the statement.
      db.prepare('UPDATE agents SET last_heartbeat = NULL WHERE id = ?').run(info.lastInsertRowid);
      return toRecord(byId.get(Number(info.lastInsertRowid))!);
    },

    patch(
      id: number,
      fields: Partial<Omit<AgentRecord, 'id' | 'created_at' | 'updated_at'>>,
      now: string,
    ) {
      const cols = Object.keys(fields) as (keyof typeof fields)[];
      if (cols.length) {
        const sets = cols.map((c) => `${c} = @${c}`).join(', ');
        const values: Record<string, unknown> = { id, now };
        for (const c of cols) {
          const v = fields[c];
          values[c] =
            c === 'metadata'
              ? v === null || v === undefined
                ? null
                : toStoredJson(v, 'metadata')
              : typeof v === 'boolean'
                ? Number(v)
                : v;
        }
        db.prepare(`UPDATE agents SET ${sets}, updated_at = @now WHERE id = @id`).run(values);
      }
      const row = byId.get(id);
      return row && toRecord(row);
    },

    remove(id: number): boolean {
      return db.prepare('DELETE FROM agents WHERE id = ?').run(id).changes > 0;
    },
  };
}

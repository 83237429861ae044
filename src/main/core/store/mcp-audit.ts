import type {
  McpAuditInput,
  McpAuditOutcome,
  McpAuditRecord,
} from '../../../shared/mcp-activity.js';
import type { Db, Migration } from './db.js';
import { fromStoredJson, storedJsonOrNote } from '../../../shared/json-limits.js';

export type { McpAuditInput, McpAuditOutcome, McpAuditRecord };

export const mcpAuditMigrations: Migration[] = [
  {
    id: 'mcp-audit-001-create',
    up: `CREATE TABLE mcp_audit (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at TEXT NOT NULL,
      client_name TEXT,
      client_version TEXT,
      transport TEXT NOT NULL,
      tool TEXT NOT NULL,
      arguments TEXT,
      outcome TEXT NOT NULL,
      error TEXT,
      duration_ms REAL NOT NULL
    );
    CREATE INDEX mcp_audit_at ON mcp_audit(at);
    CREATE INDEX mcp_audit_tool ON mcp_audit(tool);`,
  },
];

interface Row {
  id: number;
  at: string;
  client_name: string | null;
  client_version: string | null;
  transport: string;
  tool: string;
  arguments: string | null;
  outcome: McpAuditOutcome;
  error: string | null;
  duration_ms: number;
}

const toRecord = (r: Row): McpAuditRecord => ({
  id: r.id,
  at: r.at,
  clientName: r.client_name,
  clientVersion: r.client_version,
  transport: r.transport,
  tool: r.tool,
  arguments: r.arguments === null ? null : fromStoredJson(r.arguments),
  outcome: r.outcome,
  error: r.error,
  durationMs: r.duration_ms,
});

export interface McpAuditQuery {
  tool?: string;
  transport?: string;
  outcome?: McpAuditOutcome;
  since?: string;
  limit?: number;
  offset?: number;
}

/** Arguments are stored as JSON; anything beyond this is cut so one call cannot bloat the table. */
const MAX_ARGUMENT_CHARS = 16_384;

export function createMcpAuditStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO mcp_audit (at, client_name, client_version, transport, tool, arguments, outcome, error, duration_ms)
     VALUES (@at, @client_name, @client_version, @transport, @tool, @arguments, @outcome, @error, @duration_ms)`,
  );
  return {
    append(entry: McpAuditInput): McpAuditRecord {
      let args = entry.arguments === undefined ? null : storedJsonOrNote(entry.arguments);
      if (args !== null && args.length > MAX_ARGUMENT_CHARS)
        args = JSON.stringify({ truncated: true, prefix: args.slice(0, MAX_ARGUMENT_CHARS) });
      const info = insert.run({
        at: entry.at,
        client_name: entry.clientName,
        client_version: entry.clientVersion,
        transport: entry.transport,
        tool: entry.tool,
        arguments: args,
        outcome: entry.outcome,
        error: entry.error,
        duration_ms: entry.durationMs,
      });
      return {
        ...entry,
        arguments: args === null ? null : fromStoredJson(args),
        id: Number(info.lastInsertRowid),
      };
    },

    /** Newest first. */
    query(q: McpAuditQuery = {}): { items: McpAuditRecord[]; total: number } {
      const where: string[] = [];
      const params: Record<string, string | number> = {};
      const add = (sql: string, key: string, value: string | undefined) => {
        if (value === undefined || value === '') return;
        where.push(sql);
        params[key] = value;
      };
      add('tool = @tool', 'tool', q.tool);
      add('transport = @transport', 'transport', q.transport);
      add('outcome = @outcome', 'outcome', q.outcome);
      add('at >= @since', 'since', q.since);
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const total = (
        db.prepare(`SELECT COUNT(*) AS n FROM mcp_audit ${clause}`).get(params) as { n: number }
      ).n;
      const rows = db
        .prepare(`SELECT * FROM mcp_audit ${clause} ORDER BY id DESC LIMIT @limit OFFSET @offset`)
        .all({ ...params, limit: q.limit ?? 100, offset: q.offset ?? 0 }) as Row[];
      return { items: rows.map(toRecord), total };
    },
  };
}

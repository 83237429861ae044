import type { Db } from './db.js';

type Param = string | number;

/** Builds a WHERE clause from optional filters: a filter whose value is absent adds nothing. */
export class Where {
  private readonly parts: string[] = [];
  readonly params: Record<string, Param> = {};

  /** `sql` uses `@key` for the value. */
  when(sql: string, key: string, value: Param | undefined | null): this {
    if (value === undefined || value === null || value === '') return this;
    this.parts.push(sql);
    this.params[key] = value;
    return this;
  }

  eq(column: string, value: Param | undefined | null): this {
    return this.when(`${column} = @${column}`, column, value);
  }

  raw(sql: string): this {
    this.parts.push(sql);
    return this;
  }

  get clause(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

/** One page of rows plus the total that matched, as every list view and MCP tool needs. */
export function selectPage<Row>(
  db: Db,
  q: { table: string; where: Where; order: string; limit: number; offset?: number },
): { items: Row[]; total: number } {
  const total = (
    db.prepare(`SELECT COUNT(*) AS n FROM ${q.table} ${q.where.clause}`).get(q.where.params) as {
      n: number;
    }
  ).n;
  const items = db
    .prepare(
      `SELECT * FROM ${q.table} ${q.where.clause} ORDER BY ${q.order} LIMIT @limit OFFSET @offset`,
    )
    .all({ ...q.where.params, limit: q.limit, offset: q.offset ?? 0 }) as Row[];
  return { items, total };
}

import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from './db.js';

/**
 * The monitor's plain ModelViewSets (runs, STF files, executions, ...) all behave alike: create with
 * required fields, get by primary key, list with equality filters, partial update, delete. One
 * table family module describes its columns once; this turns the description into validated,
 * prepared SQL so each module stays a page of declarations.
 */
export type ColumnKind = 'text' | 'int' | 'real' | 'bool' | 'json' | 'time';

export interface ColumnSpec {
  kind: ColumnKind;
  required?: boolean;
  /** Value used on create when the body omits the column. */
  default?: unknown;
  maxLength?: number;
  /** Allowed values (DRF choices). */
  choices?: readonly string[];
  /** Set by the server, never taken from a body. */
  readOnly?: boolean;
}

export interface ResourceSpec {
  table: string;
  /** Primary key column; `auto` = integer rowid, `uuid` = server-made UUID unless given, `given` = body must carry it. */
  pk: { name: string; kind: 'auto' | 'uuid' | 'given' };
  columns: Record<string, ColumnSpec>;
  /** Columns a list may filter on with `?col=value`. */
  filters: readonly string[];
  /** ORDER BY of lists. */
  order: string;
  /** Columns stamped with the server time on create / on every write. */
  createdAt?: string;
  updatedAt?: string;
}

export type Row = Record<string, unknown>;

export class ResourceError extends Error {
  constructor(
    readonly fields: Record<string, string[]>,
    readonly status = 400,
  ) {
    super(
      Object.entries(fields)
        .map(([k, v]) => `${k}: ${v.join(' ')}`)
        .join('; '),
    );
  }
}

function columnSchema(spec: ColumnSpec): z.ZodType {
  let s: z.ZodType;
  switch (spec.kind) {
    case 'text':
      s = spec.choices
        ? z.enum(spec.choices as [string, ...string[]])
        : z.string().max(spec.maxLength ?? 100_000);
      break;
    case 'int':
      s = z.number().int();
      break;
    case 'real':
      s = z.number();
      break;
    case 'bool':
      s = z.boolean();
      break;
    case 'time':
      s = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'Datetime has wrong format.');
      break;
    case 'json':
      s = z.unknown();
      break;
  }
  return s.nullable();
}

function fromZodIssues(error: z.ZodError): ResourceError {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : 'non_field_errors';
    (fields[key] ??= []).push(issue.message);
  }
  return new ResourceError(fields);
}

export function createResource(db: Db, spec: ResourceSpec) {
  const { table, pk } = spec;
  const writable = Object.entries(spec.columns).filter(([, c]) => !c.readOnly);
  const allColumns = [pk.name, ...Object.keys(spec.columns)];

  const shape: Record<string, z.ZodType> = {};
  for (const [name, c] of writable) shape[name] = columnSchema(c).optional();
  if (pk.kind !== 'auto') shape[pk.name] = z.string().min(1).max(255).optional();
  const bodySchema = z.object(shape);

  const encode = (name: string, value: unknown): unknown => {
    const c = spec.columns[name];
    if (value === undefined || value === null || !c) return value ?? null;
    if (c.kind === 'json') return JSON.stringify(value);
    if (c.kind === 'bool') return value ? 1 : 0;
    if (c.kind === 'time') return new Date(Date.parse(value as string)).toISOString();
    return value;
  };
  const decode = (row: Row): Row => {
    const out: Row = {};
    for (const name of allColumns) {
      const c = spec.columns[name];
      const v = row[name];
      out[name] =
        c && v !== null && v !== undefined
          ? c.kind === 'json'
            ? JSON.parse(v as string)
            : c.kind === 'bool'
              ? v === 1
              : v
          : v;
    }
    return out;
  };

  const byPk = db.prepare(`SELECT * FROM ${table} WHERE ${pk.name} = ?`);

  function validate(body: unknown, partial: boolean): Row {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ResourceError({ non_field_errors: ['Invalid data. Expected a dictionary.'] });
    }
    const parsed = bodySchema.safeParse(body);
    if (!parsed.success) throw fromZodIssues(parsed.error);
    const data = parsed.data as Row;
    if (!partial) {
      const missing: Record<string, string[]> = {};
      for (const [name, c] of writable) {
        if (c.required && (data[name] === undefined || data[name] === null))
          missing[name] = ['This field is required.'];
      }
      if (pk.kind === 'given' && !data[pk.name]) missing[pk.name] = ['This field is required.'];
      if (Object.keys(missing).length) throw new ResourceError(missing);
    }
    return data;
  }

  return {
    spec,
    validate,

    get(key: string | number): Row | undefined {
      const row = byPk.get(key) as Row | undefined;
      return row && decode(row);
    },

    /** Inserts a validated body; unique violations come back as DRF-style 400s. */
    create(body: unknown, now: string): Row {
      const data = validate(body, false);
      const values: Row = {};
      for (const [name, c] of Object.entries(spec.columns)) {
        const v = data[name] !== undefined ? data[name] : c.default;
        values[name] = encode(name, v);
      }
      if (spec.createdAt) values[spec.createdAt] = now;
      if (spec.updatedAt) values[spec.updatedAt] = now;
      if (pk.kind === 'uuid')
        values[pk.name] = (data[pk.name] as string | undefined) ?? randomUUID();
      if (pk.kind === 'given') values[pk.name] = data[pk.name];
      const cols = Object.keys(values);
      try {
        const info = db
          .prepare(
            `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`,
          )
          .run(values);
        const key = pk.kind === 'auto' ? Number(info.lastInsertRowid) : (values[pk.name] as string);
        return decode(byPk.get(key) as Row);
      } catch (err) {
        throw translateConstraint(err, table);
      }
    },

    patch(key: string | number, body: unknown, now: string): Row | undefined {
      const data = validate(body, true);
      delete data[pk.name];
      const values: Row = { __pk: key };
      for (const [name, v] of Object.entries(data))
        if (v !== undefined) values[name] = encode(name, v);
      if (spec.updatedAt) values[spec.updatedAt] = now;
      const sets = Object.keys(values).filter((k) => k !== '__pk');
      if (sets.length) {
        try {
          db.prepare(
            `UPDATE ${table} SET ${sets.map((c) => `${c} = @${c}`).join(', ')} WHERE ${pk.name} = @__pk`,
          ).run(values);
        } catch (err) {
          throw translateConstraint(err, table);
        }
      }
      return this.get(key);
    },

    remove(key: string | number): boolean {
      return db.prepare(`DELETE FROM ${table} WHERE ${pk.name} = ?`).run(key).changes > 0;
    },

    list(
      filters: Record<string, string | number>,
      limit?: number,
      offset = 0,
    ): { items: Row[]; total: number } {
      const where: string[] = [];
      const params: Row = {};
      for (const name of spec.filters) {
        const v = filters[name];
        if (v === undefined || v === '') continue;
        where.push(`${name} = @${name}`);
        params[name] =
          spec.columns[name]?.kind === 'bool' ? (v === 'true' || v === '1' ? 1 : 0) : v;
      }
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const total = (
        db.prepare(`SELECT COUNT(*) AS n FROM ${table} ${clause}`).get(params) as { n: number }
      ).n;
      const rows = db
        .prepare(
          `SELECT * FROM ${table} ${clause} ORDER BY ${spec.order} LIMIT @limit OFFSET @offset`,
        )
        .all({ ...params, limit: limit ?? -1, offset }) as Row[];
      return { items: rows.map(decode), total };
    },
  };
}

export type Resource = ReturnType<typeof createResource>;

function translateConstraint(err: unknown, table: string): unknown {
  const message = (err as Error).message ?? '';
  const unique = /UNIQUE constraint failed: \w+\.(\w+)/.exec(message);
  if (unique) {
    const col = unique[1]!;
    const noun = table.replace(/s$/, '').replace(/_/g, ' ');
    return new ResourceError({
      [col]: [`${noun} with this ${col.replace(/_/g, ' ')} already exists.`],
    });
  }
  if (/FOREIGN KEY constraint failed/.test(message)) {
    return new ResourceError({ non_field_errors: ['A referenced object does not exist.'] });
  }
  return err;
}

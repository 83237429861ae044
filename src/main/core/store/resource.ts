import { z } from 'zod';
import type { Db } from './db.js';
import { fieldSchema, filterValue, type FieldKind } from './drf-fields.js';
import { uuidv7 } from './uuid7.js';

/**
 * The monitor's plain ModelViewSets (runs, STF files, executions, ...) all behave alike: create with
 * required fields, get by primary key, list with equality filters, partial update, delete. One
 * table family module describes its columns once; this turns the description into validated,
 * prepared SQL so each module stays a page of declarations.
 */
export type ColumnKind = FieldKind;

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
  /** The model forbids null: a body's `null` is a 400, as DRF answers it. */
  notNull?: boolean;
}

/** A list filter that is not plain column equality (a lookup through a linked row, a renamed column). */
export interface FilterSpec {
  name: string;
  kind: ColumnKind;
  /** SQL condition using the parameter `@<name>`. */
  where: string;
  /** A value the view checks itself, and its message for any other value. */
  pattern?: RegExp;
  invalid?: string;
}

export interface ResourceSpec {
  table: string;
  /**
   * Primary key column; `auto` = integer rowid, `uuid` = server-made UUID unless given, `given` =
   * body must carry it (`int`: an integer key, stored as text, rendered as a number).
   */
  pk: { name: string; kind: 'auto' | 'uuid' | 'given'; int?: boolean };
  columns: Record<string, ColumnSpec>;
  /** What a list may filter on: `?col=value` on a column, or a lookup described by a FilterSpec. */
  filters: readonly (string | FilterSpec)[];
  /** ORDER BY of lists. */
  order: string;
  /** ORDER BY of REST lists when it differs: swf-monitor's model ordering, or insertion order where it has none. */
  apiOrder?: string;
  /** Columns stamped with the server time on create / on every write. */
  createdAt?: string;
  updatedAt?: string;
  /**
   * The unique column by which the recorder may have made a row before any client created it (a
   * run from `run_imminent`): the first REST create for that value adopts the row instead of
   * failing as a duplicate, and is answered as a create.
   */
  adoptBy?: string;
}

export type Row = Record<string, unknown>;

export class ResourceError extends Error {
  constructor(
    /** DRF renders a field's errors as a list, or as a bare string when a view raises one. */
    readonly fields: Record<string, string[] | string>,
    readonly status = 400,
  ) {
    super(
      Object.entries(fields)
        .map(([k, v]) => `${k}: ${[v].flat().join(' ')}`)
        .join('; '),
    );
  }
}

function fromZodIssues(error: z.ZodError): ResourceError {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : 'non_field_errors';
    (fields[key] ??= []).push(issue.message);
  }
  return new ResourceError(fields);
}

/** Bounds the per-table cache of prepared statements (its keys come from request bodies). */
const MAX_CACHED_STATEMENTS = 64;

export function createResource(db: Db, spec: ResourceSpec) {
  const { table, pk } = spec;
  const writable = Object.entries(spec.columns).filter(([, c]) => !c.readOnly);
  const allColumns = [pk.name, ...Object.keys(spec.columns)];

  const shape: Record<string, z.ZodType> = {};
  for (const [name, c] of writable) shape[name] = fieldSchema(c);
  if (pk.kind === 'given' && pk.int) shape[pk.name] = fieldSchema({ kind: 'int' });
  else if (pk.kind !== 'auto') shape[pk.name] = fieldSchema({ kind: 'text', maxLength: 255 });
  const bodySchema = z.object(shape);

  const encode = (name: string, value: unknown): unknown => {
    const c = spec.columns[name];
    if (value === undefined || value === null || !c) return value ?? null;
    if (c.kind === 'json') return JSON.stringify(value);
    if (c.kind === 'bool') return value ? 1 : 0;
    if (c.kind === 'time') return new Date(Date.parse(value as string)).toISOString();
    return value;
  };
  const pkOut = (v: unknown) => (pk.int && typeof v === 'string' ? Number(v) : v);
  const decode = (row: Row): Row => {
    const out: Row = {};
    for (const name of allColumns) {
      const c = spec.columns[name];
      const v = name === pk.name ? pkOut(row[name]) : row[name];
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

  const inTransaction = db.transaction((work: () => Row[]): Row[] => work());
  const byPk = db.prepare(`SELECT * FROM ${table} WHERE ${pk.name} = ?`);
  // The SQL of inserts, updates and lists depends on which columns and filters a request names;
  // the combinations clients use are few, and preparing costs more than running on the hot path.
  const statements = new Map<string, ReturnType<Db['prepare']>>();
  const prepared = (sql: string) => {
    let stmt = statements.get(sql);
    if (!stmt) {
      if (statements.size >= MAX_CACHED_STATEMENTS) statements.clear();
      stmt = db.prepare(sql);
      statements.set(sql, stmt);
    }
    return stmt;
  };
  const storedKey = (key: string | number) => (pk.int ? String(key) : key);
  const adoptLookup = spec.adoptBy
    ? db.prepare(`SELECT ${pk.name} AS k FROM ${table} WHERE ${spec.adoptBy} = ?`)
    : undefined;
  // Only tables a recorder may fill carry the bookkeeping of rows it made.
  const markRecorderRow = spec.adoptBy
    ? db.prepare('INSERT OR IGNORE INTO recorder_rows (table_name, row_key) VALUES (?, ?)')
    : undefined;
  const takeRecorderRow = spec.adoptBy
    ? db.prepare('DELETE FROM recorder_rows WHERE table_name = ? AND row_key = ?')
    : undefined;
  const filterSpecs: FilterSpec[] = spec.filters.map((f) =>
    typeof f === 'string'
      ? {
          name: f,
          kind:
            f === pk.name
              ? pk.kind === 'auto'
                ? 'int'
                : 'text'
              : (spec.columns[f]?.kind ?? 'text'),
          where: `${f} = @${f}`,
        }
      : f,
  );

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
        if (!c.required) continue;
        // DRF: an absent required field is "required"; an explicit null on a non-null one is not null.
        if (data[name] === undefined) missing[name] = ['This field is required.'];
        else if (data[name] === null) missing[name] = ['This field may not be null.'];
      }
      if (
        pk.kind === 'given' &&
        (data[pk.name] === undefined || data[pk.name] === null || data[pk.name] === '')
      )
        missing[pk.name] = ['This field is required.'];
      if (Object.keys(missing).length) throw new ResourceError(missing);
    }
    return data;
  }

  /** The WHERE clause and parameters of a list's filters; a value a filter cannot take is a 400. */
  function whereOf(filters: Record<string, string | number>): { clause: string; params: Row } {
    const where: string[] = [];
    const params: Row = {};
    const bad: Record<string, string[] | string> = {};
    for (const f of filterSpecs) {
      // django-filter and the monitor's own views strip query values.
      const raw =
        typeof filters[f.name] === 'string' ? (filters[f.name] as string).trim() : filters[f.name];
      if (raw === undefined || raw === '') continue;
      if (f.pattern && typeof raw === 'string' && !f.pattern.test(raw)) {
        bad[f.name] = f.invalid ?? 'Enter a valid value.';
        continue;
      }
      const v = typeof raw === 'number' ? raw : filterValue(f.kind, raw);
      if (v === undefined) {
        bad[f.name] = [f.kind === 'bool' ? 'Select a valid choice.' : 'Enter a number.'];
        continue;
      }
      where.push(`(${f.where})`);
      params[f.name] = f.name === pk.name && pk.int ? String(v) : v;
    }
    if (Object.keys(bad).length) throw new ResourceError(bad);
    return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
  }

  return {
    spec,
    validate,

    get(key: string | number): Row | undefined {
      const row = byPk.get(storedKey(key)) as Row | undefined;
      return row && decode(row);
    },

    /**
     * Inserts a validated body; unique violations come back as DRF-style 400s, except the first
     * create of a row the recorder made, which takes the body's fields and is answered as new.
     */
    create(body: unknown, now: string): Row {
      return this.createValid(validate(body, false), now);
    },

    /** `create` for a body that `validate(body, false)` returned. */
    createValid(data: Row, now: string): Row {
      if (adoptLookup && spec.adoptBy) {
        const value = spec.adoptBy === pk.name ? data[pk.name] : data[spec.adoptBy];
        const hit = adoptLookup.get(spec.adoptBy === pk.name && pk.int ? String(value) : value) as
          { k: string | number } | undefined;
        if (hit && takeRecorderRow!.run(table, String(hit.k)).changes > 0) {
          const fields = { ...data };
          delete fields[pk.name];
          return this.patchValid(pkOut(hit.k) as string | number, fields, now) as Row;
        }
      }
      const values: Row = {};
      for (const [name, c] of Object.entries(spec.columns)) {
        const v = data[name] !== undefined ? data[name] : c.default;
        values[name] = encode(name, v);
      }
      if (spec.createdAt) values[spec.createdAt] = now;
      if (spec.updatedAt) values[spec.updatedAt] = now;
      // Time-ordered ids append to the primary-key index instead of dirtying a random page of it.
      if (pk.kind === 'uuid') values[pk.name] = (data[pk.name] as string | undefined) ?? uuidv7();
      if (pk.kind === 'given') values[pk.name] = pk.int ? String(data[pk.name]) : data[pk.name];
      const cols = Object.keys(values);
      let info: { lastInsertRowid: number | bigint };
      try {
        // Positional binding: named binding of a whole row measured about twice as slow.
        info = prepared(
          `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
        ).run(cols.map((c) => values[c]));
      } catch (err) {
        throw translateConstraint(err, table);
      }
      // Every column was written just now, so the row is what was bound: no read back.
      if (pk.kind === 'auto') values[pk.name] = Number(info.lastInsertRowid);
      return decode(values);
    },

    /** Validated bodies stored in one transaction: all of them or, on the first error, none. */
    createManyValid(rows: Row[], now: string): Row[] {
      return inTransaction(() => rows.map((r) => this.createValid(r, now)));
    },

    /** A create made by the recorder: the first REST create of the same row adopts it. */
    createAsRecorder(body: unknown, now: string): Row {
      const row = this.create(body, now);
      if (!markRecorderRow) throw new Error(`${table} has no adoptBy column`);
      markRecorderRow.run(table, String(row[pk.name]));
      return row;
    },

    patch(key: string | number, body: unknown, now: string): Row | undefined {
      return this.patchValid(key, validate(body, true), now);
    },

    /** `patch` for a body that `validate(body, partial)` returned. */
    patchValid(key: string | number, body: Row, now: string): Row | undefined {
      const data = { ...body };
      delete data[pk.name];
      const values: Row = { __pk: storedKey(key) };
      for (const [name, v] of Object.entries(data))
        if (v !== undefined) values[name] = encode(name, v);
      if (spec.updatedAt) values[spec.updatedAt] = now;
      const sets = Object.keys(values).filter((k) => k !== '__pk');
      if (sets.length) {
        try {
          prepared(
            `UPDATE ${table} SET ${sets.map((c) => `${c} = @${c}`).join(', ')} WHERE ${pk.name} = @__pk`,
          ).run(values);
        } catch (err) {
          throw translateConstraint(err, table);
        }
      }
      return this.get(key);
    },

    remove(key: string | number): boolean {
      const gone = prepared(`DELETE FROM ${table} WHERE ${pk.name} = ?`).run(storedKey(key));
      if (gone.changes > 0) takeRecorderRow?.run(table, String(key));
      return gone.changes > 0;
    },

    /** True when some row matches the filters (one indexed probe, no count). */
    exists(filters: Record<string, string | number>): boolean {
      const { clause, params } = whereOf(filters);
      return prepared(`SELECT 1 FROM ${table} ${clause} LIMIT 1`).get(params) !== undefined;
    },

    list(
      filters: Record<string, string | number>,
      limit?: number,
      offset = 0,
      forApi = false,
    ): { items: Row[]; total: number } {
      const { clause, params } = whereOf(filters);
      const total = (
        prepared(`SELECT COUNT(*) AS n FROM ${table} ${clause}`).get(params) as { n: number }
      ).n;
      const rows = prepared(
        `SELECT * FROM ${table} ${clause} ORDER BY ${forApi ? (spec.apiOrder ?? spec.order) : spec.order} LIMIT @limit OFFSET @offset`,
      ).all({ ...params, limit: limit ?? -1, offset }) as Row[];
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
  const notNull = /NOT NULL constraint failed: \w+\.(\w+)/.exec(message);
  if (notNull) return new ResourceError({ [notNull[1]!]: ['This field may not be null.'] });
  if (/FOREIGN KEY constraint failed/.test(message)) {
    return new ResourceError({ non_field_errors: ['A referenced object does not exist.'] });
  }
  return err;
}

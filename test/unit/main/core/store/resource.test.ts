import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../../../../src/main/core/store/db.js';
import { createResource } from '../../../../../src/main/core/store/resource.js';
import { tempDir } from '../../../../helpers/temp-dir.js';

/**
 * A create answers with the row it bound instead of reading it back: the answer must be exactly
 * what a later read returns, for every kind of key and column.
 */
describe('resource create', () => {
  const dir = tempDir('swf-cc-resource-');
  const db = openDb(join(dir.path, 'r.sqlite'));
  afterAll(() => {
    db.close();
    dir.remove();
  });
  db.exec(`
    CREATE TABLE auto_rows (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL,
      flag INTEGER, meta TEXT, at TEXT, size INTEGER, created_at TEXT, updated_at TEXT);
    CREATE TABLE uuid_rows (row_id TEXT PRIMARY KEY, name TEXT, status TEXT);
    CREATE TABLE given_rows (num TEXT PRIMARY KEY, name TEXT);`);
  const columns = {
    name: { kind: 'text' as const, required: true },
    flag: { kind: 'bool' as const, default: false },
    meta: { kind: 'json' as const },
    at: { kind: 'time' as const },
    size: { kind: 'int' as const },
    created_at: { kind: 'time' as const, readOnly: true },
    updated_at: { kind: 'time' as const, readOnly: true },
  };
  const auto = createResource(db, {
    table: 'auto_rows',
    pk: { name: 'id', kind: 'auto' },
    columns,
    filters: [],
    order: 'id',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
  });
  const uuid = createResource(db, {
    table: 'uuid_rows',
    pk: { name: 'row_id', kind: 'uuid' },
    columns: {
      name: { kind: 'text' },
      status: { kind: 'text', default: 'registered', choices: ['registered', 'done'] },
    },
    filters: [],
    order: 'row_id',
  });
  const given = createResource(db, {
    table: 'given_rows',
    pk: { name: 'num', kind: 'given', int: true },
    columns: { name: { kind: 'text' } },
    filters: [],
    order: 'num',
  });
  const now = '2026-12-01T10:00:00.000Z';

  it('answers an auto-key row as it reads back: bool, JSON, time and defaults decoded', () => {
    const made = auto.create(
      {
        name: 'a',
        flag: true,
        meta: { k: [1, 'x', null], n: { d: 2 } },
        at: '2026-12-01T11:00:00+01:00',
        size: 7,
      },
      now,
    );
    expect(made).toEqual(auto.get(made.id as number));
    expect(made).toMatchObject({ flag: true, at: '2026-12-01T10:00:00.000Z', created_at: now });
    const bare = auto.create({ name: 'b' }, now);
    expect(bare).toEqual(auto.get(bare.id as number));
    expect(bare).toMatchObject({ flag: false, meta: null, at: null, size: null });
  });

  it('answers a server-made UUID key and a given integer key as they read back', () => {
    const u = uuid.create({ name: 'u' }, now);
    expect(u).toEqual(uuid.get(u.row_id as string));
    expect(u.status).toBe('registered');
    const g = given.create({ num: 42, name: 'g' }, now);
    expect(g).toEqual(given.get(42));
    expect(g.num).toBe(42);
  });

  it('stores all of a list or none of it', () => {
    const before = uuid.list({}, 100, 0, true).items.length;
    expect(() =>
      uuid.createManyValid(
        [
          { name: 'ok', status: 'done' },
          { row_id: 'dup', name: 'x' },
          { row_id: 'dup', name: 'y' },
        ],
        now,
      ),
    ).toThrow();
    expect(uuid.list({}, 100, 0, true).items.length).toBe(before);
  });
});

import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDb } from '../../../../../src/main/core/store/db.js';
import { ALL_MIGRATIONS, openStore } from '../../../../../src/main/core/store/index.js';
import { tempDir } from '../../../../helpers/temp-dir.js';

describe('migrations', () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

  it('bring an old database up to date and keep its rows', () => {
    const d = tempDir();
    dirs.push(d);
    const path = join(d.path, 'old.sqlite');
    // An "old release": only the agents and heartbeats families existed.
    const old = openDb(path);
    migrate(
      old,
      ALL_MIGRATIONS.filter((m) => m.id.startsWith('agents-') || m.id.startsWith('heartbeats-')),
    );
    old
      .prepare(
        `INSERT INTO agents (instance_name, agent_type, status, created_at, updated_at, last_heartbeat)
         VALUES ('data-agent-alice-1', 'DATA', 'OK', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`,
      )
      .run();
    old.close();

    const store = openStore(path);
    try {
      const applied = store.db.prepare('SELECT id FROM schema_migrations ORDER BY id').all() as {
        id: string;
      }[];
      expect(applied.map((r) => r.id).sort()).toEqual(ALL_MIGRATIONS.map((m) => m.id).sort());
      expect(store.agents.get('data-agent-alice-1')).toMatchObject({
        agent_type: 'DATA',
        status: 'OK',
      });
      // The new families work on the migrated database.
      expect(store.counters.next('next_run_number', new Date().toISOString())).toBe(100010);
    } finally {
      store.close();
    }
  });

  it('is idempotent and refuses duplicate ids', () => {
    const d = tempDir();
    dirs.push(d);
    const db = openDb(join(d.path, 'x.sqlite'));
    expect(migrate(db, ALL_MIGRATIONS).length).toBe(ALL_MIGRATIONS.length);
    expect(migrate(db, ALL_MIGRATIONS)).toEqual([]);
    expect(() =>
      migrate(db, [
        { id: 'a', up: '' },
        { id: 'a', up: '' },
      ]),
    ).toThrow(/duplicate migration id a/);
    db.close();
  });

  it('rolls back a failing step and leaves the last good state', () => {
    const d = tempDir();
    dirs.push(d);
    const db = openDb(join(d.path, 'y.sqlite'));
    const steps = [
      { id: 't-1', up: 'CREATE TABLE t (a INTEGER)' },
      {
        id: 't-2',
        up: 'ALTER TABLE t ADD COLUMN b INTEGER; ALTER TABLE nope ADD COLUMN c INTEGER',
      },
    ];
    expect(() => migrate(db, steps)).toThrow();
    const cols = (db.prepare('PRAGMA table_info(t)').all() as { name: string }[]).map(
      (c) => c.name,
    );
    expect(cols).toEqual(['a']);
    expect(
      (db.prepare('SELECT id FROM schema_migrations').all() as { id: string }[]).map((r) => r.id),
    ).toEqual(['t-1']);
    db.close();
  });
});

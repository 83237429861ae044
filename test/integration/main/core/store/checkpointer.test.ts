import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startCheckpointer,
  type Checkpointer,
} from '../../../../../src/main/core/store/checkpointer.js';
import { openDb, type Db } from '../../../../../src/main/core/store/db.js';
import { tempDir } from '../../../../helpers/temp-dir.js';
import { waitFor } from '../../../../helpers/wait-for.js';

const dirs: ReturnType<typeof tempDir>[] = [];
const open: { db: Db; cp?: Checkpointer }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.cp?.stop();
    o.db.close();
  }
  for (const d of dirs.splice(0)) d.remove();
});

function fixture() {
  const dir = tempDir('swf-cc-checkpoint-');
  dirs.push(dir);
  const path = join(dir.path, 'db.sqlite');
  const db = openDb(path);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  const o: { db: Db; cp?: Checkpointer } = { db };
  open.push(o);
  return { path, db, o };
}

const autoPages = (db: Db) => db.pragma('wal_autocheckpoint', { simple: true }) as number;
const insert = (db: Db, n: number) => {
  const stmt = db.prepare('INSERT INTO t (v) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < n; i++) stmt.run('x'.repeat(500));
  })();
};

describe('WAL checkpointer (a worker thread with its own connection)', () => {
  it("takes over from the core's automatic checkpoint and copies the WAL into the database", async () => {
    const { path, db, o } = fixture();
    expect(autoPages(db)).toBe(1000);
    o.cp = startCheckpointer(db, {
      path,
      intervalMs: 60_000,
      onError: (e) => expect.fail(e.message),
    });
    await waitFor('the worker took over', () => autoPages(db) === 0);
    insert(db, 5_000);
    const r = await o.cp.checkpointNow();
    expect(r.log).toBeGreaterThan(100);
    expect(r.checkpointed).toBe(r.log);
    await o.cp.stop();
    expect(autoPages(db)).toBe(1000);
  });

  it("switches the core's own checkpoint back on while the WAL is over the valve, and off once it started over", async () => {
    const { path, db, o } = fixture();
    o.cp = startCheckpointer(db, {
      path,
      intervalMs: 60_000,
      valvePages: 50,
      onError: (e) => expect.fail(e.message),
    });
    await waitFor('the worker took over', () => autoPages(db) === 0);
    insert(db, 2_000);
    expect((await o.cp.checkpointNow()).log).toBeGreaterThan(50);
    expect(autoPages(db)).toBe(1000);
    // Everything is copied, so the next write starts the WAL over from its beginning.
    insert(db, 1);
    expect((await o.cp.checkpointNow()).log).toBeLessThan(50);
    expect(autoPages(db)).toBe(0);
  });

  it('spaces its rounds out while nothing is written', async () => {
    const { path, db, o } = fixture();
    o.cp = startCheckpointer(db, { path, intervalMs: 10, onError: (e) => expect.fail(e.message) });
    // Idle rounds double their delay: 10, 20, 40, 80, 160 ms, then 320 ms and more.
    await waitFor('five idle rounds', () => o.cp!.rounds() >= 6, 10_000);
    const before = o.cp.rounds();
    await new Promise((r) => setTimeout(r, 300));
    // At a steady 10 ms this would be about 30 rounds; timers run late, never early.
    expect(o.cp.rounds() - before).toBeLessThanOrEqual(1);
    insert(db, 10);
    await waitFor(
      'a write brings the short interval back',
      () => o.cp!.rounds() >= before + 3,
      10_000,
    );
  });

  it('falls back to the automatic checkpoint when the worker cannot open the database', async () => {
    const { path, db, o } = fixture();
    const errors: Error[] = [];
    o.cp = startCheckpointer(db, {
      path,
      nativeBinding: join(path, 'no-such-binding.node'),
      onError: (e) => errors.push(e),
    });
    await waitFor('the failure reported', () => errors.length === 1);
    expect(autoPages(db)).toBe(1000);
    expect((await o.cp.checkpointNow()).log).toBe(-1);
  });
});

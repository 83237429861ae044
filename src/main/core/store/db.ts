import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/** One schema step of one module; `id` is unique across the application and never reused. */
export interface Migration {
  id: string;
  up: string | ((db: Db) => void);
}

export interface OpenDbOptions {
  /** Path to a better-sqlite3 build for another ABI (Electron); tests use the default Node build. */
  nativeBinding?: string;
}

/**
 * Opens the store. WAL with synchronous=NORMAL: a committed transaction is in the WAL file before
 * the call returns, so a killed process (SIGKILL, crash) loses nothing that was answered; only a
 * power cut can lose the last commits, which is the trade every desktop database makes.
 */
export function openDb(path: string, opts: OpenDbOptions = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Bounds the WAL so a burst of writes does not leave a huge file behind.
  db.pragma('journal_size_limit = 67108864');
  return db;
}

/**
 * Applies, in order, every migration not yet recorded. Each runs in its own transaction together
 * with its bookkeeping row, so a failure leaves the database at the last good step.
 */
export function migrate(db: Db, migrations: readonly Migration[]): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL
  )`);
  const seen = new Set<string>();
  for (const m of migrations) {
    if (seen.has(m.id)) throw new Error(`duplicate migration id ${m.id}`);
    seen.add(m.id);
  }
  const applied = new Set(
    db
      .prepare('SELECT id FROM schema_migrations')
      .all()
      .map((r) => (r as { id: string }).id),
  );
  const record = db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
  const ran: string[] = [];
  for (const m of migrations) {
    if (applied.has(m.id)) continue;
    db.transaction(() => {
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      record.run(m.id, new Date().toISOString());
    })();
    ran.push(m.id);
  }
  return ran;
}

import type { Db, Migration } from './db.js';

/** Captured stdout/stderr lines of supervised programs, capped per program. */
export const processOutputMigrations: Migration[] = [
  {
    id: 'process-output-001-create',
    up: `CREATE TABLE process_output (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      program TEXT NOT NULL,
      at TEXT NOT NULL,
      stream TEXT NOT NULL,
      line TEXT NOT NULL
    );
    CREATE INDEX process_output_program ON process_output(program, id);`,
  },
];

export type OutputStream = 'stdout' | 'stderr';

export interface OutputLine {
  program: string;
  at: string;
  stream: OutputStream;
  line: string;
}

export interface OutputRow extends OutputLine {
  id: number;
}

export interface OutputSearch {
  program: string;
  query: string;
  regex?: boolean;
  stream?: OutputStream;
  limit?: number;
}

export class OutputQueryError extends Error {
  override name = 'OutputQueryError';
}

export type ProcessOutputStore = ReturnType<typeof createProcessOutputStore>;

export function createProcessOutputStore(db: Db, maxRowsPerProgram = 50_000) {
  // Compiled patterns are cached: SQLite calls the function once per row.
  const patterns = new Map<string, RegExp>();
  const compile = (source: string): RegExp => {
    let re = patterns.get(source);
    if (!re) {
      re = new RegExp(source, 'i');
      if (patterns.size > 100) patterns.clear();
      patterns.set(source, re);
    }
    return re;
  };
  db.function('cc_output_regexp', { deterministic: true }, (pattern, text) =>
    compile(String(pattern)).test(String(text)) ? 1 : 0,
  );

  const insert = db.prepare(
    'INSERT INTO process_output (program, at, stream, line) VALUES (?, ?, ?, ?)',
  );
  const cutoff = db.prepare<[string, number], { id: number }>(
    'SELECT id FROM process_output WHERE program = ? ORDER BY id DESC LIMIT 1 OFFSET ?',
  );
  const trim = db.prepare('DELETE FROM process_output WHERE program = ? AND id <= ?');
  const appendMany = db.transaction((lines: OutputLine[]) => {
    const programs = new Set<string>();
    for (const l of lines) {
      insert.run(l.program, l.at, l.stream, l.line);
      programs.add(l.program);
    }
    for (const p of programs) {
      const row = cutoff.get(p, maxRowsPerProgram);
      if (row) trim.run(p, row.id);
    }
  });

  return {
    maxRowsPerProgram,

    /** One transaction per batch; trims each touched program back to its cap. */
    append(lines: OutputLine[]): void {
      if (lines.length) appendMany(lines);
    },

    /** The last `lines` lines, oldest first. */
    tail(program: string, lines = 100, stream?: OutputStream): OutputRow[] {
      const rows = (
        stream
          ? db
              .prepare(
                'SELECT * FROM process_output WHERE program = ? AND stream = ? ORDER BY id DESC LIMIT ?',
              )
              .all(program, stream, lines)
          : db
              .prepare('SELECT * FROM process_output WHERE program = ? ORDER BY id DESC LIMIT ?')
              .all(program, lines)
      ) as OutputRow[];
      return rows.reverse();
    },

    /** Case-insensitive substring or regular-expression search, newest matches last. */
    search(q: OutputSearch): OutputRow[] {
      if (!q.query) throw new OutputQueryError('search needs a non-empty query');
      let match: string;
      let needle: string;
      if (q.regex) {
        try {
          compile(q.query);
        } catch (err) {
          throw new OutputQueryError(`invalid regular expression: ${(err as Error).message}`);
        }
        match = 'cc_output_regexp(@needle, line)';
        needle = q.query;
      } else {
        match = 'instr(lower(line), @needle) > 0';
        needle = q.query.toLowerCase();
      }
      const rows = db
        .prepare(
          `SELECT * FROM process_output WHERE program = @program ${q.stream ? 'AND stream = @stream' : ''}
           AND ${match} ORDER BY id DESC LIMIT @limit`,
        )
        .all({
          program: q.program,
          needle,
          limit: q.limit ?? 200,
          ...(q.stream ? { stream: q.stream } : {}),
        }) as OutputRow[];
      return rows.reverse();
    },

    count(program?: string): number {
      return (
        (program
          ? db.prepare('SELECT COUNT(*) AS n FROM process_output WHERE program = ?').get(program)
          : db.prepare('SELECT COUNT(*) AS n FROM process_output').get()) as { n: number }
      ).n;
    },
  };
}

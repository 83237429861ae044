import type { Db, Migration } from './db.js';
import { compileLinearRegex, type LinearRegex, RegexSyntaxError } from './linear-regex.js';

/** Wall-clock budget of one regular-expression search over stored output. */
const SEARCH_BUDGET_MS = 600;
/** Rows matched per event-loop turn; a page of typical lines costs a few milliseconds. */
const PAGE_ROWS = 500;

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

/** A stream a supervised process writes (the UI's wire shape adds `system` lines). */
export type CapturedStream = 'stdout' | 'stderr';

/** One captured output line as stored. */
export interface CapturedLine {
  program: string;
  at: string;
  stream: CapturedStream;
  line: string;
}

export interface OutputRow extends CapturedLine {
  id: number;
}

export interface OutputSearch {
  program: string;
  query: string;
  regex?: boolean;
  stream?: CapturedStream;
  limit?: number;
}

export class OutputQueryError extends Error {
  override name = 'OutputQueryError';
}

export type ProcessOutputStore = ReturnType<typeof createProcessOutputStore>;

export function createProcessOutputStore(db: Db, maxRowsPerProgram = 50_000) {
  const insert = db.prepare(
    'INSERT INTO process_output (program, at, stream, line) VALUES (?, ?, ?, ?)',
  );
  const cutoff = db.prepare<[string, number], { id: number }>(
    'SELECT id FROM process_output WHERE program = ? ORDER BY id DESC LIMIT 1 OFFSET ?',
  );
  const trim = db.prepare('DELETE FROM process_output WHERE program = ? AND id <= ?');
  const appendMany = db.transaction((lines: CapturedLine[]) => {
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
    append(lines: CapturedLine[]): void {
      if (lines.length) appendMany(lines);
    },

    /** The last `lines` lines, oldest first. */
    tail(program: string, lines = 100, stream?: CapturedStream): OutputRow[] {
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

    /**
     * Case-insensitive substring or regular-expression search, newest matches last. A regular
     * expression runs on RE2 over pages of rows, yielding to the event loop between pages, within
     * `budgetMs` of wall time; past it the search is cut with an error that says how far it got.
     */
    async search(q: OutputSearch, budgetMs = SEARCH_BUDGET_MS): Promise<OutputRow[]> {
      if (!q.query) throw new OutputQueryError('search needs a non-empty query');
      const limit = q.limit ?? 200;
      const params = { program: q.program, ...(q.stream ? { stream: q.stream } : {}) };
      const where = `program = @program ${q.stream ? 'AND stream = @stream' : ''}`;
      if (!q.regex) {
        const rows = db
          .prepare(
            `SELECT * FROM process_output WHERE ${where} AND instr(lower(line), @needle) > 0
             ORDER BY id DESC LIMIT @limit`,
          )
          .all({ ...params, needle: q.query.toLowerCase(), limit }) as OutputRow[];
        return rows.reverse();
      }
      let re: LinearRegex;
      try {
        re = compileLinearRegex(q.query);
      } catch (err) {
        if (err instanceof RegexSyntaxError)
          throw new OutputQueryError(`invalid regular expression: ${err.message}`);
        throw err;
      }
      const page = db.prepare(
        `SELECT * FROM process_output WHERE ${where} AND id < @before ORDER BY id DESC LIMIT ${PAGE_ROWS}`,
      );
      const deadline = performance.now() + budgetMs;
      const found: OutputRow[] = [];
      let scanned = 0;
      let before = Number.MAX_SAFE_INTEGER;
      for (;;) {
        const rows = page.all({ ...params, before }) as OutputRow[];
        for (const row of rows) {
          if (re.test(row.line)) found.push(row);
          if (found.length >= limit) return found.reverse();
          if (++scanned % 64 === 0 && performance.now() > deadline)
            throw new OutputQueryError(
              `search cut after ${budgetMs} ms: the regular expression scanned ${scanned} lines ` +
                `and found ${found.length}; use a simpler pattern, a stream or a plain-text query`,
            );
        }
        if (rows.length < PAGE_ROWS) return found.reverse();
        before = rows[rows.length - 1]!.id;
        // Other requests, the broker and the agents' heartbeats are served between pages.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
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

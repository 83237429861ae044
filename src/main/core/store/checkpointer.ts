import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './db.js';

/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever commit
 * takes the WAL past 1,000 pages, copies those pages into the database file and syncs it: a
 * retention pass frees thousands of pages, so its checkpoints land on the next ingest commits and
 * hold the event loop for tens of milliseconds. Here a worker thread with its own connection
 * checkpoints on a timer instead (PASSIVE: it neither waits for nor blocks the writer), and the
 * core's connection checkpoints only as a safety valve.
 *
 * A passive checkpoint that races a steady writer may never find the WAL fully copied, and only a
 * fully copied WAL starts over from its beginning; past {@link VALVE_PAGES} the core's own
 * automatic checkpoint is switched back on until the WAL has started over, which then copies only
 * the few pages the worker has not. If the worker cannot start or dies, the automatic checkpoint
 * stays on: nothing is lost but the latency.
 */
const VALVE_PAGES = 16_384;
const AUTO_PAGES = 1_000;
// While nothing is written the rounds space out to this, so an idle core wakes the worker rarely.
const IDLE_INTERVAL_MS = 4_000;

// The worker is plain CommonJS given as source: it bundles as a string with the core and needs no
// file of its own beside the bundle.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path, workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {});
parentPort.on('message', (m) => {
  if (m === 'close') { db.close(); parentPort.close(); return; }
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, log: r.log, checkpointed: r.checkpointed });
  } catch (err) {
    parentPort.postMessage({ ok: false, error: String(err && err.message) });
  }
});
parentPort.postMessage({ ready: true });
`;

type Reply =
  { ready: true } | { ok: true; log: number; checkpointed: number } | { ok: false; error: string };

export interface CheckpointerOptions {
  /** The database file `db` has open. */
  path: string;
  /** How often the worker checkpoints while the WAL grows (250 ms). */
  intervalMs?: number;
  /** WAL pages past which the core's own checkpoint helps out; {@link VALVE_PAGES} by default. */
  valvePages?: number;
  nativeBinding?: string;
  /** A worker failure; the core's automatic checkpoint has been switched back on. */
  onError(err: Error): void;
}

export interface Checkpointer {
  /** Resolves with the WAL's pages and how many of them are copied, after one checkpoint now. */
  checkpointNow(): Promise<{ log: number; checkpointed: number }>;
  /** Checkpoints the worker has run so far. */
  rounds(): number;
  stop(): Promise<void>;
}

export function startCheckpointer(db: Db, opts: CheckpointerOptions): Checkpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      module: createRequire(import.meta.url).resolve('better-sqlite3'),
      path: opts.path,
      nativeBinding: opts.nativeBinding,
    },
  });
  // The core's shutdown stops the worker; it must never be what keeps the process alive.
  worker.unref();
  let alive = true;
  let valveOpen = false;
  const interval = opts.intervalMs ?? 250;
  let delay = interval;
  let lastLog = -1;
  let rounds = 0;
  let timer: NodeJS.Timeout | undefined;
  const waiting: ((r: { log: number; checkpointed: number }) => void)[] = [];
  let inFlight = false;

  const autoCheckpoint = (pages: number) => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${pages}`);
  };
  const fail = (err: Error) => {
    if (!alive) return;
    alive = false;
    clearTimeout(timer);
    autoCheckpoint(AUTO_PAGES);
    for (const w of waiting.splice(0)) w({ log: -1, checkpointed: -1 });
    opts.onError(err);
  };
  const request = () => {
    if (!alive || inFlight) return;
    inFlight = true;
    worker.postMessage('checkpoint');
  };
  const schedule = () => {
    if (!alive) return;
    clearTimeout(timer);
    timer = setTimeout(request, delay);
    timer.unref();
  };

  worker.on('message', (r: Reply) => {
    if ('ready' in r) {
      autoCheckpoint(0);
      return schedule();
    }
    inFlight = false;
    rounds++;
    if (!r.ok) return fail(new Error(`WAL checkpoint failed: ${r.error}`));
    delay = r.log === lastLog ? Math.min(delay * 2, IDLE_INTERVAL_MS) : interval;
    lastLog = r.log;
    schedule();
    if (!valveOpen && r.log > (opts.valvePages ?? VALVE_PAGES)) {
      valveOpen = true;
      autoCheckpoint(AUTO_PAGES);
    } else if (valveOpen && r.log < AUTO_PAGES) {
      valveOpen = false;
      autoCheckpoint(0);
    }
    for (const w of waiting.splice(0)) w({ log: r.log, checkpointed: r.checkpointed });
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`checkpoint worker exited (${code})`)));

  return {
    checkpointNow() {
      if (!alive) return Promise.resolve({ log: -1, checkpointed: -1 });
      const p = new Promise<{ log: number; checkpointed: number }>((r) => waiting.push(r));
      request();
      return p;
    },
    rounds: () => rounds,
    async stop() {
      if (!alive) return;
      alive = false;
      clearTimeout(timer);
      const exited = new Promise<void>((r) => worker.once('exit', () => r()));
      // Held while it closes: otherwise a process with nothing else left would end mid-shutdown.
      worker.ref();
      worker.postMessage('close');
      await exited;
      autoCheckpoint(AUTO_PAGES);
      for (const w of waiting.splice(0)) w({ log: -1, checkpointed: -1 });
    },
  };
}

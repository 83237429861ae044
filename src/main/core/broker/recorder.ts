import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { describeIssues, type StoredWorkflowMessage } from '../../../shared/workflow-messages.js';
import type { EventBus } from '../events.js';
import { silentLogger, type Logger } from '../logger.js';
import type { HeartbeatService } from '../monitor/heartbeat-service.js';
import type { Store } from '../store/index.js';
import { nowIso } from '../time.js';
import { parseDelivery, preview, storedRowOf } from './message-parse.js';
import type { RecorderStats } from '../../../shared/cc-status.js';
import { createProblemCounter, type RecorderProblem } from './problem-counter.js';
import { accountMessage } from './run-accounting.js';
import { createProgressAnnouncer } from './progress-announcer.js';
import { runProgressOf } from './run-lifecycle.js';
import { announceRuns } from '../monitor/run-records.js';
import type { DeliveredMessage, MessageSource } from './delivered-message.js';

/**
 * The heartbeat listener + workflow recorder.
 *
 * Its input is a plain stream of delivered messages, so one recorder serves both broker modes:
 * - embedded: the broker's `observe(listener)` hands it every SEND on every destination, queues
 *   included, without taking a message away from any consumer;
 * - external: the STOMP client subscribes to the workflow and heartbeat topics and hands it what
 *   arrives, plus every message the control center itself sends (so its own workflow-control
 *   commands are recorded). Queues of an external broker are NOT observed: a STOMP subscriber on a
 *   queue competes with the real consumer and steals messages, and the ways around it are broker
 *   configuration we do not own (ActiveMQ mirrored queues or advisories with message bodies,
 *   Artemis diverts); ActiveMQ's `browser: true` only snapshots what is still waiting. Commands
 *   that other tools put on `/queue/workflow_control` are therefore seen only in embedded mode.
 *
 * Rules per body (the monitor's `activemq_processor`; parsing in `message-parse.ts`, run and STF
 * bookkeeping in `run-accounting.ts`): `agent_name` + `status` without
 * `msg_type` = seed heartbeat (touch, creating the agent as `Unknown`); `msg_type: "heartbeat"` = a
 * TypeScript agent's full heartbeat; any other `msg_type` is stored in `workflow_messages` with
 * the real destination. Run lifecycle messages advance `run_states`/`runs`, STF stage messages
 * advance `stf_progress`. Everything else is counted per reason and logged; nothing stops it.
 *
 * Throughput: `ingest` only queues. The queue is stored in one SQLite transaction per tick
 * (`flushIntervalMs`) or as soon as `maxBatch` messages wait; events go out after the commit.
 */

export interface RecorderOptions {
  store: Store;
  heartbeats: HeartbeatService;
  bus: EventBus;
  logger?: Logger;
  flushIntervalMs?: number;
  maxBatch?: number;
}

export interface Recorder {
  /** Queues one delivered message; never throws. */
  ingest(msg: DeliveredMessage): void;
  /** Stores everything queued now, synchronously. */
  flush(): void;
  /** Resolves once the queue is empty and stored. */
  idle(): Promise<void>;
  stats(): RecorderStats;
  /** Stores what is queued and stops; later messages are counted as `after_stop`. */
  stop(): void;
}

interface Queued {
  msg: DeliveredMessage;
  at: string;
}

type HeartbeatTask =
  | { kind: 'seed'; name: string; status: string; destination: string }
  | { kind: 'full'; body: Record<string, unknown>; destination: string };

interface BatchResult {
  stored: StoredWorkflowMessage[];
  heartbeats: HeartbeatTask[];
  runs: Set<number>;
  createdRuns: number[];
  endedRuns: number[];
  problems: [RecorderProblem, string][];
}

const MAX_STORE_ATTEMPTS = 3;
/** Run progress is announced at most this often while messages flow (the UI redraws at ~4 Hz). */
const PROGRESS_INTERVAL_MS = 250;

/** Connects a message source to the recorder; returns the disconnect. */
export function wireRecorder(recorder: Recorder, source: MessageSource): () => void {
  return source.observe((msg) => recorder.ingest(msg));
}

export function createRecorder(opts: RecorderOptions): Recorder {
  const { store, heartbeats, bus } = opts;
  const log = opts.logger ?? silentLogger;
  const flushIntervalMs = opts.flushIntervalMs ?? 20;
  const maxBatch = opts.maxBatch ?? 5_000;
  const problems = createProblemCounter(log);

  let queue: Queued[] = [];
  let attempts = 0;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let stopped = false;
  let waiters: (() => void)[] = [];
  const stats = { received: 0, stored: 0, heartbeats: 0, batches: 0, maxBatchMs: 0 };
  let lastBatch: RecorderStats['lastBatch'] = null;
  const progress = createProgressAnnouncer((runs) => {
    const at = nowIso();
    for (const run of runs) bus.emit('run.progress', runProgressOf(store, run, at));
  }, PROGRESS_INTERVAL_MS);

  // Receive times at millisecond resolution; formatting one ISO string per millisecond rather
  // than per message matters at tens of thousands of messages a second.
  let isoMs = -1;
  let iso = '';
  const receivedAt = () => {
    const ms = Date.now();
    if (ms !== isoMs) {
      isoMs = ms;
      iso = new Date(ms).toISOString();
    }
    return iso;
  };

  /** Classifies and stores one message inside the batch transaction. */
  function handle(item: Queued, out: BatchResult): void {
    const { destination, body } = item.msg;
    const d = parseDelivery(destination, body);
    switch (d.kind) {
      case 'problem':
        out.problems.push([d.reason, d.detail]);
        return;
      case 'seed-heartbeat':
        out.heartbeats.push({ kind: 'seed', name: d.name, status: d.status, destination });
        return;
      case 'heartbeat':
        out.heartbeats.push({ kind: 'full', body: d.body, destination });
        return;
      case 'workflow':
        break;
    }
    if (!d.check.ok)
      out.problems.push(['invalid_fields', `${d.msgType} on ${destination}: ${d.check.issues}`]);
    out.stored.push(
      store.workflowMessages.append(storedRowOf(d.msgType, d.body, destination), item.at, d.text),
    );
    if (!d.check.ok || !d.check.known) return;
    const r = accountMessage(store, d.check.message, item.at, destination);
    if ('run' in r) {
      out.runs.add(r.run);
      if (r.created) out.createdRuns.push(r.run);
      if (r.ended) out.endedRuns.push(r.run);
    }
    if ('problem' in r) out.problems.push(r.problem);
  }

  const storeBatch = store.db.transaction((batch: Queued[]): BatchResult => {
    const out: BatchResult = {
      stored: [],
      heartbeats: [],
      runs: new Set(),
      createdRuns: [],
      endedRuns: [],
      problems: [],
    };
    for (const item of batch) {
      // A statement that fails only undoes itself; the rest of the batch still commits.
      try {
        handle(item, out);
      } catch (err) {
        if (isSqliteFatal(err)) throw err;
        out.problems.push([
          'invalid_fields',
          `${item.msg.destination}: ${(err as Error).message}; body ${preview(item.msg.body)}`,
        ]);
      }
    }
    return out;
  });

  function runHeartbeat(task: HeartbeatTask) {
    try {
      if (task.kind === 'seed') {
        heartbeats.touch(task.name, { status: task.status, createAs: 'Unknown' }, 'stomp');
      } else {
        heartbeats.record(task.body, 'stomp');
      }
      stats.heartbeats++;
    } catch (err) {
      const detail = err instanceof z.ZodError ? describeIssues(err) : (err as Error).message;
      problems.add('invalid_heartbeat', `${task.destination}: ${detail}`);
    }
  }

  function flush(): void {
    clearTimers();
    if (queue.length === 0) return settle();
    const batch = queue;
    queue = [];
    const t0 = performance.now();
    let result: BatchResult;
    try {
      result = storeBatch(batch);
      attempts = 0;
    } catch (err) {
      attempts++;
      if (attempts < MAX_STORE_ATTEMPTS) {
        log.error(`storing a batch of ${batch.length} messages failed; retrying`, err);
        queue = batch.concat(queue);
        schedule();
      } else {
        log.error(`storing a batch of ${batch.length} messages failed ${attempts} times; dropped`);
        for (let i = 0; i < batch.length; i++) problems.add('store_failed', (err as Error).message);
        attempts = 0;
        if (queue.length) schedule();
        else settle();
      }
      return;
    }
    const ms = performance.now() - t0;
    stats.batches++;
    stats.stored += result.stored.length;
    lastBatch = { size: batch.length, ms };
    if (ms > stats.maxBatchMs) stats.maxBatchMs = ms;
    for (const [reason, detail] of result.problems) problems.add(reason, detail);
    for (const task of result.heartbeats) runHeartbeat(task);
    for (const message of result.stored) bus.emit('workflow.message', { message });
    announceRuns(bus, store, 'run.created', result.createdRuns);
    progress.mark(result.runs);
    if (result.endedRuns.length) {
      progress.flush();
      announceRuns(bus, store, 'run.ended', result.endedRuns);
    }
    if (queue.length) schedule();
    else settle();
  }

  function settle() {
    if (queue.length || waiters.length === 0) return;
    progress.flush();
    const done = waiters;
    waiters = [];
    for (const w of done) w();
  }

  function clearTimers() {
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    timer = undefined;
    immediate = undefined;
  }

  function schedule() {
    if (stopped) return;
    if (queue.length >= maxBatch) {
      if (!immediate) immediate = setImmediate(flush);
    } else if (!timer && !immediate) {
      timer = setTimeout(flush, flushIntervalMs);
    }
  }

  return {
    ingest(msg) {
      stats.received++;
      if (stopped) {
        problems.add('after_stop', `${msg.destination}: body ${preview(msg.body)}`);
        return;
      }
      queue.push({ msg, at: receivedAt() });
      // A producer that never yields (a synchronous burst) gets its own work done inline, so
      // the queue stays bounded instead of growing until the process runs out of memory.
      if (queue.length >= maxBatch * 10) flush();
      else schedule();
    },
    flush,
    idle() {
      if (queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    stats() {
      return {
        ...stats,
        problems: problems.counts(),
        queued: queue.length,
        lastBatch,
      };
    },
    stop() {
      if (stopped) return;
      flush();
      stopped = true;
      clearTimers();
      // Only a batch SQLite just refused can still be here: say so rather than lose it silently.
      for (const item of queue) {
        problems.add('store_failed', `still queued at stop: ${item.msg.destination}`);
      }
      queue = [];
      settle();
      progress.flush();
    },
  };
}

/** Errors after which the whole transaction is gone (disk full, I/O, busy): retry the batch. */
function isSqliteFatal(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return (
    typeof code === 'string' &&
    /^SQLITE_(FULL|IOERR|BUSY|LOCKED|NOMEM|CORRUPT|READONLY|CANTOPEN|NOTADB)/.test(code)
  );
}

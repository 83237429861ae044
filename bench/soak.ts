/**
 * Soak: the four built-in agents (built, as child processes) against an in-process core with its
 * embedded broker, through paced runs back to back. Every report interval it prints the RSS of the
 * core and of each agent, the database size and the ingest latency p99 of heartbeats (REST) and
 * messages (STOMP SEND with receipt, on a connection of their own) probed at 10/s each. The bench
 * drives the retention passes itself (`pruneNow`, with row caps low enough that they delete), so it
 * knows when one runs and compares the probes' p99 during passes with the p99 outside them (target
 * ratio <= 2). At the end it prints each process's growth after warm-up (target <= 20 MB).
 *
 *   npm run build && node --expose-gc --import tsx bench/soak.ts [--quick] [--stfs 50000] [--run-stfs 1000]
 *     [--rate 20] [--report-seconds 60] [--prune-seconds 30] [--message-max-rows 200000]
 *
 * `--quick`: 1,500 STFs in runs of 500, reports every 15 s, a pass every 10 s.
 * The probes run in the core's process (the core is in-process), so their latency includes the
 * bench's own work; the ratio compares like with like.
 */
import { readdirSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AgentStompClient } from '../agents/lib/agent-stomp-client.js';
import { agentEnv, ensureAgentsBuilt, spawnAgent, stopAgent } from '../test/helpers/agent-fleet.js';
import { startTestCore } from '../test/helpers/core.js';
import { tempDir } from '../test/helpers/temp-dir.js';
import { waitFor } from '../test/helpers/wait-for.js';
import { fmt, percentile, rssMb } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    stfs: { type: 'string' },
    'run-stfs': { type: 'string' },
    rate: { type: 'string', default: '20' },
    'report-seconds': { type: 'string' },
    'prune-seconds': { type: 'string' },
    'message-max-rows': { type: 'string' },
  },
});
const quick = values.quick;
const total = Number(values.stfs ?? (quick ? 1500 : 50_000));
const perRun = Number(values['run-stfs'] ?? (quick ? 500 : 1000));
const rate = Number(values.rate);
const reportS = Number(values['report-seconds'] ?? (quick ? 15 : 60));
const pruneS = Number(values['prune-seconds'] ?? (quick ? 10 : 30));
const maxRows = Number(values['message-max-rows'] ?? (quick ? 5_000 : 200_000));
const TF_PER_STF = 7;

ensureAgentsBuilt();
const t = await startTestCore({
  namespace: 'soak',
  retention: {
    messageMaxRows: maxRows,
    logMaxRows: maxRows,
    heartbeatMaxRows: maxRows,
    // The bench runs every pass itself, so it knows when one is running.
    pruneIntervalSeconds: 1e6,
  },
});
const dir = tempDir('swf-cc-soak-');
const broker = { host: '127.0.0.1', port: t.core.broker!.port };
const creds = t.core.brokerCredentials;
const env = agentEnv(t, broker, {
  ACTIVEMQ_USER: creds.login,
  ACTIVEMQ_PASSWORD: creds.passcode,
  SWF_NAMESPACE: 'soak',
  SWF_HEARTBEAT_INTERVAL: '5',
  SWF_PROCESSING_MS: '0',
  SWF_DATA_DIR: join(dir.path, 'stf'),
  SWF_RUN_SETTLE_MS: '10000',
});
const agents = (['daqsim', 'data', 'processing', 'fastmon'] as const).map((n) =>
  spawnAgent(n, env),
);
await waitFor(
  'four agents READY',
  async () => {
    const res = await t.api('/api/systemagents/');
    const list = (await res.json()) as { operational_state: string }[];
    return list.filter((a) => a.operational_state === 'READY').length === 4;
  },
  60_000,
);

const stompClient = () =>
  new AgentStompClient({
    host: broker.host,
    port: broker.port,
    login: creds.login,
    passcode: creds.passcode,
    ssl: false,
    heartbeatMs: 10_000,
    reconnectInitialMs: 200,
    reconnectMaxMs: 1000,
  });
// One subscriber that keeps no history: per-run counters only.
const conn = stompClient();
// Counted per run as they come: a run's first messages can arrive before its accept reply does.
const tfByRun = new Map<unknown, number>();
const endedRuns = new Set<unknown>();
const finishedRuns = new Set<unknown>();
let stfsDone = 0;
conn.subscribe('/topic/epictopic', (text) => {
  const m = JSON.parse(text) as Record<string, unknown>;
  if (finishedRuns.has(m.run_id)) return;
  if (m.msg_type === 'tf_file_registered') tfByRun.set(m.run_id, (tfByRun.get(m.run_id) ?? 0) + 1);
  if (m.msg_type === 'end_run') endedRuns.add(m.run_id);
});
let reply: Record<string, unknown> | undefined;
conn.subscribe('/queue/soak.replies', (text) => (reply = JSON.parse(text) as typeof reply));
conn.start();
await conn.waitUp(30_000);
// The message probes publish on a connection of their own: a receipt on the subscriber's
// connection queues behind every pipeline message the broker is still delivering to it, which
// measures that subscriber's backlog, not how soon the core takes a message in.
const probeConn = stompClient();
probeConn.start();
await probeConn.waitUp(30_000);

// ---- probes and pruning windows ----------------------------------------------------------------
interface Sample {
  start: number;
  ms: number;
  pruning: boolean;
}
const hb: Sample[] = [];
const msg: Sample[] = [];
const allHb: Sample[] = [];
const allMsg: Sample[] = [];
let pruning = false;
// A pass may hold the core's event loop for its whole length, so a probe counts as "during" when
// its time span overlaps a pass's, not when the flag is up as it starts or ends.
const passSpans: [number, number][] = [];
let passes = 0;
let deleted = 0;
const probe = async (into: Sample[], all: Sample[], op: () => Promise<unknown>) => {
  const t0 = performance.now();
  await op();
  const s = { start: t0, ms: performance.now() - t0, pruning: false };
  into.push(s);
  all.push(s);
};
const classify = (s: Sample[]) => {
  for (const x of s) x.pruning = passSpans.some(([a, b]) => x.start <= b && x.start + x.ms >= a);
};
const hbBody = {
  instance_name: 'soak-probe',
  agent_type: 'soak',
  status: 'OK',
  namespace: 'soak',
  operational_state: 'READY',
};
const probeTimer = setInterval(() => {
  void probe(hb, allHb, () =>
    t.api('/api/systemagents/heartbeat/', { method: 'POST', json: hbBody }).then((r) => r.text()),
  ).catch(() => undefined);
  void probe(msg, allMsg, () =>
    probeConn.send(
      '/topic/soak.probe',
      JSON.stringify({ msg_type: 'soak_probe', namespace: 'soak' }),
      {
        receipt: true,
      },
    ),
  ).catch(() => undefined);
}, 100);
const pruneTimer = setInterval(() => {
  if (pruning) return;
  pruning = true;
  const started = performance.now();
  t.core
    .pruneNow()
    .then((r) => {
      passSpans.push([started, performance.now()]);
      passes++;
      for (const x of r) deleted += x.deleted;
    })
    .catch(() => undefined)
    .finally(() => (pruning = false));
}, pruneS * 1000);

// ---- reports ------------------------------------------------------------------------------------
const dbBytes = () =>
  readdirSync(t.dataDir)
    .filter((f) => f.includes('.sqlite'))
    .reduce((n, f) => n + statSync(join(t.dataDir, f)).size, 0);
const p99 = (s: Sample[], during?: boolean) =>
  percentile(
    s
      .filter((x) => during === undefined || x.pruning === during)
      .map((x) => x.ms)
      .sort((a, b) => a - b),
    99,
  );
const rss: Record<string, number[]> = {};
const t0 = Date.now();
const report = () => {
  const procs: [string, number][] = [
    ['core', process.pid],
    ...agents.map((a): [string, number] => [a.name, a.child.pid!]),
  ];
  const parts = procs.map(([n, pid]) => {
    const mb = rssMb(pid);
    (rss[n] ??= []).push(mb);
    return `${n} ${fmt(mb, 0)}`;
  });
  // The core shares this process with the bench, so its RSS also moves with the bench's own
  // garbage; run with --expose-gc to see the core's live heap after a full collection as well.
  const gc = (globalThis as { gc?: () => void }).gc;
  let heap = '';
  if (gc) {
    gc();
    const mb = process.memoryUsage().heapUsed / 1048576;
    (rss['core heap'] ??= []).push(mb);
    heap = `, core heap after GC ${fmt(mb, 1)}`;
  }
  console.log(
    `t=${fmt((Date.now() - t0) / 1000, 0)} s  STFs ${stfsDone}  RSS MB: ${parts.join(', ')}${heap}  db ${fmt(dbBytes() / 1048576, 1)} MB  p99 heartbeat ${fmt(p99(hb), 1)} ms, message ${fmt(p99(msg), 1)} ms  passes ${passes} (${deleted} rows)  load ${loadavg()[0]!.toFixed(2)}`,
  );
  hb.length = 0;
  msg.length = 0;
};
const reportTimer = setInterval(report, reportS * 1000);

// ---- runs back to back --------------------------------------------------------------------------
const gap = 1 / rate / 2;
async function startRun(n: number): Promise<Record<string, unknown>> {
  reply = undefined;
  await conn.send(
    '/queue/workflow_control',
    JSON.stringify({
      msg_type: 'run_workflow',
      namespace: 'soak',
      workflow_name: 'stf_datataking',
      realtime: true,
      params: {
        stf_count: n,
        physics_period_count: 1,
        stf_interval: gap,
        stf_generation_time: gap,
        no_beam_not_ready_delay: 0,
        beam_not_ready_delay: 0,
        beam_ready_delay: 0,
        broadcast_delay: 0,
        // Each broadcast takes this much simulated time too: 0, so one STF takes exactly 1/rate.
        broadcast_time: 0,
        beam_not_ready_end_delay: 0,
      },
      reply_to: '/queue/soak.replies',
    }),
    { receipt: true },
  );
  return waitFor('run_workflow reply', () => reply, 30_000);
}
for (let done = 0; done < total;) {
  const n = Math.min(perRun, total - done);
  // end_run goes out a little before the simulator closes its execution; until then it refuses a
  // new run as "still running", so the next run is asked for again until accepted.
  const r = await waitFor(
    'next run accepted',
    async () => {
      const answer = await startRun(n);
      if (answer.accepted === true) return answer;
      if (!String(answer.reason).includes('still running'))
        throw new Error(`run refused: ${String(answer.reason)}`);
      return undefined;
    },
    60_000,
    200,
  );
  const runId = r.run_id;
  const tfSeen = () => tfByRun.get(runId) ?? 0;
  await waitFor(
    `run ${String(runId)} through fastmon`,
    () => {
      stfsDone = done + Math.floor(tfSeen() / TF_PER_STF);
      return endedRuns.has(runId) && tfSeen() >= n * TF_PER_STF;
    },
    (n / rate) * 1000 * 5 + 60_000,
    50,
  ).catch((err: unknown) => {
    // A stalled run: what the agents said about it is the first thing to read.
    console.log(`\n${String(err)}; tf_file_registered seen ${tfSeen()} of ${n * TF_PER_STF}`);
    for (const a of agents) {
      const said = a
        .output()
        .split('\n')
        .filter((l) => /WARN|ERROR|CRITICAL/.test(l));
      console.log(`${a.name}: ${said.length} warnings and errors`, said.slice(-10).join('\n'));
    }
    throw err;
  });
  done += n;
  stfsDone = done;
  finishedRuns.add(runId);
  tfByRun.delete(runId);
  endedRuns.delete(runId);
}
report();
clearInterval(reportTimer);
clearInterval(probeTimer);
clearInterval(pruneTimer);

// ---- summary ------------------------------------------------------------------------------------
const warm = Math.floor((rss.core?.length ?? 0) / 5);
classify(allHb);
classify(allMsg);
console.log(
  `\n${total} STFs in runs of ${perRun} at ${rate} STFs/s; ${passes} retention passes deleted ${deleted} rows`,
);
for (const [n, series] of Object.entries(rss)) {
  const growth = Math.max(...series.slice(warm)) - series[warm]!;
  console.log(
    `  ${n.padEnd(11)} RSS after warm-up ${fmt(series[warm]!, 0)} MB, max ${fmt(Math.max(...series.slice(warm)), 0)} MB, growth ${fmt(growth, 1)} MB (target <= 20)`,
  );
}
for (const [name, s] of [
  ['heartbeat', allHb],
  ['message', allMsg],
] as const) {
  const inside = p99(s, true);
  const outside = p99(s, false);
  console.log(
    `  ${name} ingest p99: during passes ${fmt(inside, 1)} ms (${s.filter((x) => x.pruning).length} probes), outside ${fmt(outside, 1)} ms; ratio ${fmt(inside / outside, 2)} (target <= 2)`,
  );
}
// What the file holds: the history tables under their caps, the run records (kept, as the
// monitor keeps them) in proportion to the STFs.
const db = new Database(join(t.dataDir, 'swf-control-center.sqlite'), { readonly: true });
const rows = (table: string) =>
  (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
console.log(
  `  history rows (cap ${maxRows}): ${['workflow_messages', 'heartbeats', 'app_logs']
    .map((x) => `${x} ${rows(x)}`)
    .join(', ')}`,
);
console.log(
  `  run records: ${['stf_files', 'fastmon_files', 'stf_progress', 'runs']
    .map((x) => `${x} ${rows(x)}`)
    .join(', ')}`,
);
db.close();
console.log(
  `  database ${fmt(dbBytes() / 1048576, 1)} MB (${fmt(dbBytes() / total / 1024, 1)} kB per STF); load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

await Promise.all(agents.map((a) => stopAgent(a, 'SIGTERM')));
await probeConn.close();
await conn.close();
await t.close();
dir.remove();

/**
 * The whole streaming pipeline under load: a real core (the built CLI, its own process), its
 * embedded broker (or `--broker activemq`: Debian's ActiveMQ 5.17), and the four built
 * TypeScript agents as child processes. One fast-mode run of N STFs (count mode, one period);
 * the bench follows the run through the core's progress counts and afterwards reads the messages
 * the recorder stored. Prints the wall time, STFs/s and the end-to-end latency per STF from its
 * `stf_gen` to its last `tf_file_registered` (from the messages' own timestamps, and from the
 * core's receive times), p50/p99, and where the CPU went.
 *
 *   npm run build && node --import tsx bench/pipeline.ts [--stfs 10000] [--size 4096] [--workers 16]
 *     [--interval 0.1]   (paced: real-time run, one STF every 0.1 s + interval, no state delays)
 *     [--rate 20]        (paced at this many STFs/s: generation time and interval split the period)
 *     [--stf-dir /dev/shm] (where the data agent's STF files go; default: beside the core's data)
 *
 * In fast mode the simulator outruns the pipeline, so the latency is mostly queueing behind the
 * backlog; the paced mode shows the latency of an STF through a pipeline that keeps up.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pidusage from 'pidusage';
import { describeFileSystem } from './lib/file-system.js';
import { machineCounters, machineShare, procCounters } from './lib/proc-counters.js';
import { startActiveMq } from '../test/helpers/activemq.js';
import {
  type AgentName,
  ensureAgentsBuilt,
  observe,
  spawnAgent,
  stopAgent,
} from '../test/helpers/agent-fleet.js';
import { waitFor } from '../test/helpers/wait-for.js';
import { spawnCore } from '../test/helpers/cli-process.js';
import { tempDir } from '../test/helpers/temp-dir.js';
import { fmt, percentile, rssMb } from './lib/stats.js';
import { DEFAULT_MAX_WORKERS } from '../agents/lib/settings.js';
import type { WorkflowMessageRecord } from '../src/main/core/store/workflow-messages.js';
import type { RunProgress } from '../src/shared/workflow-messages/stored.js';

const { values } = parseArgs({
  options: {
    stfs: { type: 'string', default: '10000' },
    // embedded: the core's own broker (what the app uses); activemq: Debian's ActiveMQ 5.17.
    broker: { type: 'string', default: 'embedded' },
    size: { type: 'string', default: '4096' },
    // Messages each agent handles at once; unset, the agents' own default.
    workers: { type: 'string' },
    // Real-time mode with this stf_interval (s): latency below saturation instead of queue time.
    interval: { type: 'string' },
    // Real-time mode at this many STFs/s (generation time and interval split the period).
    rate: { type: 'string' },
    // Write a V8 CPU profile of the core and of each agent into this folder (open in DevTools).
    profile: { type: 'string' },
    // The data agent's STF files go in a fresh folder under this one (default: the bench's own
    // temporary folder, beside the core's database).
    'stf-dir': { type: 'string' },
  },
});
const nodeArgs = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : [];
const N = Number(values.stfs);
if (values.rate !== undefined) values.interval = String(1 / Number(values.rate) / 2);
const genTime =
  values.rate !== undefined ? { stf_generation_time: 1 / Number(values.rate) / 2 } : {};
const TF_PER_STF = 7;

ensureAgentsBuilt();
const dir = tempDir('swf-cc-bench-pipeline-');
const stfDir = values['stf-dir']
  ? tempDir('swf-cc-bench-stf-', values['stf-dir'])
  : { path: join(dir.path, 'stf'), remove: () => undefined };
const [amq, core] = await Promise.all([
  values.broker === 'activemq' ? startActiveMq() : undefined,
  spawnCore(
    ['--port', '0', '--broker-port', '0', '--data-dir', join(dir.path, 'core')],
    {},
    nodeArgs,
  ),
]);
const token = readFileSync(join(dir.path, 'core', 'token'), 'utf8').trim();
const embeddedPort = async () => {
  const res = await fetch(`${core.url}api/cc/status/`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const { broker } = (await res.json()) as { broker: { detail?: string } };
  return Number(/:(\d+)$/.exec(broker.detail ?? '')?.[1]);
};
const brokerAddr = amq
  ? { host: amq.host, port: amq.port }
  : { host: '127.0.0.1', port: await embeddedPort() };
const brokerName = amq ? 'ActiveMQ 5.17' : 'the embedded broker';
const base = core.url.replace(/\/$/, '');
const api = async <T>(path: string) =>
  (await (
    await fetch(`${base}${path}`, { headers: { authorization: `Token ${token}` } })
  ).json()) as T;

const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  USER: 'bench',
  ACTIVEMQ_HOST: brokerAddr.host,
  ACTIVEMQ_PORT: String(brokerAddr.port),
  // ActiveMQ's test helper accepts admin/admin; the embedded broker has its per-install passcode.
  ACTIVEMQ_USER: amq ? 'admin' : 'swf',
  ACTIVEMQ_PASSWORD: amq
    ? 'admin'
    : readFileSync(join(dir.path, 'core', 'broker-passcode'), 'utf8').trim(),
  SWF_MONITOR_URL: base,
  SWF_MONITOR_HTTP_URL: base,
  SWF_API_TOKEN: token,
  SWF_ENV_LOADED: 'true',
  SWF_NAMESPACE: 'bench',
  SWF_HEARTBEAT_INTERVAL: '5',
  SWF_PROCESSING_MS: '0',
  SWF_STF_SIZE_BYTES: values.size,
  SWF_DATA_DIR: stfDir.path,
  ...(values.workers ? { SWF_AGENT_MAX_WORKERS: values.workers } : {}),
  SWF_RUN_SETTLE_MS: '10000',
};
const obs = await observe(brokerAddr, ['/queue/bench.replies'], {
  login: env.ACTIVEMQ_USER!,
  passcode: env.ACTIVEMQ_PASSWORD!,
});
const names: AgentName[] = ['daqsim', 'data', 'processing', 'fastmon'];
const agents = names.map((n) => spawnAgent(n, env, nodeArgs));
await waitFor(
  'four agents READY',
  async () =>
    (await api<{ operational_state: string }[]>('/api/systemagents/')).filter(
      (a) => a.operational_state === 'READY',
    ).length === 4,
  60_000,
);
console.log(
  `core pid ${core.child.pid}, ${brokerName} on ${brokerAddr.port}, agents: ${agents.map((a) => `${a.name} ${a.child.pid}`).join(', ')}`,
);
console.log(
  `run: ${N.toLocaleString('en-US')} STFs, ${values.interval === undefined ? 'fast mode' : `real time, stf_interval ${values.interval} s`}, ${values.size} B each, ${TF_PER_STF} TF samples per STF, ${values.workers ?? `${DEFAULT_MAX_WORKERS} (the default)`} workers per agent`,
);
console.log(
  `STF files in ${stfDir.path}${((fs) => (fs ? `, on ${fs}` : ''))(describeFileSystem(stfDir.path))}`,
);

const procs: [string, number][] = [
  ['core', core.child.pid!],
  ...agents.map((a): [string, number] => [a.name, a.child.pid!]),
  ['bench', process.pid],
];
const cpuBefore = await pidusage(procs.map(([, pid]) => pid));
const countersBefore = procs.map(([, pid]) => procCounters(pid));
const machineBefore = machineCounters();
const t0 = Date.now();
await obs.send('/queue/workflow_control', {
  msg_type: 'run_workflow',
  namespace: 'bench',
  workflow_name: 'stf_datataking',
  realtime: values.interval !== undefined,
  params:
    values.interval === undefined
      ? { stf_count: N, physics_period_count: 1 }
      : {
          stf_count: N,
          physics_period_count: 1,
          stf_interval: Number(values.interval),
          ...genTime,
          no_beam_not_ready_delay: 0,
          beam_not_ready_delay: 0,
          beam_ready_delay: 0,
          broadcast_delay: 0,
          // One STF is broadcast + generation + interval: 0 here, so --rate is the real rate.
          broadcast_time: 0,
          beam_not_ready_end_delay: 0,
        },
  reply_to: '/queue/bench.replies',
});
const reply = await waitFor('accept', () => obs.of('workflow_control_reply')[0], 30_000);
if (reply.accepted !== true) throw new Error(`run refused: ${String(reply.reason)}`);
const runId = reply.run_id as number;

// Progress comes from the core, as the GUI sees it (the run's per-stage counts), and the
// per-STF latency from the messages the recorder stored: a subscriber of its own on the topic
// would take ~1 ms of CPU per STF from the same two cores the pipeline runs on.
const executionId = reply.execution_id as string;
// Each poll is also a REST round trip through the core while it carries the run: what an agent's
// request waits for, without adding load of its own.
const pollMs: number[] = [];
const progress = async () => {
  const sent = performance.now();
  const run = (
    await api<{ run: RunProgress | null }>(`/api/cc/workflow/executions/${executionId}/`)
  ).run;
  pollMs.push(performance.now() - sent);
  return run;
};
let complete = 0;
let generated = 0;
let lastProgress = Date.now();
const ticker = setInterval(() => {
  const s = (Date.now() - t0) / 1000;
  console.log(
    `  t=${fmt(s, 0)} s: stf_gen ${generated}, TF samples registered ${complete} of ${N * TF_PER_STF}, RSS core ${fmt(rssMb(core.child.pid!), 0)} MB`,
  );
}, 10_000);
await waitFor(
  'every STF through every stage',
  async () => {
    const run = await progress();
    if (!run) return false;
    if (run.tfFiles !== complete) lastProgress = Date.now();
    complete = run.tfFiles;
    generated = run.stf.generated;
    if (Date.now() - lastProgress > 60_000)
      throw new Error(`stalled at ${complete} of ${N * TF_PER_STF} TF samples`);
    return complete >= N * TF_PER_STF && run.state === 'ended';
  },
  3_600_000,
  100,
);
clearInterval(ticker);
const wall = (Date.now() - t0) / 1000;
const cpuAfter = await pidusage(procs.map(([, pid]) => pid));
const countersAfter = procs.map(([, pid]) => procCounters(pid));
const machineAfter = machineCounters();

type StoredMessage = Pick<WorkflowMessageRecord, 'sent_at'> & {
  message_content: Record<string, unknown>;
};
/** Every stored message of one type of this run, oldest first (`sent_at`: when the core got it). */
async function stored(type: string): Promise<StoredMessage[]> {
  const out: StoredMessage[] = [];
  for (;;) {
    const page = await api<{ results: StoredMessage[]; next: string | null }>(
      `/api/workflow-messages/?run_id=${runId}&msg_type=${type}&limit=10000&offset=${out.length}`,
    );
    out.push(...page.results);
    if (!page.next) return out.reverse();
  }
}
const [gens, readies, completes, tfMsgs] = await Promise.all(
  ['stf_gen', 'stf_ready', 'processing_complete', 'tf_file_registered'].map(stored),
);
const rx = (m: StoredMessage) => Date.parse(m.sent_at);
const ts = (m: StoredMessage) => Date.parse(m.message_content.timestamp as string);
const gen = new Map(gens!.map((m) => [m.message_content.filename as string, m]));
const tfs = new Map<string, { ts: number; rx: number }>();
for (const m of tfMsgs!) {
  const k = m.message_content.stf_filename as string;
  const e = tfs.get(k) ?? { ts: 0, rx: 0 };
  tfs.set(k, { ts: Math.max(e.ts, ts(m)), rx: Math.max(e.rx, rx(m)) });
}
const firstGen = Math.min(...gens!.map(rx));
const lastGen = Math.max(...gens!.map(rx));

const byTs: number[] = [];
const byRx: number[] = [];
for (const [f, g] of gen) {
  const t = tfs.get(f)!;
  byTs.push(t.ts - ts(g));
  byRx.push(t.rx - rx(g));
}
byTs.sort((a, b) => a - b);
byRx.sort((a, b) => a - b);
const counts = {
  stf_ready: readies!.length,
  processing_complete: completes!.length,
  tf_file_registered: tfMsgs!.length,
};
const storedRows = await api<{ total?: number; count?: number }>(
  `/api/stf-files/?run_number=${runId}&limit=1`,
);

console.log(
  `\nwall time (run_workflow sent -> last STF's last tf_file_registered): ${fmt(wall, 1)} s`,
);
console.log(
  `throughput: ${fmt(N / wall, 0)} STFs/s end to end (${fmt((N * (3 + TF_PER_STF)) / wall, 0)} workflow messages/s)`,
);
console.log(
  `DAQ simulator alone: ${N} stf_gen in ${fmt((lastGen - firstGen) / 1000, 1)} s (${fmt(N / ((lastGen - firstGen) / 1000 || 1), 0)}/s)`,
);
console.log(
  `latency stf_gen -> last tf_file_registered, message timestamps: p50 ${fmt(percentile(byTs, 50), 0)} ms, p99 ${fmt(percentile(byTs, 99), 0)} ms, max ${fmt(byTs.at(-1)!, 0)} ms`,
);
console.log(
  `latency, the core's receive times:                     p50 ${fmt(percentile(byRx, 50), 0)} ms, p99 ${fmt(percentile(byRx, 99), 0)} ms`,
);
console.log(
  `messages stored: ${JSON.stringify(counts)}; STF rows stored: ${JSON.stringify(storedRows.count ?? storedRows.total ?? storedRows)}`,
);
// The bottleneck: the process whose CPU is closest to one full core over the run, and the stage
// whose last message came last (each stage's own rate over the run).
const cpu = procs
  .map(([n, pid]) => ({
    n,
    pct: ((cpuAfter[pid]!.ctime - cpuBefore[pid]!.ctime) / (wall * 1000)) * 100,
  }))
  .sort((a, b) => b.pct - a.pct);
console.log(
  `CPU over the run (100 % = one core; load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}): ${cpu.map((c) => `${c.n} ${fmt(c.pct, 0)} %`).join(', ')}`,
);
// On a virtual machine the hypervisor may take a share of the cores; the same code then runs
// slower in every figure above, so the share is part of the result.
const machine = machineShare(machineBefore, machineAfter);
if (machine) console.log(`machine over the run: ${machine}`);
const stageEnd = (msgs: StoredMessage[]) => Math.max(...msgs.map(rx));
const stages = (
  [
    ['stf_gen', gens!],
    ['stf_ready', readies!],
    ['processing_complete', completes!],
    ['tf_file_registered', tfMsgs!],
  ] as const
).map(([type, msgs]) => ({ type, rate: N / ((stageEnd(msgs) - firstGen) / 1000 || 1) }));
console.log(
  `stage rates (STFs/s from the first stf_gen to the stage's last message): ${stages.map((x) => `${x.type} ${fmt(x.rate, 0)}`).join(', ')}`,
);
// The whole run also pays for the simulator's opening burst (every stf_gen recorded and delivered
// while the stages are still starting) and for the processes' code warming up; the middle of the
// run shows the rate the pipeline sustains.
if (values.interval === undefined) {
  const done = [...tfs.values()].map((t) => t.rx).sort((a, b) => a - b);
  const at = (q: number) => done[Math.min(done.length - 1, Math.floor(q * done.length))]!;
  console.log(
    `sustained: ${fmt((0.8 * done.length) / ((at(0.9) - at(0.1)) / 1000 || 1), 0)} STFs/s between the 10th and the 90th percentile of STFs done`,
  );
}
// CPU time per STF is what bounds fast mode on a small machine: every process shares the cores,
// and the core is one thread.
const perStf = cpu.map((c) => ({ n: c.n, ms: (c.pct / 100) * ((wall * 1000) / N) }));
const totalMs = perStf.reduce((a, c) => a + c.ms, 0);
const coreMs = perStf.find((c) => c.n === 'core')!.ms;
// Paced, the processes idle between STFs and the per-STF figure would count the idling.
if (values.interval === undefined) {
  console.log(
    `CPU per STF: ${perStf.map((c) => `${c.n} ${fmt(c.ms, 2)} ms`).join(', ')}; total ${fmt(totalMs, 2)} ms`,
  );
  // On loopback TCP the kernel does the receiver's work in the sender's system call, so the
  // kernel share and the number of socket calls say how much a fewer-writes design could save.
  const split = procs.flatMap(([n], i) => {
    const a = countersBefore[i];
    const b = countersAfter[i];
    if (!a || !b) return [];
    const user = b.user - a.user;
    const system = b.system - a.system;
    return [
      `${n} ${fmt((system / (user + system || 1)) * 100, 0)} % kernel, ${fmt((b.reads - a.reads) / N, 1)} reads + ${fmt((b.writes - a.writes) / N, 1)} writes`,
    ];
  });
  if (split.length) console.log(`per STF: ${split.join('; ')}`);
  console.log(
    `at that cost this machine's ${availableParallelism()} cores allow at most ${fmt((availableParallelism() * 1000) / totalMs, 0)} STFs/s, and the core (one thread) at most ${fmt(1000 / coreMs, 0)} STFs/s`,
  );
}
const polls = [...pollMs].sort((a, b) => a - b);
console.log(
  `REST round trip through the core during the run (${polls.length} progress polls): p50 ${fmt(percentile(polls, 50), 1)} ms, p99 ${fmt(percentile(polls, 99), 1)} ms`,
);
console.log(
  `bottleneck: ${cpu[0]!.n} at ${fmt(cpu[0]!.pct, 0)} % CPU${cpu[0]!.pct > 85 ? ' (CPU-bound: one core saturated)' : ' (no process saturates a core: waiting on round trips or on a loaded machine)'}`,
);
console.log(
  `RSS after: core ${fmt(rssMb(core.child.pid!), 0)} MB; ${agents.map((a) => `${a.name} ${fmt(rssMb(a.child.pid!), 0)} MB`).join(', ')}`,
);

await Promise.all(agents.map((a) => stopAgent(a, 'SIGTERM')));
await obs.close();
core.child.kill('SIGTERM');
await core.exited;
await amq?.stop();
stfDir.remove();
dir.remove();

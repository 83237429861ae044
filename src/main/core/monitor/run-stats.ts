import {
  type RunIssue,
  type RunStats,
  STF_WORKFLOW,
  type StageStats,
} from '../../../shared/run-stats.js';
import type { StfStage } from '../../../shared/workflow-messages.js';
import type { Store } from '../store/index.js';
import { runSummaryByNumber } from './run-records.js';

/** Latency percentiles are taken over this many of the run's latest STFs: bounded work per call. */
const LATENCY_SAMPLE = 5000;
const ISSUE_LIMIT = 50;
const STALL_MIN_MS = 10_000;

const COLUMN: Record<StfStage, string> = {
  generated: 'generated_at',
  ready: 'ready_at',
  processed: 'processed_at',
  fastmon: 'fastmon_at',
};

type Row = Record<string, unknown>;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const ms = (iso: string | null): number | null => {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? null : t;
};

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

function statements(store: Store) {
  const db = store.db;
  const span = db.prepare(
    `SELECT ${STF_WORKFLOW.map(
      (d) =>
        `COUNT(${COLUMN[d.stage]}) AS n_${d.stage}, MIN(${COLUMN[d.stage]}) AS first_${d.stage}, MAX(${COLUMN[d.stage]}) AS last_${d.stage}`,
    ).join(', ')}
     FROM stf_progress WHERE run_number = ?`,
  );
  const latest = db.prepare(
    `SELECT * FROM stf_progress WHERE run_number = ? AND generated_at IS NOT NULL
     ORDER BY generated_at DESC LIMIT ${LATENCY_SAMPLE}`,
  );
  const endRun = db.prepare(
    `SELECT message_content FROM workflow_messages WHERE run_id = ? AND message_type = 'end_run'
     ORDER BY id DESC LIMIT 1`,
  );
  const executionOfRun = db.prepare(
    `SELECT execution_id FROM workflow_messages WHERE run_id = ? AND execution_id IS NOT NULL
     ORDER BY id LIMIT 1`,
  );
  const execution = db.prepare(
    `SELECT parameter_values FROM workflow_executions WHERE execution_id = ?`,
  );
  // Agents put the run number in a log record's extra data as a number or a string.
  const issues = db.prepare(
    `SELECT timestamp, instance_name, levelname, message FROM app_logs
     WHERE level >= 30 AND CAST(json_extract(extra_data, '$.run_id') AS TEXT) = ?
     ORDER BY timestamp DESC, id DESC LIMIT ${ISSUE_LIMIT}`,
  );
  return { span, latest, endRun, executionOfRun, execution, issues };
}

const cache = new WeakMap<Store, ReturnType<typeof statements>>();

function json(text: unknown): Row | null {
  if (typeof text !== 'string') return null;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null ? (v as Row) : null;
  } catch {
    return null;
  }
}

/** The STFs the run will have: what `end_run` announced, else what its execution planned. */
function expectedTotal(st: ReturnType<typeof statements>, run: string): number | null {
  const end = json((st.endRun.get(run) as Row | undefined)?.message_content);
  const announced = num(end?.total_stf_files) ?? num(end?.total_files);
  if (announced !== null) return announced;
  const exec = str((st.executionOfRun.get(run) as Row | undefined)?.execution_id);
  if (!exec) return null;
  const params = json((st.execution.get(exec) as Row | undefined)?.parameter_values);
  const perPeriod = scheduleParam(params, 'stf_count');
  if (perPeriod === null) return null;
  return perPeriod * Math.max(1, scheduleParam(params, 'physics_period_count') ?? 1);
}

/**
 * A schedule parameter as the simulator resolved it: flat (older records), or from the config's
 * sections, `[daq_state_machine]` first with every other section over it, as the runner merges them.
 */
function scheduleParam(params: Record<string, unknown> | null, key: string): number | null {
  if (!params) return null;
  const flat = num(params[key]);
  if (flat !== null) return flat;
  const sections = Object.entries(params)
    .filter((e): e is [string, Record<string, unknown>] => {
      const v = e[1];
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    })
    .sort(([a], [b]) => Number(b === 'daq_state_machine') - Number(a === 'daq_state_machine'));
  let value: number | null = null;
  for (const [, section] of sections) if (key in section) value = num(section[key]);
  return value;
}

/** One run's pipeline figures from the STF progress table, its messages and its logs. */
export function runStats(store: Store, runNumber: number, now = Date.now()): RunStats {
  let st = cache.get(store);
  if (!st) cache.set(store, (st = statements(store)));
  const run = String(runNumber);
  const summary = runSummaryByNumber(store, runNumber);
  const span = (st.span.get(runNumber) as Row | undefined) ?? {};
  const count = (s: StfStage) => num(span[`n_${s}`]) ?? 0;

  const latencies = new Map<StfStage, number[]>(STF_WORKFLOW.map((d) => [d.stage, []]));
  for (const row of st.latest.all(runNumber) as Row[]) {
    const gen = ms(str(row.generated_at));
    if (gen === null) continue;
    for (const d of STF_WORKFLOW) {
      const at = ms(str(row[COLUMN[d.stage]]));
      if (at !== null) latencies.get(d.stage)!.push(Math.max(0, at - gen));
    }
  }
  const firstGen = ms(str(span.first_generated));
  const stages: StageStats[] = STF_WORKFLOW.map((d) => {
    const n = count(d.stage);
    const last = ms(str(span[`last_${d.stage}`]));
    const seconds = firstGen !== null && last !== null ? (last - firstGen) / 1000 : 0;
    const sorted = latencies.get(d.stage)!.sort((a, b) => a - b);
    return {
      stage: d.stage,
      count: n,
      ratePerSecond: n >= 2 && seconds > 0 ? n / seconds : null,
      backlog: d.consumes ? Math.max(0, count(d.consumes) - n) : null,
      latencyP50Ms: d.consumes ? percentile(sorted, 50) : null,
      latencyP95Ms: d.consumes ? percentile(sorted, 95) : null,
    };
  });

  const expected = expectedTotal(st, run);
  const daqEndedAt = summary?.end_time ?? null;
  const generated = count('generated');
  // A stage that lost an STF keeps a backlog: the run then stays "processing" and the loss shows.
  const drained =
    daqEndedAt !== null &&
    generated >= (expected ?? 0) &&
    stages.every((s) => (s.backlog ?? 0) === 0);
  const startedAt = summary?.start_time ?? null;
  const start = ms(startedAt);
  const lastSeen = Math.max(
    ...STF_WORKFLOW.map((d) => ms(str(span[`last_${d.stage}`])) ?? 0),
    ms(daqEndedAt) ?? 0,
  );
  const end = drained ? lastSeen : now;
  // A stage silent for several of its own STF intervals after the DAQ ended has stopped (it lost
  // STFs or its agent is down): no ETA is honest then.
  const stalled = (s: StageStats) => {
    const last = ms(str(span[`last_${s.stage}`]));
    const quiet = Math.max(STALL_MIN_MS, s.ratePerSecond ? 5000 / s.ratePerSecond : 0);
    return daqEndedAt !== null && (last === null || now - last > quiet);
  };
  let eta: number | null = null;
  if (!drained && expected !== null) {
    eta = 0;
    for (const s of stages) {
      const left = expected - s.count;
      if (left <= 0) continue;
      if (!s.ratePerSecond || stalled(s)) {
        eta = null;
        break;
      }
      eta = Math.max(eta, left / s.ratePerSecond);
    }
  }
  const issues: RunIssue[] = (st.issues.all(run) as Row[]).map((r) => ({
    at: str(r.timestamp) ?? '',
    source: str(r.instance_name) ?? '',
    level: str(r.levelname) ?? '',
    text: str(r.message) ?? '',
  }));
  return {
    runNumber,
    startedAt,
    daqEndedAt,
    expected,
    drained,
    elapsedSeconds: start !== null ? Math.max(0, (end - start) / 1000) : null,
    etaSeconds: eta,
    stages,
    issues,
    at: new Date(now).toISOString(),
  };
}

import { useEffect, useMemo, useState } from 'react';
import {
  type RunStats,
  runStatsSchema,
  STF_WORKFLOW,
  type StageStats,
  workflowColumns,
} from '../../../shared/run-stats';
import type { WorkflowMessage } from '../../../shared/ui-protocol';
import { formatAge, formatTime } from '../format';
import { runPhaseLabel } from '../store/run-phase';
import { sendCommand } from '../store/socket';
import { useUi } from '../store/ui-store';

/** How often figures are asked for while the pipeline still moves (live within 2 s). */
const POLL_MS = 1000;

/** The core's figures for one run, refreshed while its pipeline has not drained. */
export function useRunStats(run: number | undefined): RunStats | null {
  const synced = useUi((s) => s.synced);
  const progressAt = useUi((s) => (run === undefined ? undefined : s.runProgress[run]?.at));
  const [stats, setStats] = useState<RunStats | null>(null);
  const drained = stats !== null && stats.runNumber === run && stats.drained;
  useEffect(() => {
    if (!synced || run === undefined) return;
    let cancelled = false;
    const load = () =>
      void sendCommand('run.stats', { runNumber: run }).then((r) => {
        const parsed = r.ok ? runStatsSchema.safeParse(r.data) : null;
        if (!cancelled && parsed?.success) setStats(parsed.data);
      });
    load();
    const timer = drained ? undefined : setInterval(load, POLL_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [run, synced, drained, progressAt]);
  return stats?.runNumber === run ? stats : null;
}

const LABEL = Object.fromEntries(STF_WORKFLOW.map((d) => [d.stage, d.label]));
const CONSUMES = Object.fromEntries(STF_WORKFLOW.map((d) => [d.stage, d.consumes]));

const seconds = (s: number | null) => (s === null ? '—' : formatAge(s * 1000));
const millis = (v: number | null) =>
  v === null ? '—' : v < 1000 ? `${v.toFixed(0)} ms` : `${(v / 1000).toFixed(1)} s`;

function StageCard({ s, expected }: { s: StageStats; expected: number | null }) {
  const label = LABEL[s.stage] ?? s.stage;
  const pct = expected ? Math.min(100, (s.count / expected) * 100) : 0;
  const from = CONSUMES[s.stage];
  return (
    <li className="stage" data-stage={s.stage}>
      <div className="stage-label">
        {label}
        {from && <span className="muted"> ← {LABEL[from]}</span>}
      </div>
      <div className="stage-count" data-testid={`stage-count-${s.stage}`}>
        {s.count}
        {expected ? ` / ${expected}` : ''} STF
      </div>
      <div
        className="bar"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(pct)}
        aria-label={`${label} progress`}
      >
        <span style={{ width: `${pct}%` }} />
      </div>
      <dl className="stage-figures">
        <dt>Rate</dt>
        <dd data-testid={`stage-rate-${s.stage}`}>
          {s.ratePerSecond === null ? '—' : `${s.ratePerSecond.toFixed(2)} STF/s`}
        </dd>
        <dt>Backlog</dt>
        <dd data-testid={`stage-backlog-${s.stage}`}>{s.backlog ?? '—'}</dd>
        <dt>Latency p50 / p95</dt>
        <dd data-testid={`stage-latency-${s.stage}`}>
          {millis(s.latencyP50Ms)} / {millis(s.latencyP95Ms)}
        </dd>
      </dl>
    </li>
  );
}

/** The stages as the messages flow: one column per depth, branches stacked side by side. */
function Pipeline({ stats }: { stats: RunStats }) {
  const byStage = new Map(stats.stages.map((s) => [s.stage, s]));
  return (
    <div className="pipeline" aria-label="Pipeline">
      {workflowColumns().map((col, i) => (
        <ol key={i} className="pipeline-column">
          {col.map((d) => {
            const s = byStage.get(d.stage);
            return s ? <StageCard key={d.stage} s={s} expected={stats.expected} /> : null;
          })}
        </ol>
      ))}
    </div>
  );
}

const content = (m: WorkflowMessage) =>
  (typeof m.message_content === 'object' && m.message_content !== null
    ? m.message_content
    : {}) as Record<string, unknown>;

export function RunDetail({ run, stats }: { run: number; stats: RunStats | null }) {
  const live = useUi((s) => s.messages);
  const row = useUi((s) => s.runs.find((r) => r.run_number === run));
  const progress = useUi((s) => s.runProgress[run]);
  const synced = useUi((s) => s.synced);
  const execution = useUi((s) =>
    progress?.executionId ? s.executions[progress.executionId] : undefined,
  );
  const [stored, setStored] = useState<WorkflowMessage[]>([]);
  useEffect(() => {
    if (!synced) return;
    let cancelled = false;
    void sendCommand('messages.query', { runId: String(run), limit: 1000 }).then((r) => {
      if (!cancelled && r.ok)
        setStored((r.data as { items: WorkflowMessage[] }).items.slice().reverse());
    });
    return () => {
      cancelled = true;
    };
  }, [run, synced]);
  const messages = useMemo(() => {
    const ids = new Set(stored.map((m) => m.message_id));
    return stored.concat(live.filter((m) => m.run_id === String(run) && !ids.has(m.message_id)));
  }, [stored, live, run]);
  const phase = row ? runPhaseLabel(row, progress, stats ?? undefined) : '—';
  return (
    <div className="card grow run-detail">
      <h2>
        Run {run} <span data-testid="run-phase">{phase}</span>
      </h2>
      <div className="run-figures">
        <span>
          Elapsed <b data-testid="run-elapsed">{seconds(stats?.elapsedSeconds ?? null)}</b>
        </span>
        <span>
          ETA{' '}
          <b data-testid="run-eta">
            {stats?.drained ? 'done' : seconds(stats?.etaSeconds ?? null)}
          </b>
        </span>
        <span>
          Expected <b>{stats?.expected ?? '—'}</b> STF
        </span>
        {execution && (
          <span>
            Execution <span className="mono">{execution.execution_id}</span>{' '}
            <b data-testid="execution-status">{execution.status}</b>
          </span>
        )}
      </div>
      {stats ? <Pipeline stats={stats} /> : <p className="empty">Loading run figures…</p>}
      <section className="run-issues" aria-label="Errors and losses">
        <h2>Errors and losses</h2>
        {!stats || stats.issues.length === 0 ? (
          <p className="empty">No warnings or errors logged for this run.</p>
        ) : (
          <ul className="issues">
            {stats.issues.map((i, k) => (
              <li
                key={k}
                className={i.level === 'ERROR' || i.level === 'CRITICAL' ? 'bad' : 'warn'}
              >
                <span className="ts">{formatTime(i.at)}</span> <b>{i.source}</b> {i.text}
              </li>
            ))}
          </ul>
        )}
      </section>
      <h2>Messages</h2>
      {messages.length === 0 ? (
        <p className="empty">No workflow messages recorded for this run.</p>
      ) : (
        <div className="scroll run-messages">
          <table className="dense">
            <thead>
              <tr>
                <th>Time</th>
                <th>Type</th>
                <th>From</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {messages.slice(-1000).map((m) => (
                <tr key={m.message_id}>
                  <td className="ts">{formatTime(m.sent_at)}</td>
                  <td>{m.message_type}</td>
                  <td>{m.sender_agent ?? '—'}</td>
                  <td className="mono">
                    {String(
                      content(m).filename ?? content(m).tf_filename ?? content(m).state ?? '',
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

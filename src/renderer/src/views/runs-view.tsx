import { useEffect, useMemo, useState } from 'react';
import type { WorkflowMessage } from '../../../shared/ui-protocol';
import {
  checkWorkflowMessage,
  endRunTotal,
  isRunLifecycleType,
  STF_STAGE_OF,
  stfFileOf,
  type RunLifecycleType,
  type StfStage,
} from '../../../shared/workflow-messages';
import { formatDateTime, formatTime } from '../format';
import { href } from '../route';
import { sendCommand } from '../store/socket';
import { type RunStageCounts, runStageCounts, useUi } from '../store/ui-store';
import { StartRunDialog } from './start-run-dialog';

interface Stage {
  key: keyof RunStageCounts;
  label: string;
  /** The pipeline stage whose messages count one STF each (by the STF they name). */
  stage: StfStage;
}

// DAQ -> data -> processing -> fastmon, counted from the workflow messages each stage sends.
const STAGES: Stage[] = [
  { key: 'daq', label: 'DAQ', stage: 'generated' },
  { key: 'data', label: 'Data', stage: 'ready' },
  { key: 'processing', label: 'Processing', stage: 'processed' },
  { key: 'fastmon', label: 'Fastmon', stage: 'fastmon' },
];

/** The body as a plain record, for the free-form detail column. */
const content = (m: WorkflowMessage) =>
  (typeof m.message_content === 'object' && m.message_content !== null
    ? m.message_content
    : {}) as Record<string, unknown>;

export function stageCounts(messages: WorkflowMessage[]) {
  let total: number | null = null;
  const seen = new Map<StfStage, Set<unknown>>(STAGES.map((s) => [s.stage, new Set()]));
  for (const m of messages) {
    const stage = STF_STAGE_OF[m.message_type];
    if (!stage && m.message_type !== 'end_run') continue;
    const check = checkWorkflowMessage(m.message_content);
    if (!check.ok || !check.known) {
      if (stage) seen.get(stage)?.add(m.id);
      continue;
    }
    const msg = check.message;
    if (msg.msg_type === 'end_run') total = endRunTotal(msg) ?? total;
    else if (
      stage &&
      (msg.msg_type === 'stf_gen' ||
        msg.msg_type === 'stf_ready' ||
        msg.msg_type === 'processing_complete' ||
        msg.msg_type === 'tf_file_registered')
    )
      seen.get(stage)?.add(stfFileOf(msg) ?? m.id);
  }
  const counts: Record<string, number> = {};
  for (const s of STAGES) counts[s.key] = seen.get(s.stage)?.size ?? 0;
  return { counts, total };
}

const LIFECYCLE: Record<RunLifecycleType, string> = {
  run_imminent: 'imminent',
  start_run: 'running',
  pause_run: 'paused',
  resume_run: 'running',
  end_run: 'ended',
};

export function RunsView({ run }: { run?: number }) {
  const runs = useUi((s) => s.runs);
  const messages = useUi((s) => s.messages);
  // The latest lifecycle message per run says where it is, until the recorder reports state.
  const lifecycle = useMemo(() => {
    const out: Record<string, string> = {};
    for (const m of messages) {
      if (isRunLifecycleType(m.message_type) && m.run_id) out[m.run_id] = LIFECYCLE[m.message_type];
    }
    return out;
  }, [messages]);
  const progress = useUi((s) => s.runProgress);
  const [dialog, setDialog] = useState(false);
  const stopPending = useUi((s) => s.pending['run.stop'] === true);
  const stopError = useUi((s) => s.commandErrors['run']);
  const selected = run ?? runs[0]?.run_number;
  return (
    <section className="view" aria-labelledby="runs-title">
      <header className="view-header">
        <h1 id="runs-title">Runs</h1>
        <span className="spacer" />
        <button type="button" className="primary" onClick={() => setDialog(true)}>
          Start run…
        </button>
        <button
          type="button"
          disabled={stopPending}
          onClick={() =>
            void sendCommand('run.stop', {}, { pendingKey: 'run.stop', errorKey: 'run' })
          }
        >
          {stopPending ? 'Stopping…' : 'Stop run'}
        </button>
        {stopError && (
          <span className="command-error" role="status">
            {stopError}
          </span>
        )}
      </header>
      {dialog && <StartRunDialog onClose={() => setDialog(false)} />}
      <div className="runs-layout">
        <div className="card">
          <h2>Runs</h2>
          {runs.length === 0 ? (
            <p className="empty">No runs yet. Start one with “Start run…”.</p>
          ) : (
            <table className="dense selectable">
              <thead>
                <tr>
                  <th>Run</th>
                  <th>State</th>
                  <th>Started</th>
                  <th>Ended</th>
                </tr>
              </thead>
              <tbody>
                {runs.map((r) => (
                  <tr key={r.run_id} aria-selected={r.run_number === selected}>
                    <td>
                      <a href={href({ view: 'runs', run: r.run_number })}>{r.run_number}</a>
                    </td>
                    <td>
                      {progress[r.run_number]?.state ??
                        (r.state || undefined) ??
                        lifecycle[String(r.run_number)] ??
                        (r.end_time ? 'ended' : '—')}
                    </td>
                    <td>{formatDateTime(r.start_time)}</td>
                    <td>{formatDateTime(r.end_time)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        {selected !== undefined && <RunDetail run={selected} />}
      </div>
    </section>
  );
}

function RunDetail({ run }: { run: number }) {
  const live = useUi((s) => s.messages);
  const progress = useUi((s) => s.runProgress[run]);
  const synced = useUi((s) => s.synced);
  const [stored, setStored] = useState<WorkflowMessage[]>([]);
  useEffect(() => {
    if (!synced) return;
    let cancelled = false;
    void sendCommand('messages.query', { runId: String(run), limit: 5000 }).then((r) => {
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
  const { counts, total } = useMemo(() => stageCounts(messages), [messages]);
  return (
    <div className="card grow">
      <h2>Run {run}</h2>
      <ol className="pipeline" aria-label="Pipeline">
        {STAGES.map((stage) => {
          const p = progress ? runStageCounts(progress)[stage.key] : undefined;
          const done = p?.done ?? counts[stage.key] ?? 0;
          const of = p?.total ?? total ?? (stage.key === 'daq' ? null : counts.daq || null);
          const pct = of ? Math.min(100, (done / of) * 100) : 0;
          return (
            <li key={stage.key} className="stage">
              <div className="stage-label">{stage.label}</div>
              <div className="stage-count">
                {done}
                {of ? ` / ${of}` : ''} STF
              </div>
              <div
                className="bar"
                role="progressbar"
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={Math.round(pct)}
                aria-label={`${stage.label} progress`}
              >
                <span style={{ width: `${pct}%` }} />
              </div>
            </li>
          );
        })}
      </ol>
      <h2>Messages</h2>
      {messages.length === 0 ? (
        <p className="empty">No workflow messages recorded for this run.</p>
      ) : (
        <div className="scroll">
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

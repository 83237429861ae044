import { useState } from 'react';
import { formatDateTime } from '../format';
import { href } from '../route';
import { refusal } from '../store/command-refusal';
import { runPhaseLabel } from '../store/run-phase';
import { sendCommand } from '../store/socket';
import { useUi } from '../store/ui-store';
import { RunDetail, useRunStats } from './run-detail';
import { StartRunDialog } from './start-run-dialog';

export function RunsView({ run }: { run?: number }) {
  const runs = useUi((s) => s.runs);
  const progress = useUi((s) => s.runProgress);
  const [dialog, setDialog] = useState(false);
  const [stopNote, setStopNote] = useState<{ ok: boolean; text: string } | null>(null);
  const stopPending = useUi((s) => s.pending['run.stop'] === true);
  const running = runs.some((r) => !r.end_time);
  const selected = run ?? runs[0]?.run_number;
  const stats = useRunStats(selected);
  const stop = async () => {
    setStopNote(null);
    if (!running) {
      setStopNote({ ok: false, text: 'No run is in progress: nothing to stop.' });
      return;
    }
    const r = await sendCommand('run.stop', {}, { pendingKey: 'run.stop' });
    const why = refusal(r);
    setStopNote(why ? { ok: false, text: why } : { ok: true, text: 'Stop requested.' });
  };
  return (
    <section className="view" aria-labelledby="runs-title">
      <header className="view-header">
        <h1 id="runs-title">Runs</h1>
        <span className="spacer" />
        <button type="button" className="primary" onClick={() => setDialog(true)}>
          Start run…
        </button>
        <button type="button" disabled={stopPending} onClick={() => void stop()}>
          {stopPending ? 'Stopping…' : 'Stop run'}
        </button>
        {stopNote && (
          <span
            className={stopNote.ok ? 'command-note' : 'command-error'}
            role="status"
            data-testid="stop-note"
          >
            {stopNote.text}
          </span>
        )}
      </header>
      {dialog && <StartRunDialog onClose={() => setDialog(false)} />}
      <div className="runs-layout">
        <div className="card runs-list">
          <h2>Runs</h2>
          {runs.length === 0 ? (
            <p className="empty">No runs yet. Start one with “Start run…”.</p>
          ) : (
            <div className="scroll">
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
                      <td>{runPhaseLabel(r, progress[r.run_number], stats ?? undefined)}</td>
                      <td>{formatDateTime(r.start_time)}</td>
                      <td>{formatDateTime(r.end_time)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
        {selected !== undefined && <RunDetail run={selected} stats={stats} />}
      </div>
    </section>
  );
}

import { useEffect, useRef, useState } from 'react';
import { sendCommand } from '../store/socket';

/** Run parameters as the DAQ simulator takes them (count mode: STFs per physics period). */
export function StartRunDialog({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [stfCount, setStfCount] = useState(10);
  const [periods, setPeriods] = useState(1);
  const [periodSeconds, setPeriodSeconds] = useState(60);
  const [realtime, setRealtime] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await sendCommand('run.start', {
      stfCount,
      physicsPeriods: periods,
      physicsPeriodSeconds: periodSeconds,
      realtime,
    });
    setBusy(false);
    if (r.ok) onClose();
    else setError(r.error ?? 'failed');
  };
  return (
    <dialog ref={ref} onClose={onClose} aria-labelledby="start-run-title">
      <form onSubmit={(e) => void submit(e)}>
        <h2 id="start-run-title">Start run</h2>
        <label>
          STFs per physics period
          <input
            type="number"
            min={1}
            max={1000000}
            required
            value={stfCount}
            onChange={(e) => setStfCount(Number(e.target.value))}
          />
        </label>
        <label>
          Physics periods
          <input
            type="number"
            min={0}
            max={1000}
            required
            value={periods}
            onChange={(e) => setPeriods(Number(e.target.value))}
          />
        </label>
        <label>
          Period length (s)
          <input
            type="number"
            min={1}
            required
            value={periodSeconds}
            onChange={(e) => setPeriodSeconds(Number(e.target.value))}
          />
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={realtime}
            onChange={(e) => setRealtime(e.target.checked)}
          />
          Real time (otherwise as fast as possible)
        </label>
        {error && (
          <p className="command-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Starting…' : 'Start'}
          </button>
        </div>
      </form>
    </dialog>
  );
}

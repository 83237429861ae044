import { useEffect, useRef, useState } from 'react';
import {
  BUILT_IN_PRESETS,
  type WorkflowPreset,
  workflowPresetsSchema,
} from '../../../shared/workflow-presets';
import { refusal } from '../store/command-refusal';
import { sendCommand } from '../store/socket';

type Mode = 'count' | 'duration';

/**
 * Run parameters as the DAQ simulator takes them. A physics period ends after a number of STFs
 * (count mode) or after its length in seconds (duration mode): the simulator uses one or the
 * other, so only the chosen one is sent and the other field is disabled.
 */
export function StartRunDialog({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [presets, setPresets] = useState<readonly WorkflowPreset[]>(BUILT_IN_PRESETS);
  const [preset, setPreset] = useState<WorkflowPreset>(BUILT_IN_PRESETS[0]!);
  const [mode, setMode] = useState<Mode>('count');
  const [stfCount, setStfCount] = useState(5);
  const [periods, setPeriods] = useState(1);
  const [periodSeconds, setPeriodSeconds] = useState(60);
  const [stfInterval, setStfInterval] = useState(2.2);
  const [standby, setStandby] = useState(2);
  const [realtime, setRealtime] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const choose = (p: WorkflowPreset) => {
    setPreset(p);
    setMode(p.params.stf_count === null ? 'duration' : 'count');
    if (p.params.stf_count !== null) setStfCount(p.params.stf_count);
    setPeriods(p.params.physics_period_count);
    setPeriodSeconds(p.params.physics_period_duration);
    setStfInterval(p.params.stf_interval);
    setStandby(p.params.standby_duration);
    setRealtime(p.realtime);
  };

  useEffect(() => {
    ref.current?.showModal();
    let cancelled = false;
    void sendCommand('workflows.presets', {}).then((r) => {
      const parsed = r.ok ? workflowPresetsSchema.safeParse(r.data) : null;
      if (cancelled || !parsed?.success || parsed.data.presets.length === 0) return;
      setPresets(parsed.data.presets);
      choose(parsed.data.presets[0]!);
    });
    return () => {
      cancelled = true;
    };
  }, []);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await sendCommand('run.start', {
      workflowName: preset.workflow,
      config: preset.config,
      ...(mode === 'count' ? { stfCount } : { physicsPeriodSeconds: periodSeconds }),
      physicsPeriods: periods,
      stfIntervalSeconds: stfInterval,
      standbySeconds: standby,
      realtime,
    });
    setBusy(false);
    const why = refusal(r);
    if (why) setError(why);
    else onClose();
  };
  const num = (set: (n: number) => void) => (e: React.ChangeEvent<HTMLInputElement>) =>
    set(Number(e.target.value));
  return (
    <dialog ref={ref} onClose={onClose} aria-labelledby="start-run-title">
      <form onSubmit={(e) => void submit(e)} className="start-run">
        <h2 id="start-run-title">Start run</h2>
        <label>
          Workflow
          <select
            value={preset.config}
            onChange={(e) => {
              const p = presets.find((x) => x.config === e.target.value);
              if (p) choose(p);
            }}
          >
            {presets.map((p) => (
              <option key={p.config} value={p.config}>
                {p.workflow}
              </option>
            ))}
          </select>
        </label>
        <p className="muted small" data-testid="preset-source">
          {preset.description} · {preset.source ?? 'testbed defaults (built in)'}
        </p>
        <fieldset>
          <legend>A physics period ends after</legend>
          <label className="check">
            <input
              type="radio"
              name="mode"
              checked={mode === 'count'}
              onChange={() => setMode('count')}
            />
            a number of STFs
          </label>
          <label className="check">
            <input
              type="radio"
              name="mode"
              checked={mode === 'duration'}
              onChange={() => setMode('duration')}
            />
            a length in seconds
          </label>
        </fieldset>
        <label>
          STFs per physics period
          <input
            type="number"
            min={1}
            max={1000000}
            required={mode === 'count'}
            disabled={mode !== 'count'}
            value={stfCount}
            onChange={num(setStfCount)}
          />
        </label>
        <label>
          Period length (s)
          <input
            type="number"
            min={0.1}
            step="any"
            required={mode === 'duration'}
            disabled={mode !== 'duration'}
            value={periodSeconds}
            onChange={num(setPeriodSeconds)}
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
            onChange={num(setPeriods)}
          />
        </label>
        <label>
          STF interval (s)
          <input
            type="number"
            min={0.01}
            step="any"
            required
            value={stfInterval}
            onChange={num(setStfInterval)}
          />
        </label>
        <label>
          Standby between periods (s)
          <input
            type="number"
            min={0}
            step="any"
            required
            value={standby}
            onChange={num(setStandby)}
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

import { useEffect, useState } from 'react';
import type { SettingsResult } from '../../../shared/ui-protocol';
import { sendCommand } from '../store/socket';
import { useUi } from '../store/ui-store';

interface Form {
  namespace: string;
  port: string;
  brokerMode: 'embedded' | 'external';
  brokerPort: string;
  brokerUrl: string;
  aliveSeconds: string;
  exitedAfterSeconds: string;
}

function formOf(s: SettingsResult): Form {
  const e = s.effective as {
    namespace: string;
    port: number;
    broker: { mode: 'embedded' | 'external'; port: number; url?: string };
    liveness: { aliveSeconds: number; exitedAfterSeconds: number };
  };
  const saved = s.saved as {
    namespace?: string;
    port?: number;
    broker?: Record<string, unknown>;
    liveness?: Record<string, unknown>;
  };
  const pick = <T,>(v: unknown, d: T) => (v === undefined ? d : (v as T));
  return {
    namespace: pick(saved.namespace, e.namespace),
    port: String(pick(saved.port, e.port)),
    brokerMode: pick(saved.broker?.mode, e.broker.mode),
    brokerPort: String(pick(saved.broker?.port, e.broker.port)),
    brokerUrl: pick(saved.broker?.url, e.broker.url ?? ''),
    aliveSeconds: String(pick(saved.liveness?.aliveSeconds, e.liveness.aliveSeconds)),
    exitedAfterSeconds: String(
      pick(saved.liveness?.exitedAfterSeconds, e.liveness.exitedAfterSeconds),
    ),
  };
}

const num = (v: string) => (v.trim() === '' ? v : Number(v));

/** Settings are validated by the core's own config schema and saved to <dataDir>/config.toml. */
export function SettingsView() {
  const synced = useUi((s) => s.synced);
  const brokerLogin = useUi((s) => s.config?.brokerLogin);
  const brokerPasscodeFile = useUi((s) => s.config?.brokerPasscodeFile);
  const [result, setResult] = useState<SettingsResult | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!synced) return;
    void sendCommand('settings.get', {}).then((r) => {
      if (r.ok) {
        const s = r.data as SettingsResult;
        setResult(s);
        setForm(formOf(s));
      } else setError(r.error ?? 'failed');
    });
  }, [synced]);

  if (!form || !result)
    return (
      <section className="view">
        <h1>Settings</h1>
        {error ? (
          <p className="command-error" role="alert">
            {error}
          </p>
        ) : (
          <p className="empty">Loading…</p>
        )}
      </section>
    );

  const set = (k: keyof Form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => {
    setSaved(false);
    setForm({ ...form, [k]: e.target.value });
  };
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await sendCommand('settings.set', {
      values: {
        namespace: form.namespace,
        port: num(form.port),
        broker: { mode: form.brokerMode, port: num(form.brokerPort), url: form.brokerUrl },
        liveness: {
          aliveSeconds: num(form.aliveSeconds),
          exitedAfterSeconds: num(form.exitedAfterSeconds),
        },
      },
    });
    setBusy(false);
    if (r.ok) {
      setResult(r.data as SettingsResult);
      setSaved(true);
    } else setError(r.error ?? 'failed');
  };
  return (
    <section className="view" aria-labelledby="settings-title">
      <header className="view-header">
        <h1 id="settings-title">Settings</h1>
        <span className="muted">
          Saved to <code>{result.file}</code>
        </span>
      </header>
      <form className="card settings" onSubmit={(e) => void save(e)}>
        <fieldset>
          <legend>Broker</legend>
          <label>
            Mode
            <select value={form.brokerMode} onChange={set('brokerMode')}>
              <option value="embedded">embedded (built in)</option>
              <option value="external">external (ActiveMQ / Artemis)</option>
            </select>
          </label>
          <label>
            Embedded broker port
            <input inputMode="numeric" value={form.brokerPort} onChange={set('brokerPort')} />
          </label>
          <label>
            External broker URL
            <input
              placeholder="stomp+ssl://host:61612"
              value={form.brokerUrl}
              onChange={set('brokerUrl')}
              disabled={form.brokerMode !== 'external'}
            />
          </label>
          {brokerLogin !== undefined && (
            <p className="muted">
              Agents started by hand log in as <code>{brokerLogin}</code>
              {brokerPasscodeFile !== undefined && (
                <>
                  {' '}
                  with the passcode in <code>{brokerPasscodeFile}</code>
                </>
              )}
              .
            </p>
          )}
        </fieldset>
        <fieldset>
          <legend>Core</legend>
          <label>
            HTTP port
            <input inputMode="numeric" value={form.port} onChange={set('port')} />
          </label>
          <label>
            Namespace
            <input value={form.namespace} onChange={set('namespace')} />
          </label>
        </fieldset>
        <fieldset>
          <legend>Liveness</legend>
          <label>
            Alive while last heartbeat within (s)
            <input inputMode="decimal" value={form.aliveSeconds} onChange={set('aliveSeconds')} />
          </label>
          <label>
            Mark EXITED after silent for (s)
            <input
              inputMode="decimal"
              value={form.exitedAfterSeconds}
              onChange={set('exitedAfterSeconds')}
            />
          </label>
        </fieldset>
        {error && (
          <p className="command-error" role="alert" data-testid="settings-error">
            {error}
          </p>
        )}
        {result.restartRequired.length > 0 && (
          <p className="banner warn" role="status" data-testid="settings-restart">
            Saved. Restart SWF Control Center to apply: {result.restartRequired.join(', ')}.
          </p>
        )}
        {saved && result.restartRequired.length === 0 && (
          <p role="status">Saved; nothing needs a restart.</p>
        )}
        <div className="dialog-buttons">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </section>
  );
}

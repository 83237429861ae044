import { sendCommand } from '../store/socket';
import { useUi } from '../store/ui-store';

type Verb = 'start' | 'stop' | 'restart';
const LABEL: Record<Verb, [string, string]> = {
  start: ['Start', 'Starting…'],
  stop: ['Stop', 'Stopping…'],
  restart: ['Restart', 'Restarting…'],
};

/** Start / stop / restart one program; shows the command in flight and why it last failed. */
export function ProcessActions({ target, compact }: { target: string; compact?: boolean }) {
  const pending = useUi((s) => s.pending);
  const error = useUi((s) => s.commandErrors[target]);
  return (
    <span className="actions">
      {(['start', 'stop', 'restart'] as Verb[]).map((verb) => {
        const key = `process.${verb}:${target}`;
        const busy = pending[key] === true;
        return (
          <button
            key={verb}
            type="button"
            className={`small${busy ? ' busy' : ''}`}
            disabled={busy}
            aria-label={`${LABEL[verb][0]} ${target}`}
            onClick={() =>
              void sendCommand(`process.${verb}`, { target }, { pendingKey: key, errorKey: target })
            }
          >
            {busy ? LABEL[verb][1] : LABEL[verb][0]}
          </button>
        );
      })}
      {error && (
        <span className={`command-error${compact ? ' compact' : ''}`} role="status" title={error}>
          {error}
        </span>
      )}
    </span>
  );
}

/** The same three for every program at once. */
export function FleetActions() {
  const pending = useUi((s) => s.pending);
  const error = useUi((s) => s.commandErrors['*']);
  const verbs = [
    ['process.startAll', 'Start all', 'Starting all…'],
    ['process.stopAll', 'Stop all', 'Stopping all…'],
    ['process.restartAll', 'Restart all', 'Restarting all…'],
  ] as const;
  return (
    <span className="actions">
      {verbs.map(([command, label, busyLabel]) => {
        const busy = pending[command] === true;
        return (
          <button
            key={command}
            type="button"
            disabled={busy}
            className={busy ? 'busy' : ''}
            onClick={() => void sendCommand(command, {}, { pendingKey: command, errorKey: '*' })}
          >
            {busy ? busyLabel : label}
          </button>
        );
      })}
      {error && (
        <span className="command-error" role="status" title={error}>
          {error}
        </span>
      )}
    </span>
  );
}

import type { ProcessState } from '../../../shared/ui-protocol';

export function LivenessBadge({
  liveness,
  reason,
}: {
  liveness: 'alive' | 'dead' | undefined;
  /** Why it is dead, when the supervisor saw its process end. */
  reason?: string;
}) {
  if (!liveness) return <span className="badge muted">—</span>;
  return (
    <span
      className={`badge ${liveness === 'alive' ? 'ok' : 'bad'}`}
      data-liveness={liveness}
      title={reason}
    >
      <span className="dot" aria-hidden="true" />
      {liveness}
    </span>
  );
}

const PROCESS_TONE: Record<ProcessState, string> = {
  RUNNING: 'ok',
  STARTING: 'warn',
  BACKOFF: 'warn',
  STOPPING: 'warn',
  STOPPED: 'muted',
  EXITED: 'muted',
  FATAL: 'bad',
};

export function ProcessBadge({ state }: { state: ProcessState | undefined }) {
  if (!state)
    return (
      <span className="badge muted" title="Not supervised by this core">
        —
      </span>
    );
  return <span className={`badge ${PROCESS_TONE[state]}`}>{state}</span>;
}

const STATUS_TONE: Record<string, string> = {
  OK: 'ok',
  WARNING: 'warn',
  ERROR: 'bad',
  EXITED: 'muted',
  UNKNOWN: 'muted',
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge ${STATUS_TONE[status] ?? 'muted'}`}>{status}</span>;
}

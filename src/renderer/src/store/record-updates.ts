import type { ProcessTransition, RunSummary } from '../../../shared/core-events.js';
import { type AgentDeath, ENDED_PROCESS_STATES } from '../../../shared/agent-death.js';
import type { ProcessInfo } from '../../../shared/process-info.js';

export type { AgentDeath };
import type { FleetAgent } from '../../../shared/ui-protocol.js';

/** How single events change the records the store keeps (pure functions, no store access). */

/** A run's row after an event: replaced in place, or added first (the list is newest first). */
export function upsertRun(runs: RunSummary[], run: RunSummary): RunSummary[] {
  const i = runs.findIndex((r) => r.run_number === run.run_number);
  if (i < 0) return [run, ...runs];
  const next = runs.slice();
  next[i] = run;
  return next;
}

/** A program's info after one of its transitions (a program first seen gets what is known). */
export function applyTransition(prev: ProcessInfo | undefined, t: ProcessTransition): ProcessInfo {
  const running = t.to === 'STARTING' || t.to === 'RUNNING' || t.to === 'STOPPING';
  const started = t.to === 'STARTING';
  return {
    groups: [],
    uptimeSeconds: null,
    signal: null,
    cpuPercent: null,
    rssBytes: null,
    logFile: null,
    command: '',
    ...prev,
    name: t.name,
    program: t.program,
    state: t.to,
    pid: running ? t.pid : null,
    since: t.at,
    startedAt: started ? t.at : running ? (prev?.startedAt ?? t.at) : null,
    restarts:
      t.restarts ?? (started && prev?.since ? (prev.restarts ?? 0) + 1 : (prev?.restarts ?? 0)),
    exitCode: t.exitCode,
    reason: t.reason,
  };
}

export interface Alert {
  title: string;
  body: string;
}

/** A mass failure (the broker went down, a laptop woke up) is one notification, not hundreds. */
export function summariseAlerts(alerts: Alert[]): Alert[] {
  if (alerts.length <= 3) return alerts;
  const titles = alerts
    .slice(0, 5)
    .map((a) => a.title)
    .join('; ');
  return [
    {
      title: `${alerts.length} agents need attention`,
      body: titles + (alerts.length > 5 ? '; …' : ''),
    },
  ];
}

/** A program's history line for one transition. */
export function historyEntry(t: ProcessTransition): { at: string; state: string; detail: string } {
  const detail = [
    t.pid ? `pid ${t.pid}` : '',
    t.exitCode !== null ? `exit ${t.exitCode}` : '',
    t.reason ?? '',
  ]
    .filter(Boolean)
    .join(', ');
  return { at: t.at, state: t.to, detail };
}

/**
 * The pid whose process ended with this transition, or null when the transition is not an end.
 * The supervisor saw it die, so an agent heartbeating from that pid is dead whatever its last beat.
 */
export function endedPid(prev: ProcessInfo | undefined, t: ProcessTransition): number | null {
  if (!ENDED_PROCESS_STATES.includes(t.to)) return null;
  return t.pid ?? prev?.pid ?? null;
}

/** A live agent: heartbeating within the window, not said goodbye, not seen dying. */
export function isLiveAgent(a: FleetAgent | undefined, death: AgentDeath | undefined): boolean {
  if (!a || a.liveness !== 'alive') return false;
  if (a.status === 'EXITED' || a.operational_state === 'EXITED') return false;
  return !(death && death.pid === a.pid);
}

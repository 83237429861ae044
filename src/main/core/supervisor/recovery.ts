import pidusage from 'pidusage';
import type { EventBus } from '../events.js';
import type { Logger } from '../logger.js';
import type { ProcessesStore } from '../store/processes.js';
import { killGroup } from './kill-group.js';

export interface RecoveredProcess {
  name: string;
  pid: number;
  corePid: number;
  outcome: 'ended' | 'already-gone' | 'pid-reused' | 'owned-by-running-core';
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};
const groupAlive = (pgid: number) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** A PID is the one we spawned only if the process started when we spawned it. */
async function startedAt(pid: number): Promise<number | undefined> {
  try {
    const s = await pidusage(pid);
    return s.timestamp - s.elapsed;
  } catch {
    return undefined;
  }
}

async function waitGone(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (groupAlive(pgid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/**
 * On start: every spawn the store has no end for belongs to a core that died without stopping
 * (the watchdog normally ends them; it may have been killed too). A process still alive with the
 * recorded start time is ended (TERM, then KILL after 3 s) and reported; the rest are closed.
 */
export async function recoverLeftovers(
  store: ProcessesStore,
  bus: EventBus,
  log: Logger,
): Promise<RecoveredProcess[]> {
  const out: RecoveredProcess[] = [];
  for (const row of store.openInstances()) {
    const now = new Date().toISOString();
    if (row.core_pid !== process.pid && alive(row.core_pid)) {
      // Another core still runs on this data dir; its processes are not ours to end.
      out.push({
        name: row.program,
        pid: row.pid,
        corePid: row.core_pid,
        outcome: 'owned-by-running-core',
      });
      continue;
    }
    let outcome: RecoveredProcess['outcome'] = 'already-gone';
    let ours: boolean;
    if (alive(row.pid)) {
      const start = await startedAt(row.pid);
      ours = start !== undefined && Math.abs(start - row.started_ms) < 5_000;
      if (!ours) outcome = 'pid-reused';
    } else {
      // The leader is gone but its group is not: the kernel never hands out a PID still used as
      // a group id, so the members are that program's children.
      ours = groupAlive(row.pgid);
    }
    if (ours) {
      killGroup(row.pgid, 'SIGTERM');
      if (!(await waitGone(row.pgid, 3_000))) {
        killGroup(row.pgid, 'SIGKILL');
        await waitGone(row.pgid, 2_000);
      }
      outcome = 'ended';
    }
    store.instanceEnded(row.id, now);
    out.push({ name: row.program, pid: row.pid, corePid: row.core_pid, outcome });
    if (outcome === 'ended') {
      const reason = `left running by a previous core (pid ${row.core_pid}) that did not stop; ended`;
      log.warn(`${row.program} (pid ${row.pid}): ${reason}`);
      store.recordTransition({
        at: now,
        program: row.program,
        pid: row.pid,
        from_state: 'RUNNING',
        to_state: 'STOPPED',
        exit_code: null,
        signal: null,
        reason,
      });
      bus.emit('process.state', {
        name: row.program,
        program: row.program.split(':')[0]!,
        pid: row.pid,
        from: 'RUNNING',
        to: 'STOPPED',
        exitCode: null,
        signal: null,
        reason,
        at: now,
      });
    }
  }
  return out;
}

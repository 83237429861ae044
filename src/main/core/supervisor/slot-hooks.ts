import type { EventBus } from '../events.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/index.js';
import type { CapturedStream } from '../store/process-output.js';
import type { ProcessSpec } from './fleet.js';
import type { Launch, SlotDeps, Transition } from './slot-types.js';
import type { OutputSink } from './output-sink.js';
import type { Watchdog } from './watchdog.js';

export interface SlotHooksOptions {
  store: Store;
  bus: EventBus;
  log: Logger;
  sink: OutputSink;
  watchdog: Watchdog | undefined;
  resolveLaunch(spec: ProcessSpec): Launch;
  /** The stop signal and grace period the watchdog applies to a process of this name. */
  stopPolicy(name: string): { signal: NodeJS.Signals; waitMs: number };
  backoffMaxMs: number;
  backoffResetMs: number;
}

/**
 * What the supervisor does when a slot changes: every transition is stored and announced on the
 * bus, every spawned process is registered with the watchdog and as an instance row (so a later
 * core can find it), and each program's state-entry time and start count are kept for its info.
 */
export function createSlotHooks(o: SlotHooksOptions) {
  const { store, bus, log, sink, watchdog } = o;
  const instanceIds = new Map<number, number>();
  const since = new Map<string, string>();
  const starts = new Map<string, number>();

  // Seeded from the stored history once per program, so restarts count across core restarts.
  const startsOf = (name: string): number => {
    let n = starts.get(name);
    if (n === undefined) {
      n = store.processes
        .transitions({ program: name, limit: 1000 })
        .filter((t) => t.to_state === 'STARTING').length;
      starts.set(name, n);
    }
    return n;
  };

  const deps: SlotDeps = {
    resolveLaunch: o.resolveLaunch,
    onTransition(t: Transition) {
      const at = new Date().toISOString();
      if (t.to !== 'RUNNING' && t.to !== 'STARTING' && t.to !== 'STOPPING') sink.flush();
      const before = startsOf(t.name);
      try {
        store.processes.recordTransition({
          at,
          program: t.name,
          pid: t.pid,
          from_state: t.from,
          to_state: t.to,
          exit_code: t.exitCode,
          signal: t.signal,
          reason: t.reason,
        });
      } catch (err) {
        log.error(`could not store the transition of ${t.name}`, err);
      }
      since.set(t.name, at);
      if (t.to === 'STARTING') starts.set(t.name, before + 1);
      if (t.to === 'FATAL' || (t.to === 'EXITED' && t.exitCode !== 0))
        log.warn(`${t.name}: ${t.from} -> ${t.to}${t.reason ? ` (${t.reason})` : ''}`);
      bus.emit('process.state', { ...t, at, restarts: Math.max(0, startsOf(t.name) - 1) });
    },
    onOutput: (name: string, stream: CapturedStream, line: string) => sink.add(name, stream, line),
    onSpawn(name: string, pid: number, command: string) {
      const policy = o.stopPolicy(name);
      watchdog?.register(pid, policy.signal, policy.waitMs);
      const now = Date.now();
      instanceIds.set(
        pid,
        store.processes.instanceStarted({
          program: name,
          pid,
          pgid: pid,
          command,
          started_at: new Date(now).toISOString(),
          started_ms: now,
          core_pid: process.pid,
        }),
      );
    },
    onReap(_name: string, pid: number) {
      watchdog?.unregister(pid);
      const id = instanceIds.get(pid);
      instanceIds.delete(pid);
      if (id !== undefined) store.processes.instanceEnded(id, new Date().toISOString());
    },
    backoffMaxMs: o.backoffMaxMs,
    backoffResetMs: o.backoffResetMs,
  };

  return {
    deps,
    /** When the program entered its current state; null if it never changed in this core. */
    since: (name: string): string | null => since.get(name) ?? null,
    restarts: (name: string): number => Math.max(0, startsOf(name) - 1),
  };
}

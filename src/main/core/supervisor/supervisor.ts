import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ProcessInfo } from '../../../shared/process-info.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/index.js';
import type { OutputRow, CapturedStream } from '../store/process-output.js';
import { BACKOFF_MAX_MS, BACKOFF_RESET_MS } from './backoff.js';
import {
  expandProcesses,
  type FleetFile,
  FleetError,
  loadFleetFile,
  type ProcessSpec,
} from './fleet.js';
import { type AgentResolver, resolveLaunch } from './launch.js';
import { startMetrics, type ProcessMetrics } from './metrics.js';
import { OutputSink } from './output-sink.js';
import { recoverLeftovers, type RecoveredProcess } from './recovery.js';
import { ProcessSlot } from './process-slot.js';
import { ProcessCommandError } from './slot-types.js';
import { createSlotHooks } from './slot-hooks.js';
import { startWatchdog, type Watchdog } from './watchdog.js';

export interface SupervisorConfig {
  dataDir: string;
  /** The fleet file; absent or missing (when not explicitly set): an empty fleet. */
  fleetFile?: string;
  /** When true a missing fleet file is an error (the user named it). */
  fleetFileRequired?: boolean;
  metricsIntervalSeconds?: number;
  outputFlushMs?: number;
  /** Off only in tests that need a core to leave orphans behind on purpose. */
  watchdog?: boolean;
  backoffMaxMs?: number;
  backoffResetMs?: number;
}

export interface SupervisorOptions {
  store: Store;
  bus: EventBus;
  config: SupervisorConfig;
  /** Variables every program gets (see agent-env.ts); the program's own env overrides them. */
  env: Record<string, string>;
  logger: Logger;
  resolveAgent: AgentResolver;
}

export type { ProcessInfo };

export interface ReloadResult {
  added: string[];
  removed: string[];
  changed: string[];
  unchanged: string[];
}

export class UnknownTargetError extends Error {
  override name = 'UnknownTargetError';
}

export interface Supervisor {
  readonly fleetFile: string | undefined;
  /** Why the fleet file could not be used at start (the core runs on with an empty fleet). */
  readonly fleetError: string | null;
  readonly recovered: RecoveredProcess[];
  readonly watchdogPid: number | undefined;
  list(): ProcessInfo[];
  get(name: string): ProcessInfo | undefined;
  groups(): Record<string, string[]>;
  /** `target`: a process (`x:00`), a program, a group or `all`. */
  start(target: string): Promise<ProcessInfo[]>;
  stop(target: string): Promise<ProcessInfo[]>;
  restart(target: string): Promise<ProcessInfo[]>;
  reload(): Promise<ReloadResult>;
  tail(name: string, lines?: number, stream?: CapturedStream): OutputRow[];
  search(
    name: string,
    query: string,
    opts?: { regex?: boolean; stream?: CapturedStream; limit?: number },
  ): Promise<OutputRow[]>;
  /** Writes pending output to the store and files now. */
  flushOutput(): void;
  /** Stops every program, then the watchdog and the log files. */
  close(): Promise<void>;
}

const describe = (spec: ProcessSpec) =>
  spec.config.agent
    ? `agent:${spec.config.agent}`
    : [spec.config.command, ...spec.config.args].join(' ');

export async function createSupervisor(opts: SupervisorOptions): Promise<Supervisor> {
  const { store, bus, config, logger } = opts;
  const log = logger;
  const fleetFile = config.fleetFile ? resolve(config.fleetFile) : undefined;
  const baseDir = fleetFile ? dirname(fleetFile) : config.dataDir;
  const slots = new Map<string, ProcessSlot>();
  let fleet: FleetFile = { programs: {}, groups: {} };
  let fleetError: string | null = null;

  const readFleet = (): FleetFile => {
    if (!fleetFile) return { programs: {}, groups: {} };
    if (!config.fleetFileRequired && !existsSync(fleetFile)) return { programs: {}, groups: {} };
    return loadFleetFile(fleetFile);
  };

  const recovered = await recoverLeftovers(store.processes, bus, log);

  const watchdog: Watchdog | undefined =
    config.watchdog === false ? undefined : startWatchdog(log.child('watchdog'));
  const sink = new OutputSink({
    store: store.processOutput,
    bus,
    logger: log,
    logDir: join(config.dataDir, 'logs'),
    flushMs: config.outputFlushMs,
  });

  const hooks = createSlotHooks({
    store,
    bus,
    log,
    sink,
    watchdog,
    resolveLaunch: (spec: ProcessSpec) =>
      resolveLaunch(spec, {
        baseEnv: process.env,
        agentEnv: opts.env,
        baseDir,
        resolveAgent: opts.resolveAgent,
      }),
    stopPolicy(name) {
      const cfg = slots.get(name)?.spec.config;
      return {
        signal: `SIG${cfg?.stopsignal ?? 'TERM'}` as NodeJS.Signals,
        waitMs: (cfg?.stopwaitsecs ?? 10) * 1000,
      };
    },
    backoffMaxMs: config.backoffMaxMs ?? BACKOFF_MAX_MS,
    backoffResetMs: config.backoffResetMs ?? BACKOFF_RESET_MS,
  });
  const deps = hooks.deps;

  const addSlot = (spec: ProcessSpec) => {
    const slot = new ProcessSlot(spec, deps);
    slots.set(spec.name, slot);
    sink.configure(spec.name, spec.config.log_max_bytes, spec.config.log_backups);
    return slot;
  };

  try {
    fleet = readFleet();
  } catch (err) {
    fleetError = (err as Error).message;
    log.error(`fleet file not loaded; running with no programs:\n${fleetError}`);
  }
  for (const spec of expandProcesses(fleet)) addSlot(spec);

  const metrics = startMetrics(
    () =>
      [...slots.values()]
        .filter(
          (s) =>
            s.pid !== null &&
            s.state !== 'STOPPED' &&
            s.state !== 'EXITED' &&
            s.state !== 'FATAL' &&
            s.state !== 'BACKOFF',
        )
        .map((s) => ({ name: s.name, pid: s.pid! })),
    (sample) => bus.emit('process.metrics', sample),
    (config.metricsIntervalSeconds ?? 5) * 1000,
  );
  const latestMetrics = (name: string): ProcessMetrics | undefined => metrics.latest.get(name);

  const groupsOf = (program: string) =>
    Object.entries(fleet.groups)
      .filter(([, g]) => g.programs.includes(program))
      .map(([name]) => name);

  const startedAt = (uptime: number | null) =>
    uptime === null ? null : new Date(Date.now() - uptime * 1000).toISOString();
  const info = (slot: ProcessSlot): ProcessInfo => {
    const m = slot.pid !== null ? latestMetrics(slot.name) : undefined;
    const live = m && m.pid === slot.pid;
    return {
      name: slot.name,
      program: slot.spec.program,
      groups: groupsOf(slot.spec.program),
      state: slot.state,
      pid:
        slot.state === 'STOPPED' ||
        slot.state === 'FATAL' ||
        slot.state === 'EXITED' ||
        slot.state === 'BACKOFF'
          ? null
          : slot.pid,
      since: hooks.since(slot.name),
      startedAt: startedAt(slot.uptimeSeconds()),
      uptimeSeconds: slot.uptimeSeconds(),
      restarts: hooks.restarts(slot.name),
      exitCode: slot.exitCode,
      signal: slot.exitSignal,
      reason: slot.reason,
      cpuPercent: live ? m.cpuPercent : null,
      rssBytes: live ? m.rssBytes : null,
      logFile: sink.logPath(slot.name) ?? null,
      command: describe(slot.spec),
    };
  };

  const targets = (target: string): ProcessSlot[] => {
    if (target === 'all') return [...slots.values()];
    const direct = slots.get(target);
    if (direct) return [direct];
    const programs =
      fleet.groups[target]?.programs ?? (target in fleet.programs ? [target] : undefined);
    if (!programs)
      throw new UnknownTargetError(
        `no process, program or group named "${target}" in ${fleetFile ?? 'the fleet'}`,
      );
    return [...slots.values()].filter((s) => programs.includes(s.spec.program));
  };

  const run = async (target: string, op: (s: ProcessSlot) => Promise<void>) => {
    const list = targets(target);
    const results = await Promise.allSettled(list.map(op));
    const failed = results
      .map((r) => (r.status === 'rejected' ? `${(r.reason as Error).message}` : undefined))
      .filter((m): m is string => m !== undefined);
    if (failed.length) throw new ProcessCommandError(failed.join('; '));
    return list.map(info);
  };

  let closing: Promise<void> | undefined;
  const supervisor: Supervisor = {
    fleetFile,
    get fleetError() {
      return fleetError;
    },
    recovered,
    get watchdogPid() {
      return watchdog?.pid;
    },
    list: () => [...slots.values()].map(info),
    get: (name) => {
      const s = slots.get(name);
      return s && info(s);
    },
    groups: () => Object.fromEntries(Object.entries(fleet.groups).map(([g, v]) => [g, v.programs])),
    start: (target) => {
      if (closing)
        return Promise.reject(new ProcessCommandError('the supervisor is shutting down'));
      return run(target, (s) => s.start());
    },
    stop: (target) => run(target, (s) => s.stop()),
    restart: (target) =>
      run(target, async (s) => {
        await s.stop();
        await s.start();
      }),

    async reload() {
      const next = loadFleetFile(fleetFile ?? join(config.dataDir, 'fleet.toml'));
      const specs = new Map(expandProcesses(next).map((s) => [s.name, s]));
      const result: ReloadResult = { added: [], removed: [], changed: [], unchanged: [] };
      const work: Promise<unknown>[] = [];
      for (const [name, slot] of slots) {
        const spec = specs.get(name);
        if (!spec) {
          result.removed.push(name);
          work.push(slot.stop().then(() => slots.delete(name)));
        } else if (JSON.stringify(spec.config) !== JSON.stringify(slot.spec.config)) {
          result.changed.push(name);
          const wasActive =
            ['STARTING', 'RUNNING', 'BACKOFF'].includes(slot.state) || slot.restartPending;
          work.push(
            slot.stop().then(() => {
              slot.spec = spec;
              sink.configure(name, spec.config.log_max_bytes, spec.config.log_backups);
              if (wasActive || spec.config.autostart) return slot.start();
            }),
          );
        } else {
          result.unchanged.push(name);
          slot.spec = spec;
        }
      }
      fleet = next;
      fleetError = null;
      for (const [name, spec] of specs) {
        if (slots.has(name)) continue;
        result.added.push(name);
        const slot = addSlot(spec);
        if (spec.config.autostart) work.push(slot.start());
      }
      const settled = await Promise.allSettled(work);
      for (const r of settled)
        if (r.status === 'rejected') log.warn(`reload: ${(r.reason as Error).message}`);
      return result;
    },

    tail: (name, lines = 100, stream) => {
      sink.flush();
      return store.processOutput.tail(name, lines, stream);
    },
    search: (name, query, o = {}) => {
      sink.flush();
      return store.processOutput.search({ program: name, query, ...o });
    },
    flushOutput: () => sink.flush(),

    close() {
      closing ??= (async () => {
        metrics.stop();
        await Promise.allSettled([...slots.values()].map((s) => s.stop()));
        sink.close();
        await watchdog?.close();
      })();
      return closing;
    },
  };

  for (const slot of slots.values()) {
    if (slot.spec.config.autostart)
      slot.start().catch((err: unknown) => log.warn(`autostart: ${(err as Error).message}`));
  }
  return supervisor;
}

export { FleetError };

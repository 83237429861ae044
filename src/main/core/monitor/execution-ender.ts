import { hostname } from 'node:os';
import { endRunAbnormally, runProgressOf } from '../broker/run-lifecycle.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/index.js';
import { nowIso } from '../time.js';
import { livenessOf } from './liveness.js';

export interface ExecutionEnderOptions {
  /** An agent silent this long is dead (the liveness rule). */
  aliveSeconds: number;
  /** How often running executions are checked besides agent and process events. */
  sweepSeconds: number;
}

export interface EndedExecution {
  executionId: string;
  status: 'failed' | 'terminated';
  reason: string;
  runs: number[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Ends executions nobody is running any more, so that none stays `running` forever: one whose
 * agent exited, whose process on this machine is gone, or which has been silent past the
 * liveness limit. Found when the core starts, the execution is `terminated` (the core stopped
 * while it ran); found later, `failed` (its agent died). The reason goes in
 * `performance_metrics.error`, as the DAQ simulator reports its own failures, and its runs get
 * their end time.
 */
export function createExecutionEnder(
  store: Store,
  bus: EventBus,
  log: Logger,
  opts: ExecutionEnderOptions,
) {
  const host = hostname();
  let timer: NodeJS.Timeout | undefined;
  let pending: NodeJS.Immediate | undefined;
  let offs: (() => void)[] = [];
  /** When this core first saw each running execution: the activity floor of one without a start time. */
  const firstSeen = new Map<string, number>();

  /** Why the execution has nobody running it, or null while someone may be. */
  function goneReason(exec: Json, now: number): string | null {
    const by = typeof exec.executed_by === 'string' ? exec.executed_by : null;
    const agent = by ? store.agents.get(by) : undefined;
    if (agent) {
      if (agent.status === 'EXITED' || agent.operational_state === 'EXITED')
        return `its agent ${agent.instance_name} exited`;
      const local = !agent.hostname || agent.hostname === host;
      if (local && agent.pid && !pidAlive(agent.pid))
        return `its agent ${agent.instance_name} (pid ${agent.pid}) is no longer running`;
      if (livenessOf(agent, opts.aliveSeconds, now) === 'dead')
        return `its agent ${agent.instance_name} has sent no heartbeat since ${agent.last_heartbeat ?? 'ever'}`;
      return null;
    }
    // An executor we do not know as an agent (a workflow runner names its user): judge by activity.
    const last = store.workflowMessages.query({ executionId: String(exec.execution_id), limit: 1 })
      .items[0]?.sent_at;
    const id = String(exec.execution_id);
    if (!firstSeen.has(id)) firstSeen.set(id, now);
    const times = [last, exec.start_time]
      .filter((v): v is string => typeof v === 'string')
      .map((v) => Date.parse(v))
      .filter((v) => !Number.isNaN(v));
    const latest = times.length ? Math.max(...times) : firstSeen.get(id)!;
    if (latest >= now - opts.aliveSeconds * 1000) return null;
    return `no agent ${by ?? '(none named)'} is known and the execution has been silent since ${new Date(
      latest,
    ).toISOString()}`;
  }

  function check(atStart: boolean): EndedExecution[] {
    const now = Date.now();
    const ended: EndedExecution[] = [];
    const running = store.workflowExecutions.list({ status: 'running' }).items;
    const ids = new Set(running.map((e) => String(e.execution_id)));
    for (const id of firstSeen.keys()) if (!ids.has(id)) firstSeen.delete(id);
    for (const exec of running) {
      const why = goneReason(exec, now);
      if (!why) continue;
      const executionId = String(exec.execution_id);
      const status = atStart ? 'terminated' : 'failed';
      const reason = atStart ? `the control center stopped while it ran; ${why}` : why;
      const at = nowIso();
      const metrics = isObject(exec.performance_metrics) ? exec.performance_metrics : {};
      const runs = store.runLookups.runNumbersOfExecution(executionId);
      store.db.transaction(() => {
        store.workflowExecutions.patch(
          executionId,
          { status, end_time: at, performance_metrics: { ...metrics, error: reason } },
          at,
        );
        for (const run of runs) endRunAbnormally(store, run, reason, at);
      })();
      log.warn(`execution ${executionId} ${status}: ${reason}`);
      for (const run of runs) bus.emit('run.progress', runProgressOf(store, run, at));
      ended.push({ executionId, status, reason, runs });
    }
    return ended;
  }

  const soon = () => {
    if (!pending) {
      pending = setImmediate(() => {
        pending = undefined;
        safeCheck(false);
      });
    }
  };
  function safeCheck(atStart: boolean): EndedExecution[] {
    try {
      return check(atStart);
    } catch (err) {
      log.error('checking running executions failed', err);
      return [];
    }
  }

  return {
    check,
    /** Ends what the previous core left running, then keeps watching. */
    start(): EndedExecution[] {
      const ended = safeCheck(true);
      timer = setInterval(() => safeCheck(false), opts.sweepSeconds * 1000);
      timer.unref();
      offs = [
        bus.on('agent.liveness', (e) => {
          if (e.liveness === 'dead' || e.markedExited) soon();
        }),
        bus.on('agent.changed', (e) => {
          if (e.agent.status === 'EXITED' || e.agent.operational_state === 'EXITED') soon();
        }),
        bus.on('process.state', (e) => {
          if (e.to !== 'RUNNING' && e.to !== 'STARTING') soon();
        }),
      ];
      return ended;
    },
    stop() {
      if (timer) clearInterval(timer);
      if (pending) clearImmediate(pending);
      timer = undefined;
      pending = undefined;
      for (const off of offs) off();
      offs = [];
    },
  };
}

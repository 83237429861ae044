import type { BrokerState } from '../../../../shared/broker-state.js';
import type { CcStatus, CcStatusExecution, RecorderStats } from '../../../../shared/cc-status.js';
import type { ProcessInfo } from '../../../../shared/process-info.js';
import type { Config } from '../../config.js';
import type { LivenessTracker } from '../../monitor/liveness.js';
import { livenessOf } from '../../monitor/liveness.js';
import type { Store } from '../../store/index.js';
import type { HttpRouter } from '../router.js';
import { runProgressOf } from '../../broker/run-lifecycle.js';
import { nowIso } from '../../time.js';
import { runNumberOfExecution } from '../../workflow-commands.js';

/** The executions still running, each with its run's progress per stage (`status` shows them). */
function runningExecutions(store: Store): CcStatusExecution[] {
  const at = nowIso();
  return store.workflowExecutions.list({ status: 'running' }, 20).items.map((e) => {
    const id = String(e.execution_id);
    const run = runNumberOfExecution(store, id);
    return {
      execution_id: id,
      namespace: e.namespace == null ? null : String(e.namespace),
      start_time: e.start_time == null ? null : String(e.start_time),
      run: run === null ? null : runProgressOf(store, run, at),
    };
  });
}

/** Our own endpoints (not the monitor's): what `swf-control-center status` and the UI read. */
export function addControlCenterRoutes(
  router: HttpRouter,
  deps: {
    store: Store;
    liveness: LivenessTracker;
    config: Config;
    startedAt: string;
    brokerState: () => BrokerState;
    recorderStats: () => RecorderStats;
    /** The supervised processes (state, pid, CPU, RSS); empty before the supervisor exists. */
    processes?: () => ProcessInfo[];
  },
) {
  router.add('GET', '/api/cc/status/', (req) => {
    const includeExited = req.query.get('all') === 'true';
    const { items } = deps.store.agents.list({ includeExited }, 100_000);
    const now = Date.now();
    const body: CcStatus = {
      startedAt: deps.startedAt,
      namespace: deps.config.namespace,
      broker: deps.brokerState(),
      recorder: deps.recorderStats(),
      agents: items.map((a) => ({
        instance_name: a.instance_name,
        agent_type: a.agent_type,
        status: a.status,
        operational_state: a.operational_state,
        liveness: livenessOf(a, deps.config.liveness.aliveSeconds, now),
        last_heartbeat: a.last_heartbeat,
        pid: a.pid,
        namespace: a.namespace,
      })),
      processes: deps.processes?.() ?? [],
      executions: runningExecutions(deps.store),
    };
    return { status: 200, body };
  });

  router.add('GET', '/api/cc/heartbeats/', (req) => {
    const limit = Math.min(Number(req.query.get('limit') ?? 100) || 100, 10_000);
    return {
      status: 200,
      body: deps.store.heartbeats.query({
        instanceName: req.query.get('instance_name') ?? undefined,
        limit,
      }),
    };
  });
}

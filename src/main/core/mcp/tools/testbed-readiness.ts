import type { AgentRecord } from '../../../../shared/agent.js';
import { livenessOf } from '../../monitor/liveness.js';
import type { McpDeps } from '../deps.js';

/** The agent types that take run_workflow: ours, and swf-monitor's other name for it. */
export const RUNNER_TYPES = new Set(['DAQ_Simulator', 'workflow_runner']);

export const isExited = (a: AgentRecord) =>
  a.status === 'EXITED' || a.operational_state === 'EXITED';

/**
 * Whether a workflow can start now, as swf-monitor decides it for a testbed: the broker is up, a
 * DAQ simulator (the workflow runner) and at least one stage agent are alive, nothing is running,
 * and no alive agent reports ERROR. Exited agents are not alive, however recent their goodbye.
 */
export function assessReadiness(deps: McpDeps, namespace: string | undefined, now = Date.now()) {
  const { store, config } = deps;
  const aliveSeconds = config.liveness.aliveSeconds;
  const agents = store.agents.all().filter((a) => !namespace || a.namespace === namespace);
  const byType: Record<string, { alive: number; total: number }> = {};
  let exited = 0;
  let running = 0;
  const inError: string[] = [];
  const live: AgentRecord[] = [];
  for (const a of agents) {
    const entry = (byType[a.agent_type] ??= { alive: 0, total: 0 });
    entry.total++;
    if (isExited(a)) {
      exited++;
      continue;
    }
    if (a.last_heartbeat && Date.parse(a.last_heartbeat) >= now - 120_000) running++;
    if (livenessOf(a, aliveSeconds, now) === 'alive') {
      live.push(a);
      entry.alive++;
      if (a.status === 'ERROR') inError.push(a.instance_name);
    }
  }
  const runner = live
    .filter((a) => RUNNER_TYPES.has(a.agent_type))
    .sort((x, y) => Date.parse(y.last_heartbeat ?? '') - Date.parse(x.last_heartbeat ?? ''))[0];
  const stages = live.filter(
    (a) => !RUNNER_TYPES.has(a.agent_type) && a.agent_type !== 'agent_manager',
  );
  const executions = store.testbed.executions({ namespace, status: 'running', limit: 20 });
  const b = config.broker;
  const status = deps.messageSender.status();
  const broker = {
    mode: b.mode,
    address: b.mode === 'external' ? (b.url ?? '') : `stomp://127.0.0.1:${b.port}`,
    ...status,
  };
  const reasons: string[] = [];
  if (broker.state !== 'up')
    reasons.push(`broker is ${broker.state}${status.detail ? `: ${status.detail}` : ''}`);
  if (!runner)
    reasons.push(
      'no live DAQ simulator (agent_type DAQ_Simulator with a heartbeat in the last 5 minutes): start it with swf_start_agent',
    );
  if (stages.length === 0)
    reasons.push(
      'no live stage agent (data, processing or fast monitoring with a heartbeat in the last 5 minutes)',
    );
  if (executions.total > 0)
    reasons.push(
      `${executions.total} execution(s) running: ${executions.items.map((e) => e.execution_id).join(', ')}; wait for it, stop it with swf_stop_workflow, or mark one whose runner is gone with swf_end_execution`,
    );
  if (inError.length) reasons.push(`agents reporting ERROR: ${inError.join(', ')}`);
  return {
    ready: reasons.length === 0,
    reasons,
    broker,
    runner,
    stages,
    executions,
    agents,
    live,
    exited,
    running,
    inError,
    byType,
  };
}

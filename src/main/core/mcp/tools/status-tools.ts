import { z } from 'zod';
import type { AgentRecord } from '../../../../shared/agent.js';
import { livenessOf } from '../../monitor/liveness.js';
import type { McpDeps } from '../deps.js';
import { defineTool, type AnyToolDef } from '../tool-kit.js';
import { anyRow, READ } from './common.js';

/** The agent types that take run_workflow: ours, and swf-monitor's other name for it. */
const RUNNER_TYPES = new Set(['DAQ_Simulator', 'workflow_runner']);

const isExited = (a: AgentRecord) => a.status === 'EXITED' || a.operational_state === 'EXITED';

/** "Am I ready to run?" in one call. */
export function statusTools(deps: McpDeps): AnyToolDef[] {
  const { store, config } = deps;
  const aliveSeconds = config.liveness.aliveSeconds;

  const testbedStatus = defineTool({
    name: 'swf_get_testbed_status',
    title: 'Testbed status: am I ready to run?',
    description:
      'One call to answer "is the testbed ready to run a workflow?": broker state, the DAQ simulator (the workflow runner), the stage agents, ' +
      'running executions, agents (alive = heartbeat within 5 minutes and not EXITED; running = heartbeat within 2 minutes; per type), the last run, ' +
      'and ERROR-or-worse log records of the last hour with the five newest. `ready` is true only when the broker is up, a DAQ simulator is alive, ' +
      'at least one stage agent (data, processing, fast monitoring) is alive, no execution is running and no alive agent reports ERROR; ' +
      '`reasons` says what is missing.',
    input: z.object({
      namespace: z
        .string()
        .max(100)
        .optional()
        .describe('only agents and executions of this namespace (default: all)'),
    }),
    output: z.object({
      ready: z.boolean(),
      reasons: z.array(z.string()),
      namespace: z.string(),
      broker: z.object({
        mode: z.string(),
        address: z.string(),
        state: z.enum(['up', 'down', 'unknown']),
        detail: z.string().optional(),
      }),
      daq_simulator: z
        .object({ name: z.string(), last_heartbeat: z.string().nullable() })
        .nullable()
        .describe('the alive DAQ simulator that would take a start_workflow, if any'),
      stage_agents: z.array(z.string()).describe('alive agents other than the DAQ simulator'),
      running_workflows: z.number().int(),
      running_executions: z.array(
        z.object({ execution_id: z.string(), start_time: z.string().nullable() }),
      ),
      agents: z.object({
        total: z.number().int(),
        alive: z.number().int(),
        dead: z.number().int(),
        exited: z.number().int(),
        running: z.number().int(),
        in_error: z.array(z.string()),
        by_type: z.record(
          z.string(),
          z.object({ alive: z.number().int(), total: z.number().int() }),
        ),
      }),
      last_run: anyRow.nullable(),
      errors_last_hour: z.number().int(),
      recent_errors: z.array(anyRow),
    }),
    annotations: READ,
    run(args) {
      const now = Date.now();
      const agents = store.agents
        .all()
        .filter((a) => !args.namespace || a.namespace === args.namespace);
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
      const executions = store.testbed.executions({
        namespace: args.namespace,
        status: 'running',
        limit: 20,
      });
      const b = config.broker;
      const status = deps.messageSender?.status?.() ?? {
        state: 'unknown' as const,
        detail: 'no broker connection is attached to the MCP server',
      };
      const broker = {
        mode: b.mode,
        address: b.mode === 'external' ? (b.url ?? '') : `stomp://127.0.0.1:${b.port}`,
        ...status,
      };
      const since = new Date(now - 3600_000).toISOString();
      const errors = store.appLogs.query({ minLevel: 40, since, limit: 5 });
      const lastRun = store.runs.list({}, 1).items[0] ?? null;
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
          `${executions.total} execution(s) running: ${executions.items.map((e) => e.execution_id).join(', ')}; wait for it or stop it with swf_stop_workflow`,
        );
      if (inError.length) reasons.push(`agents reporting ERROR: ${inError.join(', ')}`);
      return {
        ready: reasons.length === 0,
        reasons,
        namespace: args.namespace ?? config.namespace,
        broker,
        daq_simulator: runner
          ? { name: runner.instance_name, last_heartbeat: runner.last_heartbeat }
          : null,
        stage_agents: stages.map((a) => a.instance_name),
        running_workflows: executions.total,
        running_executions: executions.items.map((e) => ({
          execution_id: e.execution_id,
          start_time: e.start_time,
        })),
        agents: {
          total: agents.length,
          alive: live.length,
          dead: agents.length - exited - live.length,
          exited,
          running,
          in_error: inError,
          by_type: byType,
        },
        last_run: lastRun,
        errors_last_hour: errors.total,
        recent_errors: errors.items.map((l) => ({
          id: l.id,
          timestamp: l.timestamp,
          app_name: l.app_name,
          instance_name: l.instance_name,
          levelname: l.levelname,
          message: l.message,
        })),
      };
    },
  });

  return [testbedStatus];
}

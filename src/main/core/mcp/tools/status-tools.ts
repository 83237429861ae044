import { z } from 'zod';
import type { McpDeps } from '../deps.js';
import { defineTool, type AnyToolDef } from '../tool-kit.js';
import { anyRow, READ } from './common.js';
import { assessReadiness } from './testbed-readiness.js';

/** "Am I ready to run?" in one call. */
export function statusTools(deps: McpDeps): AnyToolDef[] {
  const { store, config } = deps;

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
      username: z
        .string()
        .max(100)
        .optional()
        .describe('accepted for swf-monitor compatibility; this testbed has one user'),
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
      const r = assessReadiness(deps, args.namespace, now);
      const since = new Date(now - 3600_000).toISOString();
      const errors = store.appLogs.query({ minLevel: 40, since, limit: 5 });
      const lastRun = store.runs.list({}, 1).items[0] ?? null;
      const { runner, stages, executions, inError } = r;
      return {
        ready: r.ready,
        reasons: r.reasons,
        namespace: args.namespace ?? config.namespace,
        broker: r.broker,
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
          total: r.agents.length,
          alive: r.live.length,
          dead: r.agents.length - r.exited - r.live.length,
          exited: r.exited,
          running: r.running,
          in_error: inError,
          by_type: r.byType,
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

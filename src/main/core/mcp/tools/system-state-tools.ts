import { z } from 'zod';
import { COUNTER_STARTS, type CounterName } from '../../store/counters.js';
import type { McpDeps } from '../deps.js';
import { defineTool, type AnyToolDef } from '../tool-kit.js';
import { anyRow, READ } from './common.js';
import { assessReadiness, isExited, RUNNER_TYPES } from './testbed-readiness.js';

const HEALTHY_SECONDS = 300;

/**
 * swf-monitor's overview, answered for this testbed: the control center plays the user's agent
 * manager (it supervises the fleet and is answering), and readiness is the testbed status rule.
 */
export function systemStateTools(deps: McpDeps): AnyToolDef[] {
  const { store, config } = deps;

  const systemState = defineTool({
    name: 'swf_get_system_state',
    title: 'System state overview',
    description:
      'A high-level view to start from: the testbed context (namespace), the agent manager (here the control center itself), ' +
      'the workflow runner (the DAQ simulator), ready_to_run (as swf_get_testbed_status decides it), the last execution, ERROR logs of the ' +
      'last hour, agent counts (healthy = OK with a heartbeat within 5 minutes), running and recently completed executions, messages of ' +
      'the last 10 minutes, the five newest run states, the persistent counters and the ten newest system state events.',
    input: z.object({
      username: z
        .string()
        .max(100)
        .optional()
        .describe('accepted for swf-monitor compatibility; this testbed has one user'),
    }),
    output: z.object({
      timestamp: z.string(),
      user_context: z.object({
        username: z.string().nullable(),
        namespace: z.string(),
        workflow_name: z.string().nullable(),
        config: z.string().nullable(),
        config_file: z.string().nullable(),
        config_source: z.string(),
      }),
      agent_manager: z.object({ status: z.string(), last_heartbeat: z.string().nullable() }),
      workflow_runner: z.object({
        status: z.enum(['healthy', 'unhealthy', 'missing']),
        name: z.string().nullable(),
        last_heartbeat: z.string().nullable(),
      }),
      ready_to_run: z.boolean(),
      not_ready_reasons: z.array(z.string()),
      last_execution: anyRow.nullable(),
      errors_last_hour: z.number().int(),
      agents: z.object({
        total: z.number().int(),
        active: z.number().int(),
        exited: z.number().int(),
        healthy: z.number().int(),
        unhealthy: z.number().int(),
      }),
      executions: z.object({
        running: z.number().int(),
        completed_last_hour: z.number().int(),
      }),
      messages_last_10min: z.number().int(),
      run_states: z.array(anyRow),
      persistent_state: z.record(z.string(), z.number().int()),
      recent_events: z.array(anyRow),
    }),
    annotations: READ,
    run(args) {
      const now = Date.now();
      const iso = (msAgo: number) => new Date(now - msAgo).toISOString();
      const namespace = config.namespace;
      const readiness = assessReadiness(deps, namespace, now);
      const candidates = readiness.agents.filter(
        (a) => !isExited(a) && RUNNER_TYPES.has(a.agent_type),
      );
      const runner = readiness.runner ?? candidates[0];
      const all = store.agents.all();
      const exited = all.filter(isExited).length;
      const healthy = all.filter(
        (a) =>
          !isExited(a) &&
          a.status === 'OK' &&
          a.last_heartbeat !== null &&
          Date.parse(a.last_heartbeat) >= now - HEALTHY_SECONDS * 1000,
      ).length;
      const last = store.testbed.executions({ namespace, limit: 1 }).items[0];
      const counters: Record<string, number> = {};
      for (const name of Object.keys(COUNTER_STARTS) as CounterName[])
        counters[name] = store.counters.peek(name);
      return {
        timestamp: new Date(now).toISOString(),
        user_context: {
          username: args.username ?? null,
          namespace,
          workflow_name: null,
          config: null,
          config_file: null,
          config_source: 'control center configuration',
        },
        agent_manager: { status: 'healthy', last_heartbeat: new Date(now).toISOString() },
        workflow_runner: {
          status: readiness.runner
            ? ('healthy' as const)
            : runner
              ? ('unhealthy' as const)
              : ('missing' as const),
          name: runner?.instance_name ?? null,
          last_heartbeat: runner?.last_heartbeat ?? null,
        },
        ready_to_run: readiness.ready,
        not_ready_reasons: readiness.reasons,
        last_execution: last
          ? {
              execution_id: last.execution_id,
              status: last.status,
              start_time: last.start_time,
              end_time: last.end_time,
            }
          : null,
        errors_last_hour: store.appLogs.query({ minLevel: 40, since: iso(3600_000), limit: 0 })
          .total,
        agents: {
          total: all.length,
          active: all.length - exited,
          exited,
          healthy,
          unhealthy: all.length - exited - healthy,
        },
        executions: {
          running: store.testbed.executions({ status: 'running', limit: 0 }).total,
          completed_last_hour: store.testbed.executions({
            status: 'completed',
            endedSince: iso(3600_000),
            limit: 0,
          }).total,
        },
        messages_last_10min: store.workflowMessages.query({ since: iso(600_000), limit: 0 }).total,
        run_states: store.runStates.list({}, 5).items.map((rs) => ({
          run_number: Number(rs.run_number),
          phase: rs.phase,
          state: rs.state,
          substate: rs.substate,
          active_workers: rs.active_worker_count,
          target_workers: rs.target_worker_count,
          slices_queued: rs.slices_queued,
          slices_processing: rs.slices_processing,
          slices_completed: rs.slices_completed,
          slices_failed: rs.slices_failed,
        })),
        persistent_state: counters,
        recent_events: store.systemStateEvents.list({}, 10).items.map((e) => ({
          timestamp: e.timestamp,
          run_number: e.run_number,
          event_type: e.event_type,
          state: e.state,
        })),
      };
    },
  });

  return [systemState];
}

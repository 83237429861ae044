import { z } from 'zod';
import { livenessOf } from '../../monitor/liveness.js';
import type { McpDeps } from '../deps.js';
import { defineTool, type AnyToolDef } from '../tool-kit.js';
import { anyRow, READ } from './common.js';

/** "Am I ready to run?" in one call. */
export function statusTools(deps: McpDeps): AnyToolDef[] {
  const { store, config } = deps;
  const aliveSeconds = config.liveness.aliveSeconds;

  const testbedStatus = defineTool({
    name: 'swf_get_testbed_status',
    title: 'Testbed status: am I ready to run?',
    description:
      'One call to answer "is the testbed ready to run a workflow?": broker state, agents (alive, dead, exited, running = heartbeat within 2 minutes, per type), ' +
      'the last run, and ERROR-or-worse log records of the last hour with the five newest. `ready` is true only when the broker is up, at least one agent ' +
      'is alive and none of the alive agents reports ERROR; `reasons` says what blocks it.',
    input: z.object({
      namespace: z
        .string()
        .max(100)
        .optional()
        .describe('only agents of this namespace (default: all)'),
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
      let alive = 0;
      let exited = 0;
      let running = 0;
      const inError: string[] = [];
      for (const a of agents) {
        const entry = (byType[a.agent_type] ??= { alive: 0, total: 0 });
        entry.total++;
        if (a.status === 'EXITED' || a.operational_state === 'EXITED') exited++;
        if (a.last_heartbeat && Date.parse(a.last_heartbeat) >= now - 120_000) running++;
        if (livenessOf(a, aliveSeconds, now) === 'alive') {
          alive++;
          entry.alive++;
          if (a.status === 'ERROR') inError.push(a.instance_name);
        }
      }
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
      if (alive === 0) reasons.push('no agent has sent a heartbeat in the last 5 minutes');
      if (inError.length) reasons.push(`agents reporting ERROR: ${inError.join(', ')}`);
      return {
        ready: reasons.length === 0,
        reasons,
        namespace: args.namespace ?? config.namespace,
        broker,
        agents: {
          total: agents.length,
          alive,
          dead: agents.length - alive,
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

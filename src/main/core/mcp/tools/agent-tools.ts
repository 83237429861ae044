import { z } from 'zod';
import { agentRecordSchema, type AgentRecord } from '../../../../shared/agent.js';
import { livenessOf } from '../../monitor/liveness.js';
import type { McpDeps } from '../deps.js';
import { page, pageInput, pageOf, pageSchema } from '../paging.js';
import { inWindow, isoTime, timeWindow } from '../time-filters.js';
import { defineTool, ToolInputError, type AnyToolDef } from '../tool-kit.js';
import { anyRow, READ } from './common.js';
import { processTiming } from './process-uptime.js';
import { programOfAgent } from '../../../../shared/agent-program.js';

const agentItem = z.object({
  name: z.string(),
  agent_type: z.string(),
  status: z.string(),
  operational_state: z.string(),
  namespace: z.string().nullable(),
  last_heartbeat: z.string().nullable(),
  liveness: z.enum(['alive', 'dead']),
  workflow_enabled: z.boolean(),
  total_stf_processed: z.number().int(),
  pid: z.number().int().nullable(),
});

const heartbeatItem = z.object({
  at: z.string(),
  status: z.string(),
  operational_state: z.string().nullable(),
  source: z.string(),
});

/** Agents as the monitor knows them: list, one agent, liveness, and heartbeats by hand. */
export function agentTools(deps: McpDeps): AnyToolDef[] {
  const { store, config } = deps;
  const aliveSeconds = config.liveness.aliveSeconds;
  const toItem = (a: AgentRecord, now: number): z.input<typeof agentItem> => ({
    name: a.instance_name,
    agent_type: a.agent_type,
    status: a.status,
    operational_state: a.operational_state,
    namespace: a.namespace,
    last_heartbeat: a.last_heartbeat,
    liveness: livenessOf(a, aliveSeconds, now),
    workflow_enabled: a.workflow_enabled,
    total_stf_processed: a.total_stf_processed,
    pid: a.pid,
  });

  const listAgents = defineTool({
    name: 'swf_list_agents',
    title: 'List agents',
    description:
      'List the testbed agents the monitor knows (DAQ simulator, data, processing, fast monitoring, ...), sorted by name. ' +
      'EXITED agents are hidden unless status is "all" or "EXITED". Filters: agent_type, status (OK, WARNING, ERROR, UNKNOWN, EXITED or all), ' +
      'namespace, execution_id (agents that sent its messages), and start_time/end_time on the last heartbeat. `liveness` is "alive" when the last heartbeat is at most 5 minutes old. ' +
      'Returns one page: {items, total_count, has_more}; ask again with a larger offset for more.',
    input: z.object({
      agent_type: z
        .string()
        .max(100)
        .optional()
        .describe(
          'exact type; the built-in agents are DAQ_Simulator, DATA, STF_Processing and fastmon. agent_types in the answer lists the types that exist',
        ),
      status: z
        .string()
        .max(20)
        .optional()
        .describe('OK, WARNING, ERROR, UNKNOWN, EXITED, or "all" to include exited agents'),
      namespace: z.string().max(100).optional(),
      execution_id: z
        .string()
        .max(200)
        .optional()
        .describe('only agents that sent messages of this workflow execution'),
      start_time: isoTime('earliest last heartbeat').optional(),
      end_time: isoTime('latest last heartbeat').optional(),
      ...pageInput(100, 50),
    }),
    output: pageSchema(agentItem).extend({
      agent_types: z.array(z.string()).describe('every agent_type the monitor knows, to filter by'),
    }),
    annotations: READ,
    run(args) {
      const now = Date.now();
      const agentTypes = store.testbed.agentTypes();
      const all = args.status?.toLowerCase() === 'all';
      const filter = {
        agentType: args.agent_type,
        namespace: args.namespace,
        status: all ? undefined : args.status?.toUpperCase(),
        includeExited: all,
      };
      if (
        args.start_time === undefined &&
        args.end_time === undefined &&
        args.execution_id === undefined
      ) {
        const { items, total } = store.agents.list(filter, args.limit, args.offset);
        return {
          ...page(
            items.map((a) => toItem(a, now)),
            total,
            args.offset,
          ),
          agent_types: agentTypes,
        };
      }
      const window = timeWindow(args.start_time, args.end_time, undefined);
      const senders =
        args.execution_id === undefined
          ? undefined
          : new Set(store.testbed.sendersOfExecution(args.execution_id));
      const matching = store.agents
        .list(filter, 100_000)
        .items.filter(
          (a) => inWindow(a.last_heartbeat, window) && (!senders || senders.has(a.instance_name)),
        );
      return {
        ...pageOf(
          matching.map((a) => toItem(a, now)),
          args.limit,
          args.offset,
        ),
        agent_types: agentTypes,
      };
    },
  });

  const getAgent = defineTool({
    name: 'swf_get_agent',
    title: 'Get one agent',
    description:
      'Everything known about one agent by its instance name: the stored record, liveness, its most recent heartbeats (newest first) ' +
      'and, when the control center supervises it, its process state and state history. Use swf_list_agents to find names.',
    input: z.object({
      name: z
        .string()
        .min(1)
        .max(100)
        .describe('the agent instance_name, e.g. daqsim-agent-alice-1'),
      heartbeats: z
        .number()
        .int()
        .min(0)
        .max(200)
        .default(20)
        .describe('how many recent heartbeats to include (default 20)'),
    }),
    output: z.object({
      agent: agentRecordSchema,
      liveness: z.enum(['alive', 'dead']),
      recent_heartbeats: z.array(heartbeatItem),
      heartbeat_count: z.number().int(),
      process: z
        .object({
          name: z.string(),
          state: z.string(),
          pid: z.number().int().nullable(),
          since: z.string().nullable().describe('when the program entered its current state'),
          uptime_seconds: z
            .number()
            .nullable()
            .describe('how long the current process has run; null when none runs'),
          exitCode: z.number().int().nullable().optional(),
          history: z.array(anyRow),
        })
        .nullable(),
    }),
    annotations: READ,
    async run(args) {
      const agent = store.agents.get(args.name);
      if (!agent)
        throw new ToolInputError(
          `No agent named "${args.name}". Call swf_list_agents (status "all" includes exited agents) for the known names.`,
        );
      const hb = store.heartbeats.query({
        instanceName: agent.instance_name,
        limit: args.heartbeats,
      });
      let proc = null;
      const pc = deps.processControl;
      const info = programOfAgent(agent.instance_name, agent.pid, await pc.list());
      if (info) {
        const history = await pc.history(info.name, 20);
        proc = {
          name: info.name,
          state: info.state,
          pid: info.pid,
          ...processTiming(store, info.name, info.state, info.pid),
          exitCode: info.exitCode ?? null,
          history: history.map((h) => ({ ...h })),
        };
      }
      return {
        agent,
        liveness: livenessOf(agent, aliveSeconds),
        recent_heartbeats: hb.items.map((h) => ({
          at: h.at,
          status: h.status,
          operational_state: h.operational_state,
          source: h.source,
        })),
        heartbeat_count: hb.total,
        process: proc,
      };
    },
  });

  const liveness = defineTool({
    name: 'swf_get_agent_liveness',
    title: 'Agent liveness',
    description:
      'Which agents are alive: a map from every agent instance name (exited ones included) to "alive" (heartbeat within the last 5 minutes) or "dead".',
    input: z.object({}),
    output: z.object({
      agents: z.record(z.string(), z.enum(['alive', 'dead'])),
      alive_count: z.number().int(),
      dead_count: z.number().int(),
      alive_window_seconds: z.number(),
    }),
    annotations: READ,
    run() {
      const now = Date.now();
      const agents: Record<string, 'alive' | 'dead'> = {};
      let alive = 0;
      for (const a of store.agents.all()) {
        const l = livenessOf(a, aliveSeconds, now);
        agents[a.instance_name] = l;
        if (l === 'alive') alive++;
      }
      return {
        agents,
        alive_count: alive,
        dead_count: Object.keys(agents).length - alive,
        alive_window_seconds: aliveSeconds,
      };
    },
  });

  const heartbeat = defineTool({
    name: 'swf_record_heartbeat',
    title: 'Record a heartbeat',
    description:
      'Record a heartbeat for an agent, exactly as the agents do over REST: creates the agent if it is new, otherwise updates its status and last heartbeat. ' +
      'Use it to register an external agent or to mark one with a status by hand.',
    input: z.object({
      instance_name: z.string().min(1).max(100),
      status: z
        .string()
        .max(20)
        .optional()
        .describe('OK (default), WARNING, ERROR, UNKNOWN or EXITED'),
      agent_type: z.string().max(100).optional(),
      namespace: z.string().max(100).optional(),
      description: z.string().max(10_000).optional(),
      operational_state: z
        .string()
        .max(20)
        .optional()
        .describe('STARTING, READY, PROCESSING or EXITED'),
    }),
    output: z.object({ agent: agentRecordSchema, created: z.boolean() }),
    annotations: {
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: false,
    },
    run(args) {
      return deps.heartbeats.record(args, 'mcp');
    },
  });

  return [listAgents, getAgent, liveness, heartbeat];
}

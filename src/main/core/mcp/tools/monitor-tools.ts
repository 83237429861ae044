import { z } from 'zod';
import { programOfAgent } from '../../../../shared/agent-program.js';
import { agentRecordSchema, type AgentRecord } from '../../../../shared/agent.js';
import { appLogRecordSchema } from '../../../../shared/app-log.js';
import { livenessOf } from '../../monitor/liveness.js';
import type { Row } from '../../store/resource.js';
import type { McpDeps } from '../deps.js';
import { page, pageInput, pageOf, pageSchema } from '../paging.js';
import { inWindow, isoTime, timeWindow } from '../time-filters.js';
import { defineTool, ToolInputError, type AnyToolDef } from '../tool-kit.js';

const READ = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

const LEVELS: Record<string, number> = {
  DEBUG: 10,
  INFO: 20,
  WARNING: 30,
  WARN: 30,
  ERROR: 40,
  CRITICAL: 50,
};

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

const anyRow = z.record(z.string(), z.unknown());

function summarisePayload(content: unknown, max = 200): string {
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function monitorTools(deps: McpDeps): AnyToolDef[] {
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
      'namespace, and start_time/end_time on the last heartbeat. `liveness` is "alive" when the last heartbeat is at most 5 minutes old. ' +
      'Returns one page: {items, total_count, has_more}; ask again with a larger offset for more.',
    input: z.object({
      agent_type: z.string().max(100).optional().describe('e.g. daqsim, data, processing, fastmon'),
      status: z
        .string()
        .max(20)
        .optional()
        .describe('OK, WARNING, ERROR, UNKNOWN, EXITED, or "all" to include exited agents'),
      namespace: z.string().max(100).optional(),
      start_time: isoTime('earliest last heartbeat').optional(),
      end_time: isoTime('latest last heartbeat').optional(),
      ...pageInput(100, 50),
    }),
    output: pageSchema(agentItem),
    annotations: READ,
    run(args) {
      const now = Date.now();
      const all = args.status?.toLowerCase() === 'all';
      const filter = {
        agentType: args.agent_type,
        namespace: args.namespace,
        status: all ? undefined : args.status?.toUpperCase(),
        includeExited: all,
      };
      if (args.start_time === undefined && args.end_time === undefined) {
        const { items, total } = store.agents.list(filter, args.limit, args.offset);
        return page(
          items.map((a) => toItem(a, now)),
          total,
          args.offset,
        );
      }
      const window = timeWindow(args.start_time, args.end_time, undefined);
      const matching = store.agents
        .list(filter, 100_000)
        .items.filter((a) => inWindow(a.last_heartbeat, window));
      return pageOf(
        matching.map((a) => toItem(a, now)),
        args.limit,
        args.offset,
      );
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
          since: z.string().nullable().optional(),
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
      if (pc) {
        const info = programOfAgent(agent.instance_name, agent.pid, await pc.list());
        if (info) {
          const history = pc.history ? await pc.history(info.name, 20) : [];
          proc = {
            name: info.name,
            state: info.state,
            pid: info.pid,
            since: info.since ?? null,
            exitCode: info.exitCode ?? null,
            history: history.map((h) => ({ ...h })),
          };
        }
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

  const listLogs = defineTool({
    name: 'swf_list_logs',
    title: 'List application logs',
    description:
      'Log records the agents posted to the monitor, newest first. Filters: app_name, instance_name, execution_id (from extra_data), ' +
      'level as a minimum threshold (DEBUG, INFO, WARNING, ERROR, CRITICAL or a number), search (text in the message), start_time/end_time (default: the last 24 hours). ' +
      'Returns {items, total_count, has_more}.',
    input: z.object({
      app_name: z.string().max(100).optional(),
      instance_name: z.string().max(100).optional(),
      execution_id: z.string().max(200).optional(),
      level: z
        .union([
          z.enum(['DEBUG', 'INFO', 'WARNING', 'WARN', 'ERROR', 'CRITICAL']),
          z.number().int().min(0).max(100),
        ])
        .optional()
        .describe('minimum level: DEBUG, INFO, WARNING, ERROR, CRITICAL, or a Python level number'),
      search: z
        .string()
        .min(1)
        .max(200)
        .optional()
        .describe(
          'only records whose message contains this text (case-insensitive; searches the newest 10,000 matches of the other filters)',
        ),
      start_time: isoTime('earliest record time').optional(),
      end_time: isoTime('latest record time').optional(),
      ...pageInput(200, 50),
    }),
    output: pageSchema(appLogRecordSchema),
    annotations: READ,
    run(args) {
      const w = timeWindow(args.start_time, args.end_time, 24 * 3600);
      const query = {
        appName: args.app_name,
        instanceName: args.instance_name,
        executionId: args.execution_id,
        minLevel: typeof args.level === 'string' ? LEVELS[args.level] : args.level,
        since: w.since,
        until: w.until,
      };
      if (args.search !== undefined) {
        // The log store has no text index; a bounded scan of the newest rows keeps this cheap.
        const needle = args.search.toLowerCase();
        const matching = store.appLogs
          .query({ ...query, limit: 10_000 })
          .items.filter((l) => l.message.toLowerCase().includes(needle));
        return pageOf(matching, args.limit, args.offset);
      }
      const { items, total } = store.appLogs.query({
        ...query,
        limit: args.limit,
        offset: args.offset,
      });
      return page(items, total, args.offset);
    },
  });

  const messageItem = z.object({
    id: z.number().int(),
    message_type: z.string(),
    sender_agent: z.string().nullable(),
    recipient_agent: z.string().nullable(),
    namespace: z.string().nullable(),
    sent_at: z.string(),
    execution_id: z.string().nullable(),
    run_id: z.string().nullable(),
    queue_name: z.string(),
    payload_summary: z.string(),
  });

  const listMessages = defineTool({
    name: 'swf_list_messages',
    title: 'List workflow messages',
    description:
      'Workflow messages the monitor recorded from the broker (run_imminent, start_run, stf_gen, stf_ready, end_run, ...), newest first. ' +
      'Filters: namespace, execution_id, run_id, agent (sender), message_type, start_time/end_time (default: the last hour). ' +
      'Each item carries a payload_summary (first 200 characters of the body). Returns {items, total_count, has_more}.',
    input: z.object({
      namespace: z.string().max(100).optional(),
      execution_id: z.string().max(200).optional(),
      run_id: z.string().max(100).optional(),
      agent: z.string().max(100).optional().describe('sender agent name'),
      message_type: z.string().max(100).optional(),
      start_time: isoTime('earliest send time').optional(),
      end_time: isoTime('latest send time').optional(),
      ...pageInput(200, 50),
    }),
    output: pageSchema(messageItem),
    annotations: READ,
    run(args) {
      const w = timeWindow(args.start_time, args.end_time, 3600);
      const { items, total } = store.workflowMessages.query({
        namespace: args.namespace,
        executionId: args.execution_id,
        runId: args.run_id,
        sender: args.agent,
        messageType: args.message_type,
        since: w.since,
        until: w.until,
        limit: args.limit,
        offset: args.offset,
      });
      return page(
        items.map((m) => ({
          id: m.id,
          message_type: m.message_type,
          sender_agent: m.sender_agent,
          recipient_agent: m.recipient_agent,
          namespace: m.namespace,
          sent_at: m.sent_at,
          execution_id: m.execution_id,
          run_id: m.run_id,
          queue_name: m.queue_name,
          payload_summary: summarisePayload(m.message_content),
        })),
        total,
        args.offset,
      );
    },
  });

  const stfCount = (runNumber: unknown) =>
    typeof runNumber === 'number' ? store.stfFiles.list({ run_number: runNumber }, 0).total : 0;

  const runItem = (r: Row) => {
    const start = typeof r.start_time === 'string' ? Date.parse(r.start_time) : NaN;
    const end = typeof r.end_time === 'string' ? Date.parse(r.end_time) : NaN;
    return {
      ...r,
      duration_seconds: Number.isNaN(start)
        ? null
        : ((Number.isNaN(end) ? Date.now() : end) - start) / 1000,
      stf_file_count: stfCount(r.run_number),
    };
  };

  const listRuns = defineTool({
    name: 'swf_list_runs',
    title: 'List runs',
    description:
      'Data-taking runs, newest first, each with duration_seconds (to now while running) and stf_file_count. ' +
      'Filter by start_time/end_time on the run start (default: the last 7 days). Returns {items, total_count, has_more}.',
    input: z.object({
      start_time: isoTime('earliest run start').optional(),
      end_time: isoTime('latest run start').optional(),
      ...pageInput(100, 50),
    }),
    output: pageSchema(anyRow),
    annotations: READ,
    run(args) {
      const w = timeWindow(args.start_time, args.end_time, 7 * 24 * 3600);
      const runs = store.runs
        .list({})
        .items.filter((r) => inWindow(r.start_time as string | null, w));
      const p = pageOf(runs, args.limit, args.offset);
      return { ...p, items: p.items.map(runItem) };
    },
  });

  const getRun = defineTool({
    name: 'swf_get_run',
    title: 'Get one run',
    description:
      'One run by run_number: the run row with run_conditions, its live run state (phase, state, slice counters) when known, ' +
      'STF file counts per status, and the 20 newest workflow messages for that run.',
    input: z.object({ run_number: z.number().int().min(0).describe('e.g. 100123') }),
    output: z.object({
      run: anyRow,
      run_state: anyRow.nullable(),
      file_stats: z.record(z.string(), z.number().int()),
      recent_messages: z.array(anyRow),
    }),
    annotations: READ,
    run(args) {
      const run = store.runs.list({ run_number: args.run_number }, 1).items[0];
      if (!run)
        throw new ToolInputError(
          `No run ${args.run_number}. Call swf_list_runs (widen start_time for older runs) for the known run numbers.`,
        );
      const files = store.stfFiles.list({ run_number: args.run_number }).items;
      const stats: Record<string, number> = {};
      for (const f of files) stats[String(f.status)] = (stats[String(f.status)] ?? 0) + 1;
      const messages = store.workflowMessages.query({ runId: String(args.run_number), limit: 20 });
      return {
        run: runItem(run),
        run_state: store.runStates.get(String(args.run_number)) ?? null,
        file_stats: stats,
        recent_messages: messages.items.map((m) => ({
          message_type: m.message_type,
          sender_agent: m.sender_agent,
          sent_at: m.sent_at,
          payload_summary: summarisePayload(m.message_content),
        })),
      };
    },
  });

  const listStf = defineTool({
    name: 'swf_list_stf_files',
    title: 'List STF files',
    description:
      'Super Time Frame files registered by the data agent, newest first. Filters: run_number, status (registered, processing, processed, failed, done), ' +
      'machine_state, start_time/end_time on creation. Returns {items, total_count, has_more}.',
    input: z.object({
      run_number: z.number().int().min(0).optional(),
      status: z.enum(['registered', 'processing', 'processed', 'failed', 'done']).optional(),
      machine_state: z.string().max(100).optional(),
      start_time: isoTime('earliest creation time').optional(),
      end_time: isoTime('latest creation time').optional(),
      ...pageInput(200, 50),
    }),
    output: pageSchema(anyRow),
    annotations: READ,
    run(args) {
      const filters: Record<string, string | number> = {};
      if (args.run_number !== undefined) filters.run_number = args.run_number;
      if (args.status) filters.status = args.status;
      if (args.start_time === undefined && args.end_time === undefined && !args.machine_state) {
        const { items, total } = store.stfFiles.list(filters, args.limit, args.offset);
        return page(items, total, args.offset);
      }
      const w = timeWindow(args.start_time, args.end_time, undefined);
      const all = store.stfFiles
        .list(filters)
        .items.filter(
          (f) =>
            inWindow(f.created_at as string, w) &&
            (!args.machine_state || f.machine_state === args.machine_state),
        );
      return pageOf(all, args.limit, args.offset);
    },
  });

  const getStf = defineTool({
    name: 'swf_get_stf_file',
    title: 'Get one STF file',
    description:
      'One STF file by file_id or by stf_filename (give exactly one), with checksum, metadata and workflow fields.',
    input: z.object({
      file_id: z.string().max(255).optional(),
      stf_filename: z.string().max(255).optional(),
    }),
    output: z.object({ file: anyRow }),
    annotations: READ,
    run(args) {
      if ((args.file_id === undefined) === (args.stf_filename === undefined))
        throw new ToolInputError('Give exactly one of file_id or stf_filename.');
      const file = args.file_id
        ? store.stfFiles.get(args.file_id)
        : store.stfFiles.list({ stf_filename: args.stf_filename! }, 1).items[0];
      if (!file)
        throw new ToolInputError(
          `No STF file ${args.file_id ?? args.stf_filename}. Call swf_list_stf_files to find one.`,
        );
      return { file };
    },
  });

  return [
    listAgents,
    getAgent,
    liveness,
    heartbeat,
    testbedStatus,
    listLogs,
    listMessages,
    listRuns,
    getRun,
    listStf,
    getStf,
  ];
}

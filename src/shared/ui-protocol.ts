import { z } from 'zod';
import { agentRecordSchema, heartbeatSourceSchema, livenessSchema } from './agent.js';
import { appLogRecordSchema } from './app-log.js';
import { storedWorkflowMessageSchema } from './workflow-messages.js';

/**
 * The `/ws/ui` protocol (DESIGN §3 "UI channel"): one JSON object per text frame.
 * Server -> client: `snapshot` first (and again after a `resync`), then `event`s (batched as
 * `events`), and one `result` per `command`. Client -> server: `command` with an id.
 * Event payloads are validated per name on the client; an unknown name is ignored, a payload
 * that does not match is reported, so a newer core never breaks an older renderer.
 */

export const UI_PROTOCOL_VERSION = 1;

// ---------------------------------------------------------------------------------------------
// Records carried in the snapshot and in events

export const processStateSchema = z.enum([
  'STOPPED',
  'STARTING',
  'RUNNING',
  'BACKOFF',
  'STOPPING',
  'EXITED',
  'FATAL',
]);
export type ProcessState = z.infer<typeof processStateSchema>;

/** A supervised program as the supervisor reports it (absent until a supervisor exists). */
export const processInfoSchema = z.object({
  name: z.string(),
  state: processStateSchema,
  pid: z.number().int().nullable().optional(),
  startedAt: z.string().nullable().optional(),
  restarts: z.number().int().optional(),
  exitCode: z.number().int().nullable().optional(),
  reason: z.string().nullable().optional(),
  cpuPercent: z.number().nullable().optional(),
  rssBytes: z.number().nullable().optional(),
});
export type ProcessInfo = z.infer<typeof processInfoSchema>;

export const fleetAgentSchema = agentRecordSchema.extend({ liveness: livenessSchema });
export type FleetAgent = z.infer<typeof fleetAgentSchema>;

export const heartbeatEntrySchema = z.object({
  instanceName: z.string(),
  status: z.string(),
  operationalState: z.string().nullable(),
  source: heartbeatSourceSchema,
  at: z.string(),
});
export type HeartbeatEntry = z.infer<typeof heartbeatEntrySchema>;

export const runSummarySchema = z.object({
  run_id: z.number().int(),
  run_number: z.number().int(),
  start_time: z.string().nullable(),
  end_time: z.string().nullable(),
  run_conditions: z.unknown().nullable(),
  state: z.string().nullable(),
  phase: z.string().nullable(),
  substate: z.string().nullable(),
  stf_samples_received: z.number().int().nullable(),
  slices_completed: z.number().int().nullable(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

/** The stored message, as the recorder defines it (one definition for the core and the UI). */
export const workflowMessageSchema = storedWorkflowMessageSchema;
export type WorkflowMessage = z.infer<typeof workflowMessageSchema>;

export const outputStreamSchema = z.enum(['stdout', 'stderr', 'system']);
export type OutputStream = z.infer<typeof outputStreamSchema>;
export const outputLineSchema = z.object({
  seq: z.number().int().optional(),
  at: z.string(),
  stream: outputStreamSchema,
  text: z.string(),
});
export type OutputLine = z.infer<typeof outputLineSchema>;

export const mcpActivitySchema = z
  .object({
    at: z.string(),
    client: z.string(),
    tool: z.string(),
    arguments: z.unknown().optional(),
    outcome: z.enum(['ok', 'error']),
    error: z.string().nullable().optional(),
    durationMs: z.number().optional(),
  })
  .loose();
export type McpActivity = z.infer<typeof mcpActivitySchema>;

export const configSummarySchema = z.object({
  namespace: z.string(),
  port: z.number().int(),
  dataDir: z.string(),
  brokerMode: z.enum(['embedded', 'external']),
  brokerPort: z.number().int(),
  brokerUrl: z.string().nullable(),
  workflowTopic: z.string(),
  aliveSeconds: z.number(),
  exitedAfterSeconds: z.number(),
  mcpUrl: z.string(),
  /** The STOMP login agents started by hand need (the passcode is in `brokerPasscodeFile`). */
  brokerLogin: z.string().optional(),
  brokerPasscodeFile: z.string().optional(),
});
export type ConfigSummary = z.infer<typeof configSummarySchema>;

// ---------------------------------------------------------------------------------------------
// Events: the core bus names, with the payload the renderer expects for each

export const eventPayloadSchemas = {
  'agent.changed': z.object({ agent: agentRecordSchema, created: z.boolean() }),
  'agent.heartbeat': heartbeatEntrySchema,
  'agent.liveness': z.object({
    instanceName: z.string(),
    liveness: livenessSchema,
    markedExited: z.boolean(),
  }),
  'log.appended': z.object({ log: appLogRecordSchema }),
  'core.state': z.object({ state: z.enum(['starting', 'running', 'stopping', 'stopped']) }),
  // Supervisor (wired by the integrator): one program's state or metrics changed, or it printed.
  'process.state': processInfoSchema.extend({ at: z.string().optional() }),
  'process.metrics': z
    .object({
      name: z.string(),
      pid: z.number().int().nullable().optional(),
      cpuPercent: z.number().nullable(),
      rssBytes: z.number().nullable(),
    })
    .loose(),
  'process.output': z.object({ name: z.string(), lines: z.array(outputLineSchema) }).loose(),
  // Broker and recorder.
  'broker.state': z
    .object({
      state: z.string(),
      mode: z.enum(['embedded', 'external']).optional(),
      url: z.string().optional(),
      error: z.string().nullable().optional(),
      slowConsumersCut: z.number().optional(),
    })
    .loose(),
  'workflow.message': z.object({ message: workflowMessageSchema }).loose(),
  'run.progress': z
    .object({
      runNumber: z.number().int(),
      executionId: z.string().nullable().optional(),
      state: z.string().optional(),
      stages: z
        .record(
          z.string(),
          z.object({ done: z.number().int(), total: z.number().int().nullable() }).loose(),
        )
        .optional(),
    })
    .loose(),
  // MCP: one tool call (audit), or the connected client list changed.
  'mcp.activity': mcpActivitySchema,
  'mcp.clients': z.object({
    clients: z.array(
      z.object({ id: z.string(), name: z.string(), transport: z.string(), since: z.string() }),
    ),
  }),
} as const;

export type UiEventName = keyof typeof eventPayloadSchemas;
export type UiEventPayload<K extends UiEventName> = z.infer<(typeof eventPayloadSchemas)[K]>;
export const isUiEventName = (name: string): name is UiEventName =>
  Object.hasOwn(eventPayloadSchemas, name);

// ---------------------------------------------------------------------------------------------
// Commands: client -> server, each with its argument schema

const target = z.object({ target: z.string().min(1).max(200) });
const iso = z.string().max(64);

export const commandArgSchemas = {
  'process.start': target,
  'process.stop': target,
  'process.restart': target,
  'process.startAll': z.object({}),
  'process.stopAll': z.object({}),
  'process.restartAll': z.object({}),
  'run.start': z.object({
    stfCount: z.number().int().min(1).max(1_000_000),
    physicsPeriods: z.number().int().min(0).max(1000).default(1),
    physicsPeriodSeconds: z.number().positive().max(86_400).default(60),
    standbySeconds: z.number().min(0).max(86_400).default(5),
    stfIntervalSeconds: z.number().positive().max(3600).default(1),
    realtime: z.boolean().default(true),
  }),
  'run.stop': z.object({ executionId: z.string().min(1).max(200).optional() }),
  'output.tail': z.object({
    target: z.string().min(1).max(200),
    lines: z.number().int().min(1).max(100_000).default(1000),
  }),
  'output.search': z.object({
    target: z.string().min(1).max(200),
    query: z.string().min(1).max(500),
    limit: z.number().int().min(1).max(10_000).default(500),
  }),
  'heartbeats.query': z.object({
    instanceName: z.string().max(200).optional(),
    status: z.string().max(20).optional(),
    since: iso.optional(),
    until: iso.optional(),
    limit: z.number().int().min(1).max(10_000).default(500),
  }),
  'logs.query': z.object({
    instanceName: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(10_000).default(200),
  }),
  'messages.query': z.object({
    runId: z.string().max(64).optional(),
    executionId: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(10_000).default(500),
  }),
  'settings.get': z.object({}),
  'settings.set': z.object({ values: z.record(z.string(), z.unknown()) }),
  'mcp.clients': z.object({}),
  'mcp.audit': z.object({ limit: z.number().int().min(1).max(10_000).default(200) }),
} as const;

export type UiCommandName = keyof typeof commandArgSchemas;
export type UiCommandArgs<K extends UiCommandName> = z.input<(typeof commandArgSchemas)[K]>;
export type UiCommandParsedArgs<K extends UiCommandName> = z.output<(typeof commandArgSchemas)[K]>;
export const UI_COMMAND_NAMES = Object.keys(commandArgSchemas) as UiCommandName[];

export const commandMessageSchema = z.object({
  type: z.literal('command'),
  id: z.string().min(1).max(100),
  command: z.string().min(1).max(100),
  args: z.unknown().optional(),
});
export type CommandMessage = z.infer<typeof commandMessageSchema>;

/** `settings.get`/`settings.set` answer: effective values, the file's own, restart notes. */
export const settingsResultSchema = z.object({
  file: z.string(),
  effective: z.record(z.string(), z.unknown()),
  saved: z.record(z.string(), z.unknown()),
  restartRequired: z.array(z.string()),
});
export type SettingsResult = z.infer<typeof settingsResultSchema>;

// ---------------------------------------------------------------------------------------------
// Server -> client

export const snapshotSchema = z.object({
  type: z.literal('snapshot'),
  protocol: z.number().int(),
  serverTime: z.string(),
  startedAt: z.string(),
  config: configSummarySchema,
  agents: z.array(fleetAgentSchema),
  heartbeats: z.array(heartbeatEntrySchema),
  logs: z.array(appLogRecordSchema),
  runs: z.array(runSummarySchema),
  messages: z.array(workflowMessageSchema),
  /** null: no supervisor in this build. */
  processes: z.array(processInfoSchema).nullable(),
  /** Commands this core can run; the others answer "not available in this build". */
  commands: z.array(z.string()),
});
export type Snapshot = z.infer<typeof snapshotSchema>;

export const eventMessageSchema = z.object({
  type: z.literal('event'),
  name: z.string(),
  payload: z.unknown(),
});
export type EventMessage = z.infer<typeof eventMessageSchema>;

export const serverMessageSchema = z.discriminatedUnion('type', [
  snapshotSchema,
  eventMessageSchema,
  z.object({
    type: z.literal('events'),
    events: z.array(eventMessageSchema.omit({ type: true })),
  }),
  z.object({
    type: z.literal('result'),
    id: z.string(),
    ok: z.boolean(),
    data: z.unknown().optional(),
    error: z.string().optional(),
  }),
  /** The server dropped events for this client (too slow); a fresh snapshot follows. */
  z.object({ type: z.literal('resync'), reason: z.string() }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;
export type ResultMessage = Extract<ServerMessage, { type: 'result' }>;

export const notAvailable = (command: string) =>
  `${command} is not available in this build (no backend is wired for it yet)`;

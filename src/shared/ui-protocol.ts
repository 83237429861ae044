import { z } from 'zod';
import { agentDeathSchema } from './agent-death.js';
import { agentRecordSchema, livenessSchema } from './agent.js';
import { appLogRecordSchema } from './app-log.js';
import { brokerStateSchema } from './broker-state.js';
import { browseArgSchemas } from './browse-protocol.js';
import {
  coreEventSchemas,
  heartbeatEntrySchema,
  runSummarySchema,
  workflowExecutionSchema,
} from './core-events.js';
import { type McpAuditRecord } from './mcp-activity.js';
import { processInfoSchema } from './process-info.js';
import { storedWorkflowMessageSchema } from './workflow-messages.js';
import { mcpBridgeLauncherSchema } from './mcp-client-configs.js';

export { heartbeatEntrySchema, runSummarySchema, workflowExecutionSchema, processInfoSchema };
export type { HeartbeatEntry, RunSummary, WorkflowExecution } from './core-events.js';
export type { ProcessInfo, ProcessState } from './process-info.js';
export { processStateSchema } from './process-info.js';

/**
 * The `/ws/ui` protocol: one JSON object per text frame.
 * Server -> client: `snapshot` first (and again after a `resync`), then `event`s (batched as
 * `events`), and one `result` per `command`. Client -> server: `command` with an id.
 * Event payloads are validated per name on the client; an unknown name is ignored, a payload
 * that does not match is reported, so a newer core never breaks an older renderer.
 */

export const UI_PROTOCOL_VERSION = 1;

// ---------------------------------------------------------------------------------------------
// Records carried in the snapshot and in events

export const fleetAgentSchema = agentRecordSchema.extend({ liveness: livenessSchema });
export type FleetAgent = z.infer<typeof fleetAgentSchema>;

/** The stored message, as the recorder defines it (one definition for the core and the UI). */
export const workflowMessageSchema = storedWorkflowMessageSchema;
export type WorkflowMessage = z.infer<typeof workflowMessageSchema>;

export const outputStreamSchema = z.enum(['stdout', 'stderr', 'system']);
export const outputLineSchema = z.object({
  seq: z.number().int().optional(),
  at: z.string(),
  stream: outputStreamSchema,
  text: z.string(),
});
export type OutputLine = z.infer<typeof outputLineSchema>;

export type McpActivity = McpAuditRecord;

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
  mcpBridge: mcpBridgeLauncherSchema,
  /** The STOMP login agents started by hand need (the passcode is in `brokerPasscodeFile`). */
  brokerLogin: z.string().optional(),
  brokerPasscodeFile: z.string().optional(),
});
export type ConfigSummary = z.infer<typeof configSummarySchema>;

// ---------------------------------------------------------------------------------------------
// Events: the core bus's events, with the bus's own payload schemas. Only process output differs
// on the wire (its lines carry `text`, as `output.tail` answers); `src/main/core/ui/ui-events.ts`
// is the one place that translates, and it is typed against these schemas.

export const eventPayloadSchemas = {
  ...coreEventSchemas,
  'process.output': z.object({ name: z.string(), lines: z.array(outputLineSchema) }),
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
  // Unset fields are not sent: the simulator takes them from the workflow's config.
  'run.start': z.object({
    workflowName: z.string().min(1).max(200).optional(),
    config: z.string().min(1).max(200).optional(),
    stfCount: z.number().int().min(1).max(1_000_000).optional(),
    physicsPeriods: z.number().int().min(0).max(1000).optional(),
    physicsPeriodSeconds: z.number().positive().max(86_400).optional(),
    standbySeconds: z.number().min(0).max(86_400).optional(),
    stfIntervalSeconds: z.number().positive().max(3600).optional(),
    realtime: z.boolean().default(true),
  }),
  'run.stop': z.object({ executionId: z.string().min(1).max(200).optional() }),
  'workflows.presets': z.object({}),
  'run.stats': z.object({ runNumber: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }),
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
  ...browseArgSchemas,
} as const;

export type UiCommandName = keyof typeof commandArgSchemas;
export type UiCommandArgs<K extends UiCommandName> = z.input<(typeof commandArgSchemas)[K]>;
export type UiCommandParsedArgs<K extends UiCommandName> = z.output<(typeof commandArgSchemas)[K]>;

export const commandMessageSchema = z.object({
  type: z.literal('command'),
  id: z.string().min(1).max(100),
  command: z.string().min(1).max(100),
  args: z.unknown().optional(),
});

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
  executions: z.array(workflowExecutionSchema).default([]),
  /** The broker's last reported state (later changes arrive as `broker.state` events). */
  broker: brokerStateSchema.nullable().default(null),
  messages: z.array(workflowMessageSchema),
  /** null: no supervisor in this build. */
  processes: z.array(processInfoSchema).nullable(),
  /** Commands this core can run; the others answer "not available in this build". */
  commands: z.array(z.string()),
  /** Agents whose process the supervisor saw end, by instance name. */
  agentDeaths: z.record(z.string(), agentDeathSchema).default({}),
});
export type Snapshot = z.infer<typeof snapshotSchema>;

export const eventMessageSchema = z.object({
  type: z.literal('event'),
  name: z.string(),
  payload: z.unknown(),
});

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

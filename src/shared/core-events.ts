import { z } from 'zod';
import { agentRecordSchema, heartbeatSourceSchema, livenessSchema } from './agent.js';
import { appLogRecordSchema } from './app-log.js';
import { brokerStateSchema } from './broker-state.js';
import { mcpAuditRecordSchema, mcpConnectedClientSchema } from './mcp-activity.js';
import { processStateSchema } from './process-info.js';
import { runProgressSchema, storedWorkflowMessageSchema } from './workflow-messages.js';

/**
 * The payload of every event on the core's bus, defined once. The bus's `CoreEventMap` is inferred
 * from these schemas and the `/ws/ui` protocol reuses them, so a payload the renderer would reject
 * does not type-check where the core emits it.
 */

export const heartbeatEntrySchema = z.object({
  instanceName: z.string(),
  status: z.string(),
  operationalState: z.string().nullable(),
  source: heartbeatSourceSchema,
  at: z.string(),
});
export type HeartbeatEntry = z.infer<typeof heartbeatEntrySchema>;

/** A run as the Runs view lists it: the run row joined with its state. */
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

/** A workflow execution row, as swf-monitor's API serves it. */
export const workflowExecutionSchema = z.object({
  execution_id: z.string(),
  workflow_definition: z.number().int().nullable(),
  namespace: z.string().nullable(),
  parameter_values: z.unknown().nullable(),
  performance_metrics: z.unknown().nullable(),
  status: z.string(),
  start_time: z.string().nullable(),
  end_time: z.string().nullable(),
  executed_by: z.string().nullable(),
});
export type WorkflowExecution = z.infer<typeof workflowExecutionSchema>;

/** One state transition of a supervised program, as stored. */
export const processTransitionSchema = z.object({
  name: z.string(),
  program: z.string(),
  pid: z.number().int().nullable(),
  from: processStateSchema,
  to: processStateSchema,
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  reason: z.string().nullable(),
  at: z.string(),
  /** Starts after the first one, over the program's stored history (as `ProcessInfo.restarts`). */
  restarts: z.number().int().optional(),
});
export type ProcessTransition = z.infer<typeof processTransitionSchema>;

export const processMetricsSampleSchema = z.object({
  at: z.string(),
  processes: z.array(
    z.object({
      name: z.string(),
      pid: z.number().int(),
      cpuPercent: z.number(),
      rssBytes: z.number(),
    }),
  ),
});

export const coreStateSchema = z.enum(['starting', 'running', 'stopping', 'stopped']);

export const coreEventSchemas = {
  /** An agent row was created or changed (heartbeat, sweeper, process state). */
  'agent.changed': z.object({ agent: agentRecordSchema, created: z.boolean() }),
  /** One heartbeat arrived, whatever its path. */
  'agent.heartbeat': heartbeatEntrySchema,
  /** An agent crossed the liveness line (alive <-> dead) or was marked EXITED as stale. */
  'agent.liveness': z.object({
    instanceName: z.string(),
    liveness: livenessSchema,
    markedExited: z.boolean(),
  }),
  /** An application log record was stored. */
  'log.appended': z.object({ log: appLogRecordSchema }),
  /** The broker (embedded server or external client) changed connection state. */
  'broker.state': brokerStateSchema,
  /** The recorder stored one workflow message (after its batch committed). */
  'workflow.message': z.object({ message: storedWorkflowMessageSchema }),
  /** A run row was created (by a run lifecycle message or the REST API). */
  'run.created': z.object({ run: runSummarySchema }),
  /** A run's state or STF pipeline counts changed (at most once per run per recorder batch). */
  'run.progress': runProgressSchema,
  /** A run got its end time. */
  'run.ended': z.object({ run: runSummarySchema }),
  /** A workflow execution was created or changed. */
  'execution.state': z.object({ execution: workflowExecutionSchema }),
  /** A supervised process changed state (every transition, as stored). */
  'process.state': processTransitionSchema,
  /** Captured output of one process, batched (one event per flush, not per line). */
  'process.output': z.object({
    name: z.string(),
    lines: z.array(
      z.object({ at: z.string(), stream: z.enum(['stdout', 'stderr']), line: z.string() }),
    ),
    /** Lines in this batch left out of the event (still stored) to keep events small. */
    omitted: z.number().int(),
  }),
  /** CPU and memory of every running process, sampled every few seconds. */
  'process.metrics': processMetricsSampleSchema,
  /** An MCP client called a tool (stored in mcp_audit first; `id` is the row). */
  'mcp.activity': mcpAuditRecordSchema,
  /** The MCP clients connected over WebSocket or the stdio bridge changed. */
  'mcp.clients': z.object({ clients: z.array(mcpConnectedClientSchema) }),
  /** The core started or is stopping. */
  'core.state': z.object({ state: coreStateSchema }),
} as const;

export type CoreEventName = keyof typeof coreEventSchemas;
export type CoreEventMap = { [K in CoreEventName]: z.infer<(typeof coreEventSchemas)[K]> };
export const CORE_EVENT_NAMES = Object.keys(coreEventSchemas) as CoreEventName[];

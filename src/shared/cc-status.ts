import { z } from 'zod';
import { livenessSchema } from './agent.js';
import { brokerStateSchema } from './broker-state.js';
import { processInfoSchema } from './process-info.js';
import { runProgressSchema } from './workflow-messages/stored.js';

/** The recorder's counters: messages in, stored, per problem, and its batches. */
export const recorderStatsSchema = z.object({
  received: z.number().int(),
  stored: z.number().int(),
  heartbeats: z.number().int(),
  /** Messages per problem reason (only reasons seen so far). */
  problems: z.record(z.string(), z.number().int()),
  queued: z.number().int(),
  batches: z.number().int(),
  lastBatch: z.object({ size: z.number().int(), ms: z.number() }).nullable(),
  maxBatchMs: z.number(),
});
export type RecorderStats = z.infer<typeof recorderStatsSchema>;

const statusAgentSchema = z.object({
  instance_name: z.string(),
  agent_type: z.string(),
  status: z.string(),
  operational_state: z.string(),
  liveness: livenessSchema,
  last_heartbeat: z.string().nullable(),
  pid: z.number().int().nullable(),
  namespace: z.string().nullable(),
});

const statusExecutionSchema = z.object({
  execution_id: z.string(),
  namespace: z.string().nullable(),
  start_time: z.string().nullable(),
  run: runProgressSchema.nullable(),
});

/** `GET /api/cc/status/`: what `swf-control-center status` prints and the UI checks its token on. */
export const ccStatusSchema = z.object({
  startedAt: z.string(),
  namespace: z.string(),
  broker: brokerStateSchema,
  recorder: recorderStatsSchema,
  agents: z.array(statusAgentSchema),
  processes: z.array(processInfoSchema),
  executions: z.array(statusExecutionSchema),
});
export type CcStatus = z.infer<typeof ccStatusSchema>;
export type CcStatusAgent = z.infer<typeof statusAgentSchema>;
export type CcStatusExecution = z.infer<typeof statusExecutionSchema>;

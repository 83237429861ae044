import { z } from 'zod';
import { boundedJsonSchema } from './json-limits.js';

/** Agent health as the monitor stores it; EXITED arrived at HEAD. Not enforced on heartbeats. */
export const AGENT_STATUSES = ['UNKNOWN', 'OK', 'WARNING', 'ERROR', 'EXITED'] as const;
export const OPERATIONAL_STATES = ['STARTING', 'READY', 'PROCESSING', 'EXITED'] as const;

/** The monitor's SystemAgentSerializer output, field for field and in its order. */
export const agentRecordSchema = z.object({
  id: z.number().int(),
  instance_name: z.string(),
  agent_type: z.string(),
  description: z.string(),
  status: z.string(),
  last_heartbeat: z.string().nullable(),
  agent_url: z.string().nullable(),
  workflow_enabled: z.boolean(),
  current_stf_count: z.number().int(),
  total_stf_processed: z.number().int(),
  last_stf_processed: z.string().nullable(),
  pid: z.number().int().nullable(),
  hostname: z.string().nullable(),
  operational_state: z.string(),
  namespace: z.string().nullable(),
  metadata: z.unknown().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type AgentRecord = z.infer<typeof agentRecordSchema>;

/** Where a heartbeat came from: the agents' REST call, a STOMP body, or an MCP client. */
export const heartbeatSourceSchema = z.enum(['rest', 'stomp', 'mcp']);
export type HeartbeatSource = z.infer<typeof heartbeatSourceSchema>;

const shortText = (max: number) => z.string().max(max);

/**
 * The heartbeat body. `instance_name` is required; the keys that are "written
 * only if present" stay optional so the upsert can tell absent from null.
 */
export const heartbeatInputSchema = z.object({
  instance_name: shortText(100).min(1),
  agent_type: shortText(100).nullish(),
  description: z.string().max(10_000).nullish(),
  status: shortText(20).nullish(),
  agent_url: shortText(200).nullish(),
  namespace: shortText(100).nullish(),
  workflow_enabled: z.boolean().optional(),
  operational_state: shortText(20).optional(),
  pid: z.number().int().nullable().optional(),
  hostname: shortText(100).nullable().optional(),
  metadata: boundedJsonSchema.optional(),
  /**
   * One beat's id: an agent that sends each beat over REST and over STOMP gives both copies the
   * same id, and the core stores the beat once.
   */
  beat_id: shortText(64).optional(),
});
export type HeartbeatInput = z.infer<typeof heartbeatInputSchema>;

export const livenessSchema = z.enum(['alive', 'dead']);
export type Liveness = z.infer<typeof livenessSchema>;

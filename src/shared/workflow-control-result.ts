import { z } from 'zod';
import { durationSecondsSchema, namespaceSchema } from './input-bounds.js';

/**
 * What starting or stopping a workflow answers, whoever asked (MCP, the UI, the command line):
 * the DAQ simulator's verdict with the execution and run it started or stopped. A refusal carries
 * the simulator's reason; `null` ids mean the simulator did not name them.
 */
export const workflowControlResultSchema = z.object({
  accepted: z.boolean(),
  execution_id: z.string().nullable(),
  run_number: z.number().int().nullable(),
  reason: z.string().nullable(),
});
export type WorkflowControlResult = z.infer<typeof workflowControlResultSchema>;

/** A request to start a workflow, with swf-monitor's MCP argument names (also `/api/cc/workflow/start/`). */
export const startWorkflowArgsSchema = z.object({
  workflow_name: z.string().min(1).max(200).default('stf_datataking'),
  namespace: namespaceSchema.optional().describe('default: the control center namespace'),
  config: z
    .string()
    .max(1000)
    .optional()
    .describe('workflow config name, e.g. fast_processing_default'),
  realtime: z.boolean().default(true),
  duration: durationSecondsSchema
    .default(0)
    .describe('seconds; 0 = until the STF count is reached'),
  stf_count: z.number().int().min(1).max(1_000_000).optional(),
  physics_period_count: z.number().int().min(1).max(1_000_000).optional(),
  physics_period_duration: durationSecondsSchema.optional(),
  stf_interval: durationSecondsSchema.optional(),
});
export type StartWorkflowArgs = z.output<typeof startWorkflowArgsSchema>;

/** A request to stop the running workflow (also `/api/cc/workflow/stop/`). */
export const stopWorkflowArgsSchema = z.object({
  execution_id: z.string().min(1).max(200).optional(),
  namespace: namespaceSchema.optional(),
});
export type StopWorkflowArgs = z.output<typeof stopWorkflowArgsSchema>;

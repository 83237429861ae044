import { z } from 'zod';
import { optionalText, runIdSchema, text } from './fields.js';

/**
 * Control messages on the workflow control queue; the workflow runner (the DAQ simulator)
 * consumes them. `namespace` travels in the envelope; `params` holds only workflow parameters.
 */

export const WORKFLOW_TOPIC = '/topic/epictopic';
export const WORKFLOW_CONTROL_QUEUE = '/queue/workflow_control';

const controlFields = {
  namespace: optionalText,
  timestamp: optionalText,
  /** Who sent it: `mcp`, `ui`, or a tool's own name. */
  source: optionalText,
  sender: optionalText,
  /** Ours: where to send the accept/refuse answer (also read from the STOMP `reply-to` header). */
  reply_to: optionalText,
};

/** The runner refuses a message without `workflow_name`; the rest default as it defaults them. */
export const runWorkflowSchema = z.looseObject({
  ...controlFields,
  msg_type: z.literal('run_workflow'),
  workflow_name: z.string().min(1).max(200),
  config: optionalText,
  realtime: z.boolean().default(true),
  /** Seconds; 0 = until the STF count is reached. */
  duration: z.number().nonnegative().default(0),
  params: z.record(z.string().max(100), z.unknown()).default({}),
});

/** `execution_id`, when given, must name the running execution or the stop is ignored. */
export const stopWorkflowSchema = z.looseObject({
  ...controlFields,
  msg_type: z.literal('stop_workflow'),
  execution_id: optionalText,
});

/** The runner only logs its state. */
export const statusRequestSchema = z.looseObject({
  ...controlFields,
  msg_type: z.literal('status_request'),
});

/** Ours: the runner's answer to a control message that named `reply_to`. */
export const workflowControlReplySchema = z.looseObject({
  msg_type: z.literal('workflow_control_reply'),
  request: z.enum(['run_workflow', 'stop_workflow']),
  accepted: z.boolean(),
  reason: text.optional(),
  execution_id: optionalText,
  run_id: runIdSchema.nullish(),
  timestamp: optionalText,
  sender: optionalText,
  namespace: optionalText,
});

/** What a sender writes (defaults not yet applied). */
export type RunWorkflowInput = z.input<typeof runWorkflowSchema>;
/** What the runner reads (defaults applied). */
export type RunWorkflow = z.infer<typeof runWorkflowSchema>;
export type StopWorkflow = z.infer<typeof stopWorkflowSchema>;
export type StatusRequest = z.infer<typeof statusRequestSchema>;
export type WorkflowControlReply = z.infer<typeof workflowControlReplySchema>;

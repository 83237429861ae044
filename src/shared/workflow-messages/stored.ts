import { z } from 'zod';

/** A workflow message as the recorder stored it (the `workflow.message` event, the UI). */
export const storedWorkflowMessageSchema = z.object({
  id: z.number().int(),
  message_id: z.string(),
  message_type: z.string(),
  sender_agent: z.string().nullable(),
  recipient_agent: z.string().nullable(),
  namespace: z.string().nullable(),
  execution_id: z.string().nullable(),
  run_id: z.string().nullable(),
  queue_name: z.string(),
  message_content: z.unknown(),
  sent_at: z.string(),
});
export type StoredWorkflowMessage = z.infer<typeof storedWorkflowMessageSchema>;

/** One run's state and pipeline progress (the `run.progress` event, the UI's run view). */
export const runProgressSchema = z.object({
  runNumber: z.number().int(),
  phase: z.string(),
  state: z.string(),
  substate: z.string(),
  executionId: z.string().nullable(),
  /** STFs that reached each stage (a file counts once per stage). */
  stf: z.object({
    generated: z.number().int(),
    ready: z.number().int(),
    processed: z.number().int(),
    fastmon: z.number().int(),
  }),
  /** TF samples registered by fastmon for this run. */
  tfFiles: z.number().int(),
  at: z.string(),
});
export type RunProgress = z.infer<typeof runProgressSchema>;

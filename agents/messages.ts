import { z } from 'zod';

/**
 * The workflow message formats the agents send and read (reference §2.1, HEAD protocol), as zod
 * schemas. Field names are exactly the originals'. Every schema is loose: unknown keys pass
 * through untouched (mid-2025 and standalone senders add their own), and `sender`, `namespace`
 * and `execution_id` are optional on input (reference §5.2 #12). The recorder keeps its own copy
 * in `src/shared/workflow-messages.ts`; the integrator unifies the two.
 */

export const WORKFLOW_TOPIC = '/topic/epictopic';
export const WORKFLOW_CONTROL_QUEUE = '/queue/workflow_control';
export const HEARTBEAT_TOPIC = '/topic/swf.heartbeat';

export const WORKFLOW_MESSAGE_TYPES = [
  'run_imminent',
  'start_run',
  'pause_run',
  'resume_run',
  'end_run',
  'stf_gen',
  'stf_ready',
  'tf_file_registered',
  'processing_complete',
] as const;

/** A parsed JSON body before validation. */
export type WorkflowBody = Record<string, unknown> & {
  msg_type?: unknown;
  namespace?: unknown;
  execution_id?: unknown;
  run_id?: unknown;
};

/** HEAD sends an integer run number; the mid-2025 simulator sent it as a string. */
const runId = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);
const optText = z.string().nullish();

const common = {
  namespace: optText,
  sender: optText,
  execution_id: optText,
  timestamp: optText,
  simulation_tick: z.number().nullish(),
};

const stateStamp = { state: optText, substate: optText };

export const runImminentSchema = z.looseObject({
  msg_type: z.literal('run_imminent'),
  run_id: runId,
  ...common,
  ...stateStamp,
  dataset: optText,
  container: optText,
  run_conditions: z.record(z.string(), z.unknown()).nullish(),
});
export const startRunSchema = z.looseObject({
  msg_type: z.literal('start_run'),
  run_id: runId,
  ...common,
  ...stateStamp,
});
export const pauseRunSchema = z.looseObject({
  msg_type: z.literal('pause_run'),
  run_id: runId,
  ...common,
  ...stateStamp,
  reason: optText,
});
export const resumeRunSchema = z.looseObject({
  msg_type: z.literal('resume_run'),
  run_id: runId,
  ...common,
  ...stateStamp,
});

/** HEAD carries `total_stf_files`; 2025 readers look for `total_files` (§5.2 #2): we send both. */
export const endRunSchema = z.looseObject({
  msg_type: z.literal('end_run'),
  run_id: runId,
  ...common,
  total_stf_files: z.number().int().nonnegative().nullish(),
  total_files: z.number().int().nonnegative().nullish(),
});

export const stfGenSchema = z.looseObject({
  msg_type: z.literal('stf_gen'),
  run_id: runId,
  ...common,
  ...stateStamp,
  filename: z.string().min(1).max(255),
  sequence: z.number().int().nullish(),
  // Not sent by HEAD; the 2025 simulators and the standalone one did (`size`).
  size_bytes: z.number().int().nonnegative().nullish(),
  size: z.number().int().nonnegative().nullish(),
  checksum: optText,
  file_url: optText,
  start: optText,
  end: optText,
  tf_count: z.number().int().positive().nullish(),
});

/**
 * Per-STF `stf_ready` (the example data agent's meaning, §5.2 #1). The once-per-run variant of the
 * Rucio data agent has no `filename`; consumers here act only on the per-STF form.
 */
export const stfReadySchema = z.looseObject({
  msg_type: z.literal('stf_ready'),
  run_id: runId,
  ...common,
  ...stateStamp,
  filename: z.string().min(1).max(255).nullish(),
  file_url: optText,
  checksum: optText,
  size_bytes: z.number().int().nonnegative().nullish(),
  start: optText,
  end: optText,
  sequence: z.number().int().nullish(),
  processed_by: optText,
  tf_count: z.number().int().positive().nullish(),
  req_id: z.unknown().optional(),
});

export const processingCompleteSchema = z.looseObject({
  msg_type: z.literal('processing_complete'),
  run_id: runId,
  ...common,
  filename: z.string().min(1),
  input_file_url: optText,
  input_checksum: optText,
  input_size_bytes: z.number().int().nullish(),
  output_files: z.array(z.string()),
  processing_time_ms: z.number(),
  processed_by: optText,
  sequence: z.number().int().nullish(),
  status: optText,
});

export const tfFileRegisteredSchema = z.looseObject({
  msg_type: z.literal('tf_file_registered'),
  run_id: runId,
  ...common,
  processed_by: optText,
  tf_file_id: z.string(),
  tf_filename: z.string(),
  tf_first: z.number().int(),
  tf_last: z.number().int(),
  tf_count: z.number().int(),
  file_size_bytes: z.number().int(),
  stf_filename: z.string(),
  status: z.string(),
  sequence: z.number().int().nullish(),
});

/** Control messages on `/queue/workflow_control` (reference §2.1). */
export const runWorkflowSchema = z.looseObject({
  msg_type: z.literal('run_workflow'),
  namespace: optText,
  workflow_name: z.string().min(1).default('stf_datataking'),
  config: optText,
  realtime: z.boolean().default(true),
  duration: z.number().nonnegative().default(0),
  params: z.record(z.string(), z.unknown()).default({}),
  timestamp: optText,
  source: optText,
  /** Ours: where to send the accept/refuse answer (also read from the STOMP `reply-to` header). */
  reply_to: optText,
});
export const stopWorkflowSchema = z.looseObject({
  msg_type: z.literal('stop_workflow'),
  namespace: optText,
  execution_id: optText,
  timestamp: optText,
  reply_to: optText,
});

export const workflowMessageSchemas = {
  run_imminent: runImminentSchema,
  start_run: startRunSchema,
  pause_run: pauseRunSchema,
  resume_run: resumeRunSchema,
  end_run: endRunSchema,
  stf_gen: stfGenSchema,
  stf_ready: stfReadySchema,
  processing_complete: processingCompleteSchema,
  tf_file_registered: tfFileRegisteredSchema,
  run_workflow: runWorkflowSchema,
  stop_workflow: stopWorkflowSchema,
} as const;

export type StfGen = z.infer<typeof stfGenSchema>;
export type StfReady = z.infer<typeof stfReadySchema>;
export type EndRun = z.infer<typeof endRunSchema>;
export type RunWorkflow = z.infer<typeof runWorkflowSchema>;

/** `end_run` total whichever spelling the sender used. */
export function endRunTotal(m: EndRun): number | undefined {
  return m.total_stf_files ?? m.total_files ?? undefined;
}

/** `swf.<run>.<seq:06d>.stf` (HEAD naming, run number not padded). */
export const stfFilename = (run: number, seq: number) =>
  `swf.${run}.${String(seq).padStart(6, '0')}.stf`;

/** The stem of an STF file name, for TF samples (`<stem>_tf_NNN.tf`) and outputs. */
export const stfStem = (filename: string) => filename.replace(/\.stf$/, '');

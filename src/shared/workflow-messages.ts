import { z } from 'zod';
import { heartbeatInputSchema } from './agent.js';

/**
 * The workflow message formats of the SWF testbed (reference swf-agents-and-protocol §2.1-§2.4).
 * The recorder and the TypeScript agents validate the same definitions.
 *
 * Lenient on purpose: the originals disagree across eras (§5.2), so every schema accepts extra
 * keys, `sender`/`namespace`/`execution_id` are optional (mid-2025 messages carry none of them),
 * `run_id` may be a number or a numeric string, and only the fields a consumer cannot do without
 * are required (the run number of a lifecycle message, the file name of a per-STF stage).
 */

/** A run number as the eras send it: 100123, "100123", or the July 2025 "20250724120000". */
export const runIdSchema = z.union([z.number().int().nonnegative(), z.string().min(1).max(64)]);

const optionalText = z.string().max(1000).nullish();
const optionalInt = z.number().int().nullish();
const optionalNumber = z.number().nullish();

/** Keys every workflow message may carry. */
export const workflowMessageBaseSchema = z.looseObject({
  msg_type: z.string().min(1).max(100),
  sender: optionalText,
  recipient: optionalText,
  namespace: optionalText,
  execution_id: optionalText,
  run_id: runIdSchema.nullish(),
  timestamp: optionalText,
  simulation_tick: optionalNumber,
  /** The DAQ state in effect (E0-E1 stamp); absent on end_run. */
  state: optionalText,
  substate: optionalText,
});
export type WorkflowMessageBase = z.infer<typeof workflowMessageBaseSchema>;

const lifecycle = <T extends string>(type: T) =>
  workflowMessageBaseSchema.extend({ msg_type: z.literal(type), run_id: runIdSchema });

export const runImminentSchema = lifecycle('run_imminent').extend({
  dataset: optionalText,
  container: optionalText,
  run_conditions: z.record(z.string(), z.unknown()).nullish(),
});
export const startRunSchema = lifecycle('start_run');
export const pauseRunSchema = lifecycle('pause_run').extend({ reason: optionalText });
export const resumeRunSchema = lifecycle('resume_run');
export const endRunSchema = lifecycle('end_run').extend({
  /** HEAD runner's name for the count; the 2025 simulator sent `total_files` (§5.2 item 2). */
  total_stf_files: optionalInt,
  total_files: optionalInt,
});

/** One STF produced by the DAQ simulator. */
export const stfGenSchema = lifecycle('stf_gen').extend({
  filename: z.string().min(1).max(255),
  sequence: optionalInt,
  file_url: optionalText,
  checksum: optionalText,
  size_bytes: optionalInt,
  size: optionalInt,
  start: optionalText,
  end: optionalText,
});

/**
 * Two meanings (§5.2 item 1): per STF with `filename` (example data agent), or once per run
 * without it (Rucio data agent: "the dataset has data").
 */
export const stfReadySchema = lifecycle('stf_ready').extend({
  filename: z.string().min(1).max(255).nullish(),
  file_url: optionalText,
  checksum: optionalText,
  size_bytes: optionalInt,
  sequence: optionalInt,
  processed_by: optionalText,
  req_id: z.union([z.number(), z.string()]).nullish(),
});

export const processingCompleteSchema = lifecycle('processing_complete').extend({
  filename: z.string().min(1).max(255),
  input_file_url: optionalText,
  input_checksum: optionalText,
  input_size_bytes: optionalInt,
  output_files: z.array(z.string()).nullish(),
  processing_time_ms: optionalNumber,
  processed_by: optionalText,
});

/** One TF sample the fastmon agent registered from an STF. */
export const tfFileRegisteredSchema = lifecycle('tf_file_registered').extend({
  stf_filename: z.string().min(1).max(255),
  tf_filename: z.string().min(1).max(255),
  tf_file_id: optionalText,
  tf_first: optionalInt,
  tf_last: optionalInt,
  tf_count: optionalInt,
  file_size_bytes: optionalInt,
  status: optionalText,
  processed_by: optionalText,
});

/** Mid-2025 data agent -> processing agent. */
export const dataReadySchema = lifecycle('data_ready').extend({
  filename: z.string().min(1).max(255),
});

export const fastmonStatusSchema = workflowMessageBaseSchema.extend({
  msg_type: z.literal('fastmon_status'),
  processed_by: optionalText,
  status: optionalText,
  message: optionalText,
});

/** Control, on `/queue/workflow_control` (consumer: the workflow runner). */
export const runWorkflowSchema = workflowMessageBaseSchema.extend({
  msg_type: z.literal('run_workflow'),
  workflow_name: z.string().min(1).max(200),
  config: optionalText,
  realtime: z.boolean().nullish(),
  duration: optionalNumber,
  params: z.record(z.string(), z.unknown()).nullish(),
  source: optionalText,
});
export const stopWorkflowSchema = workflowMessageBaseSchema.extend({
  msg_type: z.literal('stop_workflow'),
});

/** TypeScript agents' STOMP heartbeat: the REST heartbeat's fields plus `msg_type`. */
export const stompHeartbeatSchema = heartbeatInputSchema.extend({
  msg_type: z.literal('heartbeat'),
});

/** The seed monitor's heartbeat: `agent_name` + `status`, no `msg_type`. */
export const seedHeartbeatSchema = z.looseObject({
  agent_name: z.string().min(1).max(100),
  status: z.union([z.string().max(20), z.number(), z.boolean()]),
});

export const RUN_LIFECYCLE_TYPES = [
  'run_imminent',
  'start_run',
  'pause_run',
  'resume_run',
  'end_run',
] as const;
export type RunLifecycleType = (typeof RUN_LIFECYCLE_TYPES)[number];

/** The per-STF pipeline stages, in pipeline order, and the message that marks each. */
export const STF_STAGES = ['generated', 'ready', 'processed', 'fastmon'] as const;
export type StfStage = (typeof STF_STAGES)[number];
export const STF_STAGE_OF: Readonly<Record<string, StfStage>> = {
  stf_gen: 'generated',
  stf_ready: 'ready',
  processing_complete: 'processed',
  tf_file_registered: 'fastmon',
};

/** Every message type with its own schema; any other `msg_type` is checked against the base. */
export const WORKFLOW_MESSAGE_SCHEMAS = {
  run_imminent: runImminentSchema,
  start_run: startRunSchema,
  pause_run: pauseRunSchema,
  resume_run: resumeRunSchema,
  end_run: endRunSchema,
  stf_gen: stfGenSchema,
  stf_ready: stfReadySchema,
  processing_complete: processingCompleteSchema,
  tf_file_registered: tfFileRegisteredSchema,
  data_ready: dataReadySchema,
  fastmon_status: fastmonStatusSchema,
  run_workflow: runWorkflowSchema,
  stop_workflow: stopWorkflowSchema,
} as const;
export type KnownMessageType = keyof typeof WORKFLOW_MESSAGE_SCHEMAS;
export type KnownWorkflowMessage = {
  [K in KnownMessageType]: z.infer<(typeof WORKFLOW_MESSAGE_SCHEMAS)[K]>;
}[KnownMessageType];

export const isKnownMessageType = (t: string): t is KnownMessageType =>
  Object.hasOwn(WORKFLOW_MESSAGE_SCHEMAS, t);

export type WorkflowMessageCheck =
  | { ok: true; known: true; message: KnownWorkflowMessage }
  | { ok: true; known: false; message: WorkflowMessageBase }
  | { ok: false; known: boolean; issues: string };

/** Validates one parsed body that has a `msg_type`; `issues` names the offending keys. */
export function checkWorkflowMessage(body: unknown): WorkflowMessageCheck {
  const type =
    typeof body === 'object' && body !== null ? (body as { msg_type?: unknown }).msg_type : null;
  const known = typeof type === 'string' && isKnownMessageType(type);
  const schema = known ? WORKFLOW_MESSAGE_SCHEMAS[type] : workflowMessageBaseSchema;
  const result = schema.safeParse(body);
  if (!result.success) return { ok: false, known, issues: describeIssues(result.error) };
  return known
    ? { ok: true, known: true, message: result.data as KnownWorkflowMessage }
    : { ok: true, known: false, message: result.data as WorkflowMessageBase };
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`)
    .join('; ');
}

/** A run number from a `run_id` as the monitor reads it (`int(str(run_id))`); null if none. */
export function runNumberOf(runId: unknown): number | null {
  if (typeof runId === 'number') return Number.isSafeInteger(runId) ? runId : null;
  if (typeof runId !== 'string' || !/^\s*\d{1,15}\s*$/.test(runId)) return null;
  return Number(runId.trim());
}

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

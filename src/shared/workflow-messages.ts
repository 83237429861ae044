import type { z } from 'zod';
import {
  describeIssues,
  workflowMessageBaseSchema,
  type WorkflowMessageBase,
} from './workflow-messages/fields.js';
import {
  runWorkflowSchema,
  statusRequestSchema,
  stopWorkflowSchema,
  workflowControlReplySchema,
} from './workflow-messages/control.js';
import {
  endRunSchema,
  pauseRunSchema,
  resumeRunSchema,
  runImminentSchema,
  startRunSchema,
} from './workflow-messages/run-lifecycle.js';
import {
  dataReadySchema,
  fastmonStatusSchema,
  processingCompleteSchema,
  stfGenSchema,
  stfReadySchema,
  tfFileRegisteredSchema,
} from './workflow-messages/stf-pipeline.js';

/**
 * The workflow messages of the SWF testbed, defined once: the agents, the recorder, the MCP tools,
 * the UI and the workflow-control builder all import them from here. One zod schema per
 * `msg_type`, with the originals' field names and types, split by family under
 * `workflow-messages/`. Every schema lets unknown keys through: the originals add their own.
 */

export * from './workflow-messages/control.js';
export * from './workflow-messages/fields.js';
export * from './workflow-messages/heartbeat.js';
export * from './workflow-messages/run-lifecycle.js';
export * from './workflow-messages/stf-pipeline.js';
export * from './workflow-messages/stored.js';

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
  status_request: statusRequestSchema,
  workflow_control_reply: workflowControlReplySchema,
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

/** A parsed JSON body before validation. */
export type WorkflowBody = Record<string, unknown> & {
  msg_type?: unknown;
  namespace?: unknown;
  execution_id?: unknown;
  run_id?: unknown;
};

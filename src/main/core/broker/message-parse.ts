import {
  checkWorkflowMessage,
  describeIssues,
  seedHeartbeatSchema,
  type WorkflowMessageCheck,
} from '../../../shared/workflow-messages.js';
import type { WorkflowMessageInput } from '../store/workflow-messages.js';
import type { RecorderProblem } from './problem-counter.js';

/**
 * What one delivered body is, by the monitor's rules (`activemq_processor`): `agent_name` +
 * `status` without `msg_type` = seed heartbeat; `msg_type: "heartbeat"` = a TypeScript agent's
 * full heartbeat; any other `msg_type` = a workflow message, checked against its shared schema.
 */
export type ParsedDelivery =
  | { kind: 'problem'; reason: RecorderProblem; detail: string }
  | { kind: 'seed-heartbeat'; name: string; status: string }
  | { kind: 'heartbeat'; body: Record<string, unknown> }
  | {
      kind: 'workflow';
      body: Record<string, unknown>;
      /** The JSON text `body` was parsed from. */
      text: string;
      msgType: string;
      check: WorkflowMessageCheck;
    };

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function preview(body: string | Buffer): string {
  const s = typeof body === 'string' ? body : body.toString('utf8');
  return s.length > 120 ? `${JSON.stringify(s.slice(0, 120))}...` : JSON.stringify(s);
}

export function parseDelivery(destination: string, body: string | Buffer): ParsedDelivery {
  const problem = (reason: RecorderProblem, detail: string): ParsedDelivery => ({
    kind: 'problem',
    reason,
    detail,
  });
  let parsed: unknown;
  const text = typeof body === 'string' ? body : body.toString('utf8');
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return problem(
      'invalid_json',
      `${destination}: ${(err as Error).message}; body ${preview(body)}`,
    );
  }
  if (!isObject(parsed)) return problem('not_an_object', `${destination}: body ${preview(body)}`);
  const msgType = parsed.msg_type;
  if (msgType === undefined || msgType === null) {
    if (!('agent_name' in parsed && 'status' in parsed))
      return problem('no_msg_type', `${destination}: body ${preview(body)}`);
    const hb = seedHeartbeatSchema.safeParse(parsed);
    if (!hb.success)
      return problem(
        'invalid_heartbeat',
        `${destination}: ${describeIssues(hb.error)}; body ${preview(body)}`,
      );
    return { kind: 'seed-heartbeat', name: hb.data.agent_name, status: String(hb.data.status) };
  }
  if (typeof msgType !== 'string' || msgType === '')
    return problem('invalid_msg_type', `${destination}: body ${preview(body)}`);
  if (msgType === 'heartbeat') return { kind: 'heartbeat', body: parsed };
  return { kind: 'workflow', body: parsed, text, msgType, check: checkWorkflowMessage(parsed) };
}

/** A text column from a body field: strings as they are, numbers as text, anything else null. */
function text(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

/** The `workflow_messages` row of a workflow message, from its raw body (stored as sent). */
export function storedRowOf(
  msgType: string,
  body: Record<string, unknown>,
  destination: string,
): WorkflowMessageInput {
  return {
    message_type: msgType,
    sender_agent: text(body.sender),
    recipient_agent: text(body.recipient),
    namespace: text(body.namespace),
    execution_id: text(body.execution_id),
    run_id: text(body.run_id),
    queue_name: destination,
    message_content: body,
  };
}

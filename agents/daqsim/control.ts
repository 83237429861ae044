import type { WorkflowControlReply } from '../../src/shared/workflow-messages.js';
import type { BaseAgent, IncomingMessage } from '../base-agent.js';
import { errorText, localIsoNow } from '../lib/settings.js';

/** Where to answer a control message: its `reply_to`, else the STOMP `reply-to` header. */
export function replyDestination(msg: IncomingMessage): string | undefined {
  return (
    (typeof msg.data.reply_to === 'string' && msg.data.reply_to) ||
    msg.headers['reply-to'] ||
    undefined
  );
}

/** Answers a control message that asked for it; the original only logs. */
export async function reply(
  agent: BaseAgent,
  replyTo: string | undefined,
  body: Pick<WorkflowControlReply, 'request' | 'accepted' | 'reason' | 'execution_id' | 'run_id'>,
): Promise<void> {
  if (!replyTo) return;
  const message: WorkflowControlReply = {
    msg_type: 'workflow_control_reply',
    timestamp: localIsoNow(),
    ...body,
  };
  try {
    await agent.sendMessage(replyTo, message);
  } catch (err) {
    agent.log.warning(`could not answer to ${replyTo}: ${errorText(err)}`);
  }
}

export async function refuse(
  agent: BaseAgent,
  replyTo: string | undefined,
  request: 'run_workflow' | 'stop_workflow',
  reason: string,
): Promise<void> {
  agent.log.warning(`refused ${request}: ${reason}`, agent.extra());
  await reply(agent, replyTo, { request, accepted: false, reason });
}

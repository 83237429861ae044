import type { RunWorkflow, WorkflowControlReply } from '../../src/shared/workflow-messages.js';
import type { BaseAgent, IncomingMessage } from '../base-agent.js';
import {
  DAQ_CONFIG_PRESETS,
  DAQ_PARAM_KEYS,
  type DaqParams,
  daqParamsSchema,
} from '../lib/daq-schedule.js';
import { errorText, localIsoNow } from '../lib/settings.js';

/** The workflows this simulator runs. */
export const SUPPORTED_WORKFLOWS = ['stf_datataking'];

/** Where to answer a control message: its `reply_to`, else the STOMP `reply-to` header. */
export function replyDestination(msg: IncomingMessage): string | undefined {
  return (
    (typeof msg.data.reply_to === 'string' && msg.data.reply_to) ||
    msg.headers['reply-to'] ||
    undefined
  );
}

/**
 * The run parameters: the named config preset, then the testbed TOML's `[daq_state_machine]`,
 * then the message's `params`. A key the simulator does not know is refused by name (the caller
 * turns the error into a refusal); `namespace` in particular belongs in the envelope.
 */
export function buildDaqParams(
  req: RunWorkflow,
  testbedConfig: Record<string, unknown> | undefined,
): { params: DaqParams; notes: string[] } {
  const notes: string[] = [];
  const preset = req.config ? DAQ_CONFIG_PRESETS[req.config] : {};
  if (req.config && !preset) {
    notes.push(
      `unknown config "${req.config}" (known: ${Object.keys(DAQ_CONFIG_PRESETS).join(', ')}); using the base values`,
    );
  }
  const fromToml = (testbedConfig?.daq_state_machine ?? {}) as Record<string, unknown>;
  const known = DAQ_PARAM_KEYS as string[];
  const unknown = Object.keys(req.params).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    const hint = unknown.includes('namespace')
      ? '; namespace belongs in the message, not in params'
      : '';
    throw new Error(
      `unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} (known: ${known.join(', ')})${hint}`,
    );
  }
  const merged: Record<string, unknown> = { ...(preset ?? {}) };
  for (const source of [fromToml, req.params])
    for (const [k, v] of Object.entries(source)) if (known.includes(k)) merged[k] = v;
  return { params: daqParamsSchema.parse(merged), notes };
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

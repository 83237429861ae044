import { z } from 'zod';
import { checkWorkflowMessage } from '../../../../shared/workflow-messages.js';
import type { Config } from '../../config.js';
import type { Store } from '../../store/index.js';
import type { MessageSender } from '../ports.js';
import {
  startWorkflowArgsSchema,
  stopWorkflowArgsSchema,
  workflowControlResultSchema,
  type WorkflowControlResult,
} from '../../../../shared/workflow-control-result.js';
import {
  WorkflowBusyError,
  type WorkflowCommands,
  WorkflowNoAnswerError,
} from '../../workflow-commands.js';
import { defineTool, ToolInputError, type AnyToolDef } from '../tool-kit.js';

const sent = z.object({ destination: z.string(), message: z.record(z.string(), z.unknown()) });
const ACT = { readOnlyHint: false, idempotentHint: false, openWorldHint: false };

/** The DAQ simulator's verdict, or the reason it gave or that none came, as the tool's error. */
async function verdict(
  ask: () => Promise<WorkflowControlResult>,
  request: string,
): Promise<WorkflowControlResult> {
  let result: WorkflowControlResult;
  try {
    result = await ask();
  } catch (err) {
    if (err instanceof WorkflowNoAnswerError || err instanceof WorkflowBusyError)
      throw new ToolInputError(err.message);
    throw err;
  }
  if (!result.accepted)
    throw new ToolInputError(
      `The DAQ simulator refused ${request}: ${result.reason ?? '(no reason given)'}`,
    );
  return result;
}

/** The testbed's workflow control: messages to /queue/workflow_control and the topic. */
export function workflowTools(
  sender: MessageSender,
  workflow: WorkflowCommands,
  config: Config,
  store: Store,
): AnyToolDef[] {
  const start = defineTool({
    name: 'swf_start_workflow',
    title: 'Start a workflow',
    description:
      'Ask the workflow runner (the DAQ simulator agent) to run a workflow: sends run_workflow to the workflow control queue and waits for its answer. ' +
      'Returns the new execution_id and run_number; a refusal (e.g. a workflow is already running) or no answer is an error with the reason. ' +
      'Progress shows up in swf_list_messages and swf_get_workflow_execution.',
    input: startWorkflowArgsSchema,
    output: workflowControlResultSchema,
    annotations: { ...ACT, destructiveHint: false },
    run: (args) => verdict(() => workflow.start(args, 'mcp'), 'run_workflow'),
  });

  const stop = defineTool({
    name: 'swf_stop_workflow',
    title: 'Stop a workflow',
    description:
      'Ask the workflow runner to stop: sends stop_workflow to the workflow control queue and waits for its answer. Give the execution_id of the running execution ' +
      '(the runner refuses a stop for another execution); without it the running one stops. Nothing running is an error saying so.',
    input: stopWorkflowArgsSchema,
    output: workflowControlResultSchema,
    annotations: { ...ACT, destructiveHint: true },
    async run(args) {
      if (args.execution_id) {
        const exec = store.workflowExecutions.get(args.execution_id);
        if (exec && exec.status !== 'running')
          throw new ToolInputError(
            `Execution ${args.execution_id} is ${String(exec.status)}, not running; nothing to stop.`,
          );
      }
      return verdict(() => workflow.stop(args, 'mcp'), 'stop_workflow');
    },
  });

  const send = defineTool({
    name: 'swf_send_message',
    title: 'Send a message to the testbed',
    description:
      'Publish a free-text message on the workflow topic for the agents and people watching it (msg_type "announcement" by default).',
    input: z.object({
      message: z.string().min(1).max(10_000),
      message_type: z.string().min(1).max(100).default('announcement'),
      metadata: z.record(z.string(), z.unknown()).optional(),
    }),
    output: sent,
    annotations: { ...ACT, destructiveHint: false },
    async run(args) {
      const message: Record<string, unknown> = {
        msg_type: args.message_type,
        sender: `${config.namespace}-personal-agent`,
        namespace: config.namespace,
        message: args.message,
        timestamp: new Date().toISOString(),
        source: 'mcp_send_message',
        ...(args.metadata !== undefined && { metadata: args.metadata }),
      };
      // A known type must be what the agents and the recorder accept (a `start_run` without
      // `run_id` would corrupt the run accounting); anything else only needs the envelope.
      const check = checkWorkflowMessage(message);
      if (!check.ok)
        throw new ToolInputError(
          `A "${args.message_type}" message cannot be sent like this: ${check.issues}. Use another message_type for free text.`,
        );
      await sender.send(config.workflowTopic, message);
      return { destination: config.workflowTopic, message };
    },
  });

  return [start, stop, send];
}

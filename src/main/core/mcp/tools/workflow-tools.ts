import { z } from 'zod';
import { checkWorkflowMessage } from '../../../../shared/workflow-messages.js';
import { durationSecondsSchema, namespaceSchema } from '../../../../shared/input-bounds.js';
import type { Config } from '../../config.js';
import type { Store } from '../../store/index.js';
import type { MessageSender } from '../ports.js';
import { runWorkflowMessage, stopWorkflowMessage } from '../../workflow-control.js';
import { defineTool, ToolInputError, type AnyToolDef } from '../tool-kit.js';

const sent = z.object({ destination: z.string(), message: z.record(z.string(), z.unknown()) });
const ACT = { readOnlyHint: false, idempotentHint: false, openWorldHint: false };

/** The testbed's workflow control (reference §7): messages to /queue/workflow_control and the topic. */
export function workflowTools(sender: MessageSender, config: Config, store: Store): AnyToolDef[] {
  const start = defineTool({
    name: 'swf_start_workflow',
    title: 'Start a workflow',
    description:
      'Ask the workflow runner (the DAQ simulator agent) to run a workflow: sends run_workflow to the workflow control queue. ' +
      'Check swf_get_testbed_status first; the runner refuses a second workflow while one is running. Progress shows up in swf_list_messages.',
    input: z.object({
      workflow_name: z.string().min(1).max(200).default('stf_datataking'),
      namespace: namespaceSchema.optional().describe('default: the control center namespace'),
      config: z
        .string()
        .max(200)
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
    }),
    output: sent,
    annotations: { ...ACT, destructiveHint: false },
    async run(args) {
      const message = runWorkflowMessage({
        namespace: args.namespace ?? config.namespace,
        workflowName: args.workflow_name,
        config: args.config,
        realtime: args.realtime,
        duration: args.duration,
        params: {
          stf_count: args.stf_count,
          physics_period_count: args.physics_period_count,
          physics_period_duration: args.physics_period_duration,
          stf_interval: args.stf_interval,
        },
        source: 'mcp',
      });
      await sender.send(config.workflowControlQueue, message);
      return { destination: config.workflowControlQueue, message };
    },
  });

  const stop = defineTool({
    name: 'swf_stop_workflow',
    title: 'Stop a workflow',
    description:
      'Ask the workflow runner to stop: sends stop_workflow to the workflow control queue. Give the execution_id of the running execution ' +
      '(the runner ignores a stop for another execution); without it the running one stops.',
    input: z.object({
      execution_id: z.string().min(1).max(200).optional(),
      namespace: namespaceSchema.optional(),
    }),
    output: sent,
    annotations: { ...ACT, destructiveHint: true },
    async run(args) {
      if (args.execution_id) {
        const exec = store.workflowExecutions.get(args.execution_id);
        if (exec && exec.status !== 'running')
          throw new ToolInputError(
            `Execution ${args.execution_id} is ${String(exec.status)}, not running; nothing to stop.`,
          );
      }
      const message = stopWorkflowMessage({
        namespace: args.namespace ?? config.namespace,
        executionId: args.execution_id,
        source: 'mcp',
      });
      await sender.send(config.workflowControlQueue, message);
      return { destination: config.workflowControlQueue, message };
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

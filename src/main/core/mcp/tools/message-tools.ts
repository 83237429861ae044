import { z } from 'zod';
import type { McpDeps } from '../deps.js';
import { page, pageInput, pageSchema } from '../paging.js';
import { isoTime, timeWindow } from '../time-filters.js';
import { defineTool, type AnyToolDef } from '../tool-kit.js';
import { READ, summarisePayload } from './common.js';

/** Workflow messages the recorder stored from the broker. */
export function messageTools(deps: McpDeps): AnyToolDef[] {
  const { store } = deps;

  const messageItem = z.object({
    id: z.number().int(),
    message_type: z.string(),
    sender_agent: z.string().nullable(),
    recipient_agent: z.string().nullable(),
    namespace: z.string().nullable(),
    sent_at: z.string(),
    execution_id: z.string().nullable(),
    run_id: z.string().nullable(),
    queue_name: z.string(),
    payload_summary: z.string(),
  });

  const listMessages = defineTool({
    name: 'swf_list_messages',
    title: 'List workflow messages',
    description:
      'Workflow messages the monitor recorded from the broker (run_imminent, start_run, stf_gen, stf_ready, end_run, ...), newest first. ' +
      'Filters: namespace, execution_id, run_id, agent (sender), message_type, start_time/end_time (default: the last hour). ' +
      'Each item carries a payload_summary (first 200 characters of the body). Returns {items, total_count, has_more}.',
    input: z.object({
      namespace: z.string().max(100).optional(),
      execution_id: z.string().max(200).optional(),
      run_id: z.string().max(100).optional(),
      agent: z.string().max(100).optional().describe('sender agent name'),
      message_type: z.string().max(100).optional(),
      start_time: isoTime('earliest send time').optional(),
      end_time: isoTime('latest send time').optional(),
      ...pageInput(200, 50),
    }),
    output: pageSchema(messageItem),
    annotations: READ,
    run(args) {
      const w = timeWindow(args.start_time, args.end_time, 3600);
      const { items, total } = store.workflowMessages.query({
        namespace: args.namespace,
        executionId: args.execution_id,
        runId: args.run_id,
        sender: args.agent,
        messageType: args.message_type,
        since: w.since,
        until: w.until,
        limit: args.limit,
        offset: args.offset,
      });
      return page(
        items.map((m) => ({
          id: m.id,
          message_type: m.message_type,
          sender_agent: m.sender_agent,
          recipient_agent: m.recipient_agent,
          namespace: m.namespace,
          sent_at: m.sent_at,
          execution_id: m.execution_id,
          run_id: m.run_id,
          queue_name: m.queue_name,
          payload_summary: summarisePayload(m.message_content),
        })),
        total,
        args.offset,
      );
    },
  });

  return [listMessages];
}

import { z } from 'zod';
import type { McpDeps } from '../deps.js';
import { defineTool, ToolInputError, type AnyToolDef } from '../tool-kit.js';
import { READ } from './common.js';

/** The newest messages of one execution that are read to follow it (bounded per call). */
const MESSAGE_SCAN = 10_000;

const eventItem = z.object({
  type: z.string(),
  time: z.string().nullable(),
  run_id: z.string().nullable().optional(),
});

const errorItem = z.object({
  time: z.string().nullable(),
  error: z.string(),
  source: z.string().optional(),
});

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const secondsBetween = (start: string | null, end: string | null) =>
  start && end ? (Date.parse(end) - Date.parse(start)) / 1000 : null;

/** Follow a workflow execution from its messages, STF files and error logs. */
export function workflowMonitorTools(deps: McpDeps): AnyToolDef[] {
  const { store } = deps;
  const stfCountOf = (executionId: string) =>
    store.testbed.stfCountOfRuns(store.testbed.runNumbersOfExecution(executionId));

  const getMonitor = defineTool({
    name: 'swf_get_workflow_monitor',
    title: 'Follow a workflow execution',
    description:
      'Progress of one workflow execution in one call: status, phase (imminent, running, ended) from its run messages, run_id, ' +
      'STF files of its run, key events with times, errors (failure messages and ERROR logs of the execution) and duration. ' +
      'Poll it every 10-15 s while a workflow runs.',
    input: z.object({ execution_id: z.string().min(1).max(200) }),
    output: z.object({
      execution_id: z.string(),
      status: z.string(),
      phase: z.enum(['unknown', 'imminent', 'running', 'ended']),
      run_id: z.string().nullable(),
      stf_count: z.number().int(),
      events: z.array(eventItem),
      errors: z.array(errorItem),
      start_time: z.string().nullable(),
      end_time: z.string().nullable(),
      duration_seconds: z.number().nullable(),
    }),
    annotations: READ,
    run(args) {
      const exec = store.testbed.execution(args.execution_id);
      if (!exec) throw new ToolInputError(`Execution '${args.execution_id}' not found`);
      const messages = store.workflowMessages
        .query({ executionId: args.execution_id, limit: MESSAGE_SCAN })
        .items.reverse();
      let phase: 'unknown' | 'imminent' | 'running' | 'ended' = 'unknown';
      let runId: string | null = null;
      const events: z.input<typeof eventItem>[] = [];
      const errors: z.input<typeof errorItem>[] = [];
      for (const m of messages) {
        const content = isObject(m.message_content) ? m.message_content : {};
        if (m.message_type === 'run_imminent') {
          phase = 'imminent';
          runId = (typeof content.run_id === 'string' ? content.run_id : null) ?? m.run_id;
          events.push({ type: 'run_imminent', time: m.sent_at, run_id: runId });
        } else if (m.message_type === 'start_run') {
          phase = 'running';
          events.push({ type: 'start_run', time: m.sent_at });
        } else if (m.message_type === 'end_run') {
          phase = 'ended';
          events.push({ type: 'end_run', time: m.sent_at });
        } else if (m.message_type === 'run_workflow_failed' || m.message_type === 'error') {
          const text = content.error ?? content.reason;
          errors.push({
            time: m.sent_at,
            error: typeof text === 'string' ? text : JSON.stringify(content),
          });
        }
      }
      const logs = store.appLogs.query({ executionId: args.execution_id, minLevel: 40, limit: 10 });
      for (const l of logs.items.reverse())
        errors.push({ time: l.timestamp, error: l.message, source: 'log' });
      return {
        execution_id: exec.execution_id,
        status: exec.status,
        phase,
        run_id: runId,
        stf_count: stfCountOf(exec.execution_id),
        events,
        errors,
        start_time: exec.start_time,
        end_time: exec.end_time,
        duration_seconds: secondsBetween(exec.start_time, exec.end_time),
      };
    },
  });

  const listMonitors = defineTool({
    name: 'swf_list_workflow_monitors',
    title: 'Executions to follow',
    description:
      'Workflow executions started in the last 24 hours (newest first, at most 20) with status and STF file count, to pick one for swf_get_workflow_monitor.',
    input: z.object({}),
    output: z.object({
      items: z.array(
        z.object({
          execution_id: z.string(),
          status: z.string(),
          start_time: z.string().nullable(),
          end_time: z.string().nullable(),
          stf_count: z.number().int(),
        }),
      ),
      total_count: z.number().int(),
      has_more: z.boolean(),
    }),
    annotations: READ,
    run() {
      const since = new Date(Date.now() - 24 * 3600_000).toISOString();
      const { items, total } = store.testbed.executions({ since, limit: 20 });
      return {
        items: items.map((e) => ({
          execution_id: e.execution_id,
          status: e.status,
          start_time: e.start_time,
          end_time: e.end_time,
          stf_count: stfCountOf(e.execution_id),
        })),
        total_count: total,
        has_more: total > items.length,
      };
    },
  });

  return [getMonitor, listMonitors];
}

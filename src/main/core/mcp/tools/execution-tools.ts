import { z } from 'zod';
import { executionRowSchema } from '../../../../shared/browse-protocol.js';
import type { ExecutionRow } from '../../store/testbed-queries.js';
import type { McpDeps } from '../deps.js';
import { page, pageInput, pageSchema } from '../paging.js';
import { isoTime, timeWindow } from '../time-filters.js';
import { defineTool, ToolInputError, type AnyToolDef } from '../tool-kit.js';
import { READ } from './common.js';

// swf-monitor's list item: the one execution row shape without its metrics.
const executionItem = executionRowSchema.omit({ performance_metrics: true });

const definitionItem = z.object({
  workflow_name: z.string(),
  version: z.string(),
  workflow_type: z.string(),
  created_by: z.string(),
  created_at: z.string().nullable(),
  execution_count: z.number().int(),
});

const executionId = z
  .string()
  .min(1)
  .max(200)
  .describe('e.g. stf_datataking-alice-0042; swf_list_workflow_executions lists them');

const item = (e: ExecutionRow): z.input<typeof executionItem> => ({
  execution_id: e.execution_id,
  workflow_name: e.workflow_name,
  namespace: e.namespace,
  status: e.status,
  executed_by: e.executed_by,
  start_time: e.start_time,
  end_time: e.end_time,
  parameter_values: e.parameter_values,
});

/** Workflow definitions and executions, as the monitor records them from the DAQ simulator. */
export function executionTools(deps: McpDeps): AnyToolDef[] {
  const { store } = deps;

  function mustGet(id: string): ExecutionRow {
    const e = store.testbed.execution(id);
    if (!e)
      throw new ToolInputError(
        `Execution '${id}' not found. Use swf_list_workflow_executions to see recent runs.`,
      );
    return e;
  }

  const listDefinitions = defineTool({
    name: 'swf_list_workflow_definitions',
    title: 'List workflow definitions',
    description:
      'Workflow definitions that can be executed (the DAQ simulator records stf_datataking when it first runs it), by name and newest version, ' +
      'each with how many executions used it. Filters: workflow_type (e.g. simulation), created_by. Returns {items, total_count, has_more} (at most 100).',
    input: z.object({
      workflow_type: z.string().max(100).optional(),
      created_by: z.string().max(100).optional(),
    }),
    output: pageSchema(definitionItem),
    annotations: READ,
    run(args) {
      const { items, total } = store.testbed.definitions({
        workflowType: args.workflow_type,
        createdBy: args.created_by,
        limit: 100,
      });
      return page(
        items.map(({ id: _id, ...d }) => d),
        total,
        0,
      );
    },
  });

  const listExecutions = defineTool({
    name: 'swf_list_workflow_executions',
    title: 'List workflow executions',
    description:
      'Workflow executions, newest first. Filters: namespace, status (pending, running, completed, failed, terminated), executed_by, workflow_name, ' +
      'start_time/end_time on the start (default: the last 24 hours). currently_running=true returns every running execution whatever its start. ' +
      'Returns {items, total_count, has_more}.',
    input: z.object({
      namespace: z.string().max(100).optional(),
      status: z.string().max(20).optional(),
      executed_by: z.string().max(200).optional(),
      workflow_name: z.string().max(200).optional(),
      currently_running: z.boolean().default(false),
      start_time: isoTime('earliest start').optional(),
      end_time: isoTime('latest start').optional(),
      ...pageInput(100, 100),
    }),
    output: pageSchema(executionItem),
    annotations: READ,
    run(args) {
      const w = args.currently_running ? {} : timeWindow(args.start_time, args.end_time, 24 * 3600);
      const { items, total } = store.testbed.executions({
        namespace: args.namespace,
        status: args.currently_running ? 'running' : args.status,
        executedBy: args.executed_by,
        workflowName: args.workflow_name,
        since: w.since,
        until: w.until,
        limit: args.limit,
        offset: args.offset,
      });
      return page(items.map(item), total, args.offset);
    },
  });

  const getExecution = defineTool({
    name: 'swf_get_workflow_execution',
    title: 'Get one workflow execution',
    description:
      'One workflow execution by execution_id: workflow, namespace, status, who ran it, start and end, parameter values and performance metrics.',
    input: z.object({ execution_id: executionId }),
    output: executionItem.extend({ performance_metrics: z.unknown() }),
    annotations: READ,
    run(args) {
      const e = mustGet(args.execution_id);
      return { ...item(e), performance_metrics: e.performance_metrics };
    },
  });

  const endExecution = defineTool({
    name: 'swf_end_execution',
    title: 'Mark an execution terminated',
    description:
      'Set a running execution to status "terminated" with an end time, to clean up an execution left "running" (its runner died). ' +
      'A record change only: no message reaches any agent (use swf_stop_workflow to stop a live one) and no data is deleted.',
    input: z.object({ execution_id: executionId }),
    output: z.object({
      success: z.boolean(),
      execution_id: z.string(),
      old_status: z.string(),
      new_status: z.literal('terminated'),
      start_time: z.string().nullable(),
      end_time: z.string().nullable(),
    }),
    annotations: {
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: false,
      openWorldHint: false,
    },
    run(args) {
      const e = mustGet(args.execution_id);
      if (e.status !== 'running')
        throw new ToolInputError(
          `Execution '${args.execution_id}' is not running (status: ${e.status})`,
        );
      const now = new Date().toISOString();
      const row = store.workflowExecutions.patch(
        args.execution_id,
        { status: 'terminated', end_time: now },
        now,
      );
      deps.logger?.info(
        `MCP end_execution: ${args.execution_id} terminated (running since ${String(e.start_time)})`,
      );
      return {
        success: true,
        execution_id: args.execution_id,
        old_status: e.status,
        new_status: 'terminated' as const,
        start_time: (row?.start_time as string | null | undefined) ?? null,
        end_time: (row?.end_time as string | null | undefined) ?? null,
      };
    },
  });

  return [listDefinitions, listExecutions, getExecution, endExecution];
}

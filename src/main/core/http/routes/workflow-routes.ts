import {
  startWorkflowArgsSchema,
  stopWorkflowArgsSchema,
} from '../../../../shared/workflow-control-result.js';
import { runProgressOf } from '../../broker/run-lifecycle.js';
import { workflowExecutionOf } from '../../monitor/run-records.js';
import type { Store } from '../../store/index.js';
import { nowIso } from '../../time.js';
import {
  runNumberOfExecution,
  WorkflowBusyError,
  type WorkflowCommands,
  WorkflowNoAnswerError,
} from '../../workflow-commands.js';
import { HttpError } from '../http-error.js';
import type { ApiResponse, HttpRouter } from '../router.js';

function parsed<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: Error } },
  body: unknown,
): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw new HttpError(400, `invalid request: ${r.error.message}`);
  return r.data;
}

/** 200 with the result when accepted, 409 with it when refused, 504 when nobody answered, 429 when too many wait. */
async function answer(ask: () => ReturnType<WorkflowCommands['start']>): Promise<ApiResponse> {
  try {
    const result = await ask();
    return { status: result.accepted ? 200 : 409, body: result };
  } catch (err) {
    if (err instanceof WorkflowNoAnswerError) throw new HttpError(504, err.message);
    if (err instanceof WorkflowBusyError) throw new HttpError(429, err.message);
    throw err;
  }
}

/**
 * `/api/cc/workflow/...`: start and stop a workflow through the same path as MCP and the UI
 * (what `swf-control-center run` calls), and one execution with its run's progress per stage.
 */
export function addWorkflowRoutes(router: HttpRouter, workflow: WorkflowCommands, store: Store) {
  router.add('POST', '/api/cc/workflow/start/', (req) => {
    const args = parsed(startWorkflowArgsSchema.strict(), req.body);
    return answer(() => workflow.start(args, 'cli'));
  });
  router.add('POST', '/api/cc/workflow/stop/', (req) => {
    const args = parsed(stopWorkflowArgsSchema.strict(), req.body);
    return answer(() => workflow.stop(args, 'cli'));
  });
  router.add('GET', '/api/cc/workflow/executions/:id/', (req) => {
    const id = req.params.id!;
    const row = store.workflowExecutions.get(id);
    if (!row) throw new HttpError(404, `no workflow execution "${id}"`);
    const run = runNumberOfExecution(store, id);
    return {
      status: 200,
      body: {
        execution: workflowExecutionOf(row),
        run: run === null ? null : runProgressOf(store, run, nowIso()),
      },
    };
  });
}

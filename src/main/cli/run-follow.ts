import type { WorkflowExecution } from '../../shared/core-events.js';
import type { RunProgress } from '../../shared/workflow-messages.js';
import type { CoreApi } from './core-api.js';
import { errorDetail } from './core-api.js';
import { fail } from './common.js';

const POLL_MS = 1000;
/** After the run ended, stages that stop moving for this long are done (fastmon samples). */
const SETTLE_MS = 5000;

const progressLine = (p: RunProgress) =>
  `run ${p.runNumber} ${p.phase || '-'}/${p.state || '-'}${p.substate ? `/${p.substate}` : ''}: ` +
  `STFs generated ${p.stf.generated}, ready ${p.stf.ready}, processed ${p.stf.processed}, ` +
  `fastmon ${p.stf.fastmon}; TF samples ${p.tfFiles}`;

const caughtUp = (p: RunProgress) =>
  p.stf.ready >= p.stf.generated &&
  p.stf.processed >= p.stf.generated &&
  p.stf.fastmon >= p.stf.generated;

/**
 * `run --wait`: polls the execution and its run's progress per stage, prints a line whenever it
 * changes, and returns once the execution is over and the stages have caught up (or stopped
 * moving). Resolves with the process exit code: 0 completed, 1 failed or terminated.
 */
export async function followExecution(core: CoreApi, executionId: string): Promise<number> {
  let last = '';
  let lastChange = Date.now();
  for (;;) {
    const res = await core.request(
      `api/cc/workflow/executions/${encodeURIComponent(executionId)}/`,
    );
    if (!res.ok) fail(`following ${executionId}: ${await errorDetail(res)}`);
    const { execution, run } = (await res.json()) as {
      execution: WorkflowExecution;
      run: RunProgress | null;
    };
    const line = run ? progressLine(run) : `execution ${executionId} ${execution.status}`;
    if (line !== last) {
      process.stdout.write(`${line}\n`);
      last = line;
      lastChange = Date.now();
    }
    const over = execution.status !== 'running';
    const runDone = !run || run.state === 'ended' || execution.status === 'failed';
    if (over && runDone && (!run || caughtUp(run) || Date.now() - lastChange > SETTLE_MS))
      return finished(execution);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function finished(e: WorkflowExecution): number {
  const metrics = (e.performance_metrics ?? {}) as { error?: unknown };
  if (e.status === 'completed') {
    process.stdout.write(`execution ${e.execution_id} completed\n`);
    return 0;
  }
  const why = typeof metrics.error === 'string' ? `: ${metrics.error}` : '';
  process.stderr.write(`swf-control-center: execution ${e.execution_id} ${e.status}${why}\n`);
  return 1;
}

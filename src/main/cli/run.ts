import { parseArgs } from 'node:util';
import type { WorkflowControlResult } from '../../shared/workflow-control-result.js';
import { dataDirFrom, fail } from './common.js';
import { errorDetail, findCore } from './core-api.js';
import { followExecution } from './run-follow.js';
import { runRequest } from './run-request.js';

/**
 * `swf-control-center run`: starts a workflow through the running core (the path MCP and the UI
 * use), prints the execution id and run number, and with `--wait` follows it to its end.
 */
export async function run(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      workflow: { type: 'string' },
      config: { type: 'string' },
      'stf-count': { type: 'string' },
      wait: { type: 'boolean' },
      'data-dir': { type: 'string' },
    },
  });
  let stfCount: number | undefined;
  if (values['stf-count'] !== undefined) {
    stfCount = Number(values['stf-count']);
    if (!Number.isInteger(stfCount) || stfCount < 1)
      fail(`--stf-count must be a positive whole number, got "${values['stf-count']}"`, 2);
  }
  const body = runRequest({ workflow: values.workflow, config: values.config, stfCount });
  const core = findCore(dataDirFrom(values['data-dir']));
  const res = await core.request('api/cc/workflow/start/', { method: 'POST', json: body });
  if (res.status === 409) {
    const refused = (await res.json()) as WorkflowControlResult;
    fail(`the DAQ simulator refused: ${refused.reason ?? '(no reason given)'}`);
  }
  if (!res.ok) fail(await errorDetail(res), res.status === 400 ? 2 : 1);
  const started = (await res.json()) as WorkflowControlResult;
  process.stdout.write(
    `execution ${started.execution_id ?? '(not named)'} run ${started.run_number ?? '(not named)'}\n`,
  );
  if (!values.wait) return;
  if (!started.execution_id) fail('the DAQ simulator named no execution to follow');
  process.exitCode = await followExecution(core, started.execution_id);
}

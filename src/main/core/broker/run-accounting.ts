import {
  isRunLifecycleType,
  runNumberOf,
  STF_STAGE_OF,
  stfFileOf,
  type EndRun,
  type KnownWorkflowMessage,
  type PauseRun,
  type ResumeRun,
  type RunImminent,
  type StartRun,
} from '../../../shared/workflow-messages.js';
import type { Store } from '../store/index.js';
import { isObject } from './message-parse.js';
import type { RecorderProblem } from './problem-counter.js';
import { applyRunLifecycle } from './run-lifecycle.js';

/** What accounting one message changed: the run it touched, or why it could not. */
export type AccountingResult =
  | { run: number; created?: boolean; ended?: boolean }
  | { problem: [RecorderProblem, string] }
  | Record<string, never>;

type LifecycleMessage = RunImminent | StartRun | PauseRun | ResumeRun | EndRun;
const isLifecycle = (m: KnownWorkflowMessage): m is LifecycleMessage =>
  isRunLifecycleType(m.msg_type);

/**
 * Run state and STF stage bookkeeping for one valid known message: lifecycle messages advance
 * `run_states`/`runs`, stage messages mark the STF's stage in `stf_progress`.
 */
export function accountMessage(
  store: Store,
  m: KnownWorkflowMessage,
  at: string,
  destination: string,
): AccountingResult {
  const stage = STF_STAGE_OF[m.msg_type];
  if (!isLifecycle(m) && !stage) return {};
  const runNumber = runNumberOf(m.run_id);
  if (runNumber === null) {
    return {
      problem: [
        'run_id_not_numeric',
        `${m.msg_type} on ${destination}: run_id ${JSON.stringify(m.run_id)}`,
      ],
    };
  }
  if (isLifecycle(m)) {
    const change = applyRunLifecycle(
      store,
      {
        msgType: m.msg_type,
        runNumber,
        state: m.state,
        substate: m.substate,
        executionId: m.execution_id,
        namespace: m.namespace,
        runConditions:
          m.msg_type === 'run_imminent' && isObject(m.run_conditions) ? m.run_conditions : null,
      },
      at,
    );
    return { run: runNumber, ...change };
  }
  if (
    m.msg_type !== 'stf_gen' &&
    m.msg_type !== 'stf_ready' &&
    m.msg_type !== 'processing_complete' &&
    m.msg_type !== 'tf_file_registered'
  )
    return {};
  // The once-per-run `stf_ready` has no file name: nothing per STF to advance.
  const filename = stfFileOf(m);
  if (!filename || !stage) return {};
  const perStf = m.msg_type === 'stf_gen' || m.msg_type === 'stf_ready';
  store.stfProgress.markStage({
    runNumber,
    filename,
    stage,
    at,
    namespace: m.namespace,
    executionId: m.execution_id,
    sequence: perStf ? m.sequence : undefined,
  });
  return { run: runNumber };
}

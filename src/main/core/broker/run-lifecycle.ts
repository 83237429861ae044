import type { RunLifecycleType, RunProgress } from '../../../shared/workflow-messages.js';
import type { Store } from '../store/index.js';

export interface LifecycleInput {
  msgType: RunLifecycleType;
  runNumber: number;
  state?: string | null;
  substate?: string | null;
  executionId?: string | null;
  namespace?: string | null;
  runConditions?: Record<string, unknown> | null;
}

export interface RunRowChange {
  created: boolean;
  ended: boolean;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Advances a run from one lifecycle message the way the monitor's `apply_run_lifecycle_message`
 * does: a missing RunState row is created as initializing/imminent/preparing (agents may start
 * mid-run); stamped state/substate are copied; `end_run` -> state `ended`, phase `completed`;
 * start/pause/resume -> phase `physics`, except for a run already ended; the execution id is kept in metadata. The Run row gets its
 * start time at `start_run`, its end time at `end_run` and the run conditions when a message has them.
 * The rows it makes are the recorder's: the first client create of the same run adopts them.
 * Goes through the runs module's typed functions only. Says whether the Run row was created or
 * got its end time, so the run events go out once the batch commits.
 */
export function applyRunLifecycle(store: Store, m: LifecycleInput, at: string): RunRowChange {
  const key = String(m.runNumber);
  const existing = store.runStates.get(key);
  const row =
    existing ??
    store.runStates.createAsRecorder(
      {
        run_number: key,
        phase: 'initializing',
        state: 'imminent',
        substate: 'preparing',
        state_changed_at: at,
        metadata: {},
      },
      at,
    );
  let { phase, state, substate } = row as { phase: string; state: string; substate: string };
  if (m.msgType === 'end_run') {
    state = 'ended';
    substate = '';
    phase = 'completed';
  } else if (state !== 'ended') {
    // An ended run stays ended: a lifecycle message recorded after the end (sent before the
    // simulator died, or overtaken on the way) must not put the run back into physics.
    if (m.state) state = m.state;
    if (m.substate) substate = m.substate;
    if (m.msgType !== 'run_imminent') phase = 'physics';
  }
  const metadata: Json = isObject(row.metadata) ? { ...row.metadata } : {};
  if (m.executionId && !metadata.execution_id) metadata.execution_id = m.executionId;
  if (m.namespace && !metadata.namespace) metadata.namespace = m.namespace;
  store.runStates.patch(key, { phase, state, substate, state_changed_at: at, metadata }, at);

  const run = store.runs.list({ run_number: m.runNumber }, 1).items[0];
  const conditions = m.runConditions ?? undefined;
  if (!run) {
    store.runs.createAsRecorder(
      {
        run_number: m.runNumber,
        start_time: m.msgType === 'start_run' ? at : null,
        end_time: m.msgType === 'end_run' ? at : null,
        run_conditions: conditions ?? null,
      },
      at,
    );
    return { created: true, ended: m.msgType === 'end_run' };
  }
  const patch: Json = {};
  if (m.msgType === 'start_run' && !run.start_time) patch.start_time = at;
  if (m.msgType === 'end_run') patch.end_time = at;
  if (conditions && !run.run_conditions) patch.run_conditions = conditions;
  if (Object.keys(patch).length) store.runs.patch(run.run_id as number, patch, at);
  return { created: false, ended: m.msgType === 'end_run' && !run.end_time };
}

/**
 * Ends a run whose execution ended without `end_run` (its DAQ simulator died, the core stopped):
 * the run gets its end time, its state `ended` with the reason in the metadata. A run that already
 * ended keeps what it has. Returns whether anything changed.
 */
export function endRunAbnormally(
  store: Store,
  runNumber: number,
  reason: string,
  at: string,
): boolean {
  let changed = false;
  const run = store.runs.list({ run_number: runNumber }, 1).items[0];
  if (run && !run.end_time) {
    store.runs.patch(run.run_id as number, { end_time: at }, at);
    changed = true;
  }
  const key = String(runNumber);
  const rs = store.runStates.get(key);
  if (rs && rs.state !== 'ended') {
    const metadata: Json = isObject(rs.metadata) ? { ...rs.metadata } : {};
    metadata.end_reason = reason;
    store.runStates.patch(
      key,
      { state: 'ended', phase: 'completed', state_changed_at: at, metadata },
      at,
    );
    changed = true;
  }
  return changed;
}

/** The run's state and STF pipeline counts, as the UI and MCP show progress. */
export function runProgressOf(store: Store, runNumber: number, at: string): RunProgress {
  const rs = store.runStates.get(String(runNumber));
  const c = store.stfProgress.countsForRun(runNumber);
  const meta = rs && isObject(rs.metadata) ? rs.metadata : {};
  return {
    runNumber,
    phase: (rs?.phase as string | undefined) ?? '',
    state: (rs?.state as string | undefined) ?? '',
    substate: (rs?.substate as string | undefined) ?? '',
    executionId: typeof meta.execution_id === 'string' ? meta.execution_id : null,
    stf: { generated: c.generated, ready: c.ready, processed: c.processed, fastmon: c.fastmon },
    tfFiles: c.tfFiles,
    at,
  };
}

import type { RunSummary, WorkflowExecution } from '../../../shared/core-events.js';
import type { EventBus } from '../events.js';
import type { Store } from '../store/index.js';

type Row = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const int = (v: unknown): number | null =>
  typeof v === 'number' && Number.isInteger(v) ? v : null;

/** A run row joined with its state, as the Runs view and the run events carry it. */
export function runSummaryOf(store: Store, run: Row): RunSummary {
  const state = store.runStates.get(String(run.run_number));
  return {
    run_id: int(run.run_id) ?? 0,
    run_number: int(run.run_number) ?? 0,
    start_time: str(run.start_time),
    end_time: str(run.end_time),
    run_conditions: run.run_conditions ?? null,
    state: str(state?.state),
    phase: str(state?.phase),
    substate: str(state?.substate),
    stf_samples_received: int(state?.stf_samples_received),
    slices_completed: int(state?.slices_completed),
  };
}

export const runSummaries = (store: Store, runs: Row[]): RunSummary[] =>
  runs.map((r) => runSummaryOf(store, r));

/** The summary of one run by its number; undefined when no run row exists. */
export function runSummaryByNumber(store: Store, runNumber: number): RunSummary | undefined {
  const run = store.runs.list({ run_number: runNumber }, 1).items[0];
  return run ? runSummaryOf(store, run) : undefined;
}

/** A stored workflow execution row in the shape the `execution.state` event carries. */
export function workflowExecutionOf(row: Row): WorkflowExecution {
  return {
    execution_id: String(row.execution_id),
    workflow_definition: int(row.workflow_definition),
    namespace: str(row.namespace),
    parameter_values: row.parameter_values ?? null,
    performance_metrics: row.performance_metrics ?? null,
    status: str(row.status) ?? '',
    start_time: str(row.start_time),
    end_time: str(row.end_time),
    executed_by: str(row.executed_by),
  };
}

/** Emits `run.created` or `run.ended` for each run number that has a run row. */
export function announceRuns(
  bus: EventBus,
  store: Store,
  event: 'run.created' | 'run.ended',
  runNumbers: Iterable<number>,
) {
  for (const n of runNumbers) {
    const run = runSummaryByNumber(store, n);
    if (run) bus.emit(event, { run });
  }
}

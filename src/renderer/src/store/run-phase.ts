import type { RunSummary } from '../../../shared/core-events.js';
import type { RunStats } from '../../../shared/run-stats.js';
import type { RunProgress } from '../../../shared/workflow-messages.js';

/**
 * Where a run is, in the words a physicist uses: the DAQ's `end_run` ends data taking, not the run;
 * until every stage has caught up the run is "DAQ ended, processing 51/200".
 */
export function runPhaseLabel(
  run: RunSummary,
  progress: RunProgress | undefined,
  stats?: RunStats,
): string {
  if (stats && stats.runNumber === run.run_number && stats.daqEndedAt) {
    if (stats.drained) return 'ended';
    const total = Math.max(stats.expected ?? 0, stats.stages[0]?.count ?? 0);
    const slowest = Math.min(...stats.stages.map((s) => s.count));
    return `DAQ ended, processing ${slowest}/${total}`;
  }
  if (run.end_time) {
    // Whether the pipeline drained is not known here: say only what is.
    if (!progress) return 'DAQ ended';
    const { generated, ready, processed, fastmon } = progress.stf;
    const slowest = Math.min(ready, processed, fastmon);
    return slowest < generated ? `DAQ ended, processing ${slowest}/${generated}` : 'ended';
  }
  return progress?.state ?? run.state ?? '—';
}

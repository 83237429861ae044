import { BaseAgent } from '../base-agent.js';
import {
  endRunSchema,
  endRunTotal,
  runNumberOf,
  type WorkflowBody,
} from '../../src/shared/workflow-messages.js';
import { ranges, type RunLedger } from './run-ledger.js';
import { errorText } from './settings.js';

/** What a stage fed by `stf_ready` acts on (processing, fastmon): its run's lifecycle and the STFs. */
export const STF_READY_STAGE_KINDS = ['run_imminent', 'start_run', 'stf_ready', 'end_run'] as const;

/** What every pipeline stage does at `end_run`: wait for stragglers, then log what it handled or lost. */
export async function reportRunEnd(
  agent: BaseAgent,
  ledger: RunLedger,
  data: WorkflowBody,
  stage: string,
): Promise<void> {
  const parsed = endRunSchema.safeParse(data);
  if (!parsed.success) {
    agent.log.error(
      `end_run without a usable run_id/total: ${errorText(parsed.error)}`,
      agent.extraFrom(data),
    );
    return;
  }
  const total = endRunTotal(parsed.data);
  const runId = runNumberOf(parsed.data.run_id);
  if (runId === null) {
    agent.log.error(
      `end_run with run_id ${JSON.stringify(parsed.data.run_id)}: not a run number`,
      agent.extraFrom(data),
    );
    return;
  }
  if (total === undefined) {
    agent.log.warning(
      `end_run for run ${runId} has neither total_stf_files nor total_files; cannot account for losses`,
      agent.extraFrom(data),
    );
    return;
  }
  // `> 1`: the end_run handler itself is one of the agent's pending messages.
  const r = await ledger.close(runId, total, () => agent.pendingWork > 1);
  const extra = agent.extraFrom(data);
  if (r.missing.length === 0 && r.failed.length === 0) {
    agent.log.info(`run ${runId} ${stage}: all ${total} STFs handled`, extra);
    return;
  }
  const parts = [`run ${runId} ${stage}: ${r.done} of ${total} STFs handled`];
  if (r.missing.length)
    parts.push(`${r.missing.length} never arrived (sequences ${ranges(r.missing)})`);
  if (r.failed.length) parts.push(`${r.failed.length} failed (sequences ${ranges(r.failed)})`);
  if (r.joinedLate) parts.push('this agent joined the run after it started (restarted mid-run?)');
  agent.log.error(parts.join('; '), extra);
}

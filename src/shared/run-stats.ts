import { z } from 'zod';
import type { StfStage } from './workflow-messages.js';

/**
 * The STF workflow as the messages flow: each stage and the stage whose output it consumes. The
 * data agent feeds processing and fastmon side by side (both consume `stf_ready`), so the view
 * draws branches from this table, not a chain.
 */
export interface WorkflowStageDef {
  stage: StfStage;
  label: string;
  /** The message a stage sends for each STF it handled. */
  message: string;
  consumes: StfStage | null;
}

export const STF_WORKFLOW: readonly WorkflowStageDef[] = [
  { stage: 'generated', label: 'DAQ', message: 'stf_gen', consumes: null },
  { stage: 'ready', label: 'Data', message: 'stf_ready', consumes: 'generated' },
  { stage: 'processed', label: 'Processing', message: 'processing_complete', consumes: 'ready' },
  { stage: 'fastmon', label: 'Fastmon', message: 'tf_file_registered', consumes: 'ready' },
];

/** The stages in flow order, one column per depth: a stage sits one column after what it consumes. */
export function workflowColumns(defs: readonly WorkflowStageDef[] = STF_WORKFLOW) {
  const depth = new Map<StfStage, number>();
  const depthOf = (d: WorkflowStageDef, guard = 0): number => {
    const known = depth.get(d.stage);
    if (known !== undefined) return known;
    const from = d.consumes ? defs.find((x) => x.stage === d.consumes) : undefined;
    const n = from && guard < defs.length ? depthOf(from, guard + 1) + 1 : 0;
    depth.set(d.stage, n);
    return n;
  };
  const columns: WorkflowStageDef[][] = [];
  for (const d of defs) (columns[depthOf(d)] ??= []).push(d);
  return columns.filter(Boolean);
}

export const stageStatsSchema = z.object({
  stage: z.string(),
  count: z.number().int(),
  /** STFs per second over the stage's first to last STF (null below two STFs). */
  ratePerSecond: z.number().nullable(),
  /** STFs the stage it consumes from has handed on and this one has not yet handled. */
  backlog: z.number().int().nullable(),
  /** Time from `stf_gen` to this stage, over the run's latest STFs (ms). */
  latencyP50Ms: z.number().nullable(),
  latencyP95Ms: z.number().nullable(),
});
export type StageStats = z.infer<typeof stageStatsSchema>;

export const runIssueSchema = z.object({
  at: z.string(),
  source: z.string(),
  level: z.string(),
  text: z.string(),
});
export type RunIssue = z.infer<typeof runIssueSchema>;

/** One run's pipeline figures, computed by the core from the STF progress table (`run.stats`). */
export const runStatsSchema = z.object({
  runNumber: z.number().int(),
  startedAt: z.string().nullable(),
  /** When the DAQ said `end_run` (the run row's end time); processing may still be going on. */
  daqEndedAt: z.string().nullable(),
  /** STFs the run will have: `end_run`'s total, else the execution's planned count. */
  expected: z.number().int().nullable(),
  /** Every stage has handled every STF the DAQ generated, and the DAQ has ended. */
  drained: z.boolean(),
  elapsedSeconds: z.number().nullable(),
  /** Seconds until the slowest stage reaches `expected` at its current rate. */
  etaSeconds: z.number().nullable(),
  stages: z.array(stageStatsSchema),
  /** Warnings and errors logged for this run, newest first (end-of-run loss reports among them). */
  issues: z.array(runIssueSchema),
  at: z.string(),
});
export type RunStats = z.infer<typeof runStatsSchema>;

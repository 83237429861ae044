import { z } from 'zod';
import { optionalInt, optionalText, runEnvelope } from './fields.js';

/**
 * The run lifecycle the DAQ simulator (the workflow runner) broadcasts on the workflow topic.
 * Every era sends `run_id`; the rest of the envelope varies by era.
 */

export const runImminentSchema = z.looseObject({
  ...runEnvelope,
  msg_type: z.literal('run_imminent'),
  /** Prompt processing and the standalone simulator: `swf.<run>.run`. */
  dataset: optionalText,
  container: optionalText,
  /** Mid-2025 and standalone: beam energy, field, detector config. */
  run_conditions: z.record(z.string(), z.unknown()).nullish(),
});
export const startRunSchema = z.looseObject({ ...runEnvelope, msg_type: z.literal('start_run') });
export const pauseRunSchema = z.looseObject({
  ...runEnvelope,
  msg_type: z.literal('pause_run'),
  reason: optionalText,
});
export const resumeRunSchema = z.looseObject({ ...runEnvelope, msg_type: z.literal('resume_run') });
export const endRunSchema = z.looseObject({
  ...runEnvelope,
  msg_type: z.literal('end_run'),
  /** The HEAD runner's name for the STF count; 2025 senders and readers use `total_files`. */
  total_stf_files: optionalInt,
  total_files: optionalInt,
});

export type RunImminent = z.infer<typeof runImminentSchema>;
export type StartRun = z.infer<typeof startRunSchema>;
export type PauseRun = z.infer<typeof pauseRunSchema>;
export type ResumeRun = z.infer<typeof resumeRunSchema>;
export type EndRun = z.infer<typeof endRunSchema>;

export const RUN_LIFECYCLE_TYPES = [
  'run_imminent',
  'start_run',
  'pause_run',
  'resume_run',
  'end_run',
] as const;
export type RunLifecycleType = (typeof RUN_LIFECYCLE_TYPES)[number];

export const isRunLifecycleType = (t: string): t is RunLifecycleType =>
  (RUN_LIFECYCLE_TYPES as readonly string[]).includes(t);

/** `end_run` total, whichever spelling the sender used. */
export function endRunTotal(
  m: Pick<EndRun, 'total_stf_files' | 'total_files'>,
): number | undefined {
  return m.total_stf_files ?? m.total_files ?? undefined;
}

import { z } from 'zod';

/**
 * Field shapes every workflow message family uses. Lenient where the originals are: the eras send
 * `run_id` as an integer or as a numeric string, and mid-2025 and standalone senders carry no
 * `sender`, `namespace` or `execution_id`. Bounded so a hostile body cannot make a field huge.
 */

/** A run number as the eras send it: 100123, "100123", or the July 2025 "20250724120000". */
export const runIdSchema = z.union([z.number().int().nonnegative(), z.string().min(1).max(64)]);

export const text = z.string().max(1000);
export const optionalText = text.nullish();
export const optionalInt = z.number().int().nullish();
export const optionalNumber = z.number().nullish();
export const filenameSchema = z.string().min(1).max(255);

/** Keys any workflow message may carry; each family's schema extends these. */
export const envelopeFields = {
  msg_type: z.string().min(1).max(100),
  sender: optionalText,
  recipient: optionalText,
  namespace: optionalText,
  execution_id: optionalText,
  run_id: runIdSchema.nullish(),
  timestamp: optionalText,
  simulation_tick: optionalNumber,
  /** The DAQ state in effect when the message was sent (absent on end_run). */
  state: optionalText,
  substate: optionalText,
};

/** Any workflow message: a `msg_type` plus the envelope; unknown keys pass through. */
export const workflowMessageBaseSchema = z.looseObject(envelopeFields);
export type WorkflowMessageBase = z.infer<typeof workflowMessageBaseSchema>;

/** The envelope of a message about one run: `run_id` is required. */
export const runEnvelope = { ...envelopeFields, run_id: runIdSchema };

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`)
    .join('; ');
}

/** A run number from a `run_id` as the monitor reads it (`int(str(run_id))`); null if none. */
export function runNumberOf(runId: unknown): number | null {
  if (typeof runId === 'number') return Number.isSafeInteger(runId) && runId >= 0 ? runId : null;
  if (typeof runId !== 'string' || !/^\s*\d{1,15}\s*$/.test(runId)) return null;
  return Number(runId.trim());
}

/** The run number of a message a consumer cannot act on without one. */
export function requireRunNumber(runId: unknown): number {
  const n = runNumberOf(runId);
  if (n === null) throw new Error(`run_id ${JSON.stringify(runId)} is not a run number`);
  return n;
}

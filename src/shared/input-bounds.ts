import { z } from 'zod';

/**
 * Bounds shared by every place a client names a namespace or gives a duration, so a value the
 * core would not use is refused where it enters instead of travelling on to the agents.
 */
export const NAMESPACE_PATTERN = /^[A-Za-z0-9._-]+$/;

export const namespaceSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(NAMESPACE_PATTERN, 'a namespace uses letters, digits, ".", "_" and "-" only');

/** Longest duration a workflow parameter may ask for: one week, in seconds. */
export const MAX_DURATION_SECONDS = 7 * 86_400;

/** A duration in seconds, `0` included, at most {@link MAX_DURATION_SECONDS}. */
export const durationSecondsSchema = z.number().min(0).max(MAX_DURATION_SECONDS);

/**
 * Most rows one bulk create may carry (a list body on `POST /api/fastmon-files/` or
 * `/api/stf-files/`): the built-in agents register the rows of concurrent STFs in one request, at
 * most this many at a time.
 */
export const MAX_BULK_ITEMS = 100;

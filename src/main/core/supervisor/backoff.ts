/**
 * pm2's exponential backoff: the first restart waits `baseMs`, each consecutive one 1.5 times the
 * previous, capped at `maxMs`; the caller forgets `current` after the process stayed up 30 s.
 */
export function nextBackoff(
  current: number | undefined,
  baseMs: number,
  maxMs: number,
): { delayMs: number; nextMs: number } {
  const delayMs = Math.min(current ?? baseMs, maxMs);
  return { delayMs, nextMs: Math.min(delayMs * 1.5, maxMs) };
}

export const BACKOFF_MAX_MS = 15_000;
export const BACKOFF_RESET_MS = 30_000;

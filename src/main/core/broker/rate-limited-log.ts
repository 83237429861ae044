import type { Logger } from '../logger.js';

/**
 * Warnings that a hostile client can trigger at will (bad frames, refused connections) are
 * written at most once per `everyMs` per kind, with the number held back since the last line:
 * thousands of bad frames make a handful of lines, not thousands.
 */
export function createRateLimitedLog(log: Logger | undefined, everyMs = 10_000, clock = Date.now) {
  const last = new Map<string, { at: number; suppressed: number }>();
  return {
    warn(kind: string, detail: string): void {
      const now = clock();
      const prev = last.get(kind);
      if (prev && now - prev.at < everyMs) {
        prev.suppressed++;
        return;
      }
      const more = prev?.suppressed
        ? ` (+${prev.suppressed} more in the last ${everyMs / 1000} s)`
        : '';
      log?.warn(`${kind}: ${detail}${more}`);
      last.set(kind, { at: now, suppressed: 0 });
    },
  };
}
export type RateLimitedLog = ReturnType<typeof createRateLimitedLog>;

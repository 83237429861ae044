import { z } from 'zod';

/** `2026-01-15T10:30:00` (naive, read as UTC as the monitor does) or with `Z` / an offset. */
export function parseFilterTime(text: string): string | null {
  const trimmed = text.trim();
  const naive = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(trimmed);
  const ms = Date.parse(
    naive ? (trimmed.includes('T') ? `${trimmed}Z` : `${trimmed}T00:00:00Z`) : trimmed,
  );
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export const isoTime = (what: string) =>
  z
    .string()
    .refine((v) => parseFilterTime(v) !== null, {
      message: `${what} must be an ISO 8601 time such as 2026-01-15T10:30:00Z (a time without a zone is read as UTC)`,
    })
    .describe(`${what}, ISO 8601; a time without a zone is read as UTC`);

/** The window a list tool uses: explicit bounds win; otherwise the last `defaultSeconds`. */
export function timeWindow(
  start: string | undefined,
  end: string | undefined,
  defaultSeconds: number | undefined,
): { since?: string; until?: string } {
  const since = start ? (parseFilterTime(start) ?? undefined) : undefined;
  const until = end ? (parseFilterTime(end) ?? undefined) : undefined;
  if (since === undefined && until === undefined && defaultSeconds !== undefined)
    return { since: new Date(Date.now() - defaultSeconds * 1000).toISOString() };
  return { since, until };
}

export function inWindow(at: string | null | undefined, w: { since?: string; until?: string }) {
  if (w.since === undefined && w.until === undefined) return true;
  if (!at) return false;
  const t = Date.parse(at);
  if (w.since !== undefined && t < Date.parse(w.since)) return false;
  if (w.until !== undefined && t > Date.parse(w.until)) return false;
  return true;
}

/** All stored times are UTC ISO 8601 with milliseconds and a Z, as the mid-2025 monitor rendered them. */
export const nowIso = (): string => new Date().toISOString();

export function isoMinusSeconds(seconds: number, from = Date.now()): string {
  return new Date(from - seconds * 1000).toISOString();
}

/** Parses an ISO time filter; null when the text is not a time. */
export function parseIsoTime(text: string): string | null {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

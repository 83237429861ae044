/**
 * Why a run command was refused, whichever way the core says so: an error result, or a result
 * carrying the simulator's `accepted: false` and `reason`. Null when it was accepted.
 */
export function refusal(r: { ok: boolean; error?: string; data?: unknown }): string | null {
  if (!r.ok) return r.error ?? 'refused';
  const d = r.data as { accepted?: unknown; reason?: unknown } | null | undefined;
  if (d && d.accepted === false)
    return typeof d.reason === 'string' && d.reason ? d.reason : 'refused by the DAQ simulator';
  return null;
}

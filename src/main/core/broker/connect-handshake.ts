import { timingSafeEqual } from 'node:crypto';
import type { StompVersion } from './frame-encoding.js';
import type { BrokerLimits } from './limits.js';

const SUPPORTED: StompVersion[] = ['1.2', '1.1', '1.0'];
export const SUPPORTED_VERSIONS = SUPPORTED.join(',');

/** The highest version both sides speak; a CONNECT without `accept-version` is STOMP 1.0. */
export function negotiateVersion(acceptVersion: string | undefined): StompVersion | undefined {
  if (acceptVersion === undefined) return '1.0';
  const offered = acceptVersion.split(',').map((v) => v.trim());
  return SUPPORTED.find((v) => offered.includes(v));
}

/** Constant-time comparison, so a wrong passcode's timing says nothing about the right one. */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface HeartbeatAgreement {
  /** How often the broker sends a heart-beat EOL, ms (0: never). */
  sendEvery: number;
  /** How often the client promised to send something, ms (0: no promise; the idle limit applies). */
  expectEvery: number;
}

/**
 * The CONNECT `heart-beat: cx,cy` header against the broker's bounds. `cy` (how often the client
 * wants to hear from us) is clamped into [min, max]: sending more often than asked is harmless.
 * A `cx` above the maximum is no promise at all, so it counts as 0 and the idle limit governs
 * that connection; otherwise a client could hold a slot for ever by promising a beat every 10^11
 * ms, and such values must never reach a timer (Node turns an overflowing delay into 1 ms).
 */
export function negotiateHeartbeat(
  header: string | undefined,
  version: StompVersion,
  limits: Pick<BrokerLimits, 'minHeartbeatMs' | 'maxHeartbeatMs'>,
): HeartbeatAgreement {
  if (version === '1.0' || header === undefined) return { sendEvery: 0, expectEvery: 0 };
  const [cx, cy] = header.split(',').map((n) => Number.parseInt(n, 10));
  const valid = (n: number | undefined): n is number =>
    n !== undefined && Number.isFinite(n) && n > 0;
  const sendEvery = valid(cy)
    ? Math.min(Math.max(cy, limits.minHeartbeatMs), limits.maxHeartbeatMs)
    : 0;
  const expectEvery =
    valid(cx) && cx <= limits.maxHeartbeatMs ? Math.max(cx, limits.minHeartbeatMs) : 0;
  return { sendEvery, expectEvery };
}

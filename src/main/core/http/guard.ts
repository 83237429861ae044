import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** DNS-rebinding defence: the Host must be a loopback name with our port. */
export function hostAllowed(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const lower = host.toLowerCase();
  return LOOPBACK_NAMES.some(
    (name) => lower === `${name}:${port}` || (port === 80 && lower === name),
  );
}

/** A present Origin must be one of ours; absent is fine (agents, curl, MCP clients send none). */
export function originAllowed(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  return LOOPBACK_NAMES.some((name) => origin.toLowerCase() === `http://${name}:${port}`);
}

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/** `Token <t>` (DRF, the Python agents) and `Bearer <t>` (MCP clients) are both accepted. */
export function tokenFromHeaders(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  if (!auth) return undefined;
  const match = /^(?:Token|Bearer)\s+(\S+)\s*$/i.exec(auth);
  return match?.[1];
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time comparison: hashing first gives equal lengths whatever was sent. */
export function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  return timingSafeEqual(digest(given), digest(expected));
}

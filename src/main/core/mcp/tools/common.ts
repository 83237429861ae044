import { z } from 'zod';

export const READ = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

/** Python logging's level numbers, which the agents' log records carry. */
export const LEVELS: Record<string, number> = {
  DEBUG: 10,
  INFO: 20,
  WARNING: 30,
  WARN: 30,
  ERROR: 40,
  CRITICAL: 50,
};

export const anyRow = z.record(z.string(), z.unknown());

export function summarisePayload(content: unknown, max = 200): string {
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

import { z } from 'zod';

/** An agent whose process the supervisor saw end: the pid that ended and why. */
export const agentDeathSchema = z.object({ pid: z.number().int(), reason: z.string() });
export type AgentDeath = z.infer<typeof agentDeathSchema>;

/** Process states that mean the process is gone. */
export const ENDED_PROCESS_STATES: readonly string[] = ['EXITED', 'FATAL', 'STOPPED', 'BACKOFF'];

/** Why a program's process ended, as one line for the agent it ran. */
export function processEndReason(t: {
  to: string;
  exitCode: number | null;
  signal: string | null;
  reason: string | null;
}): string {
  const how = t.signal ? `killed by ${t.signal}` : t.exitCode !== null ? `exit ${t.exitCode}` : '';
  return [`process ${t.to}`, how, t.reason ?? ''].filter(Boolean).join(': ');
}

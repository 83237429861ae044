import { z } from 'zod';

/** supervisord's state names, used by the supervisor, its events, MCP and the UI alike. */
export const PROCESS_STATES = [
  'STOPPED',
  'STARTING',
  'RUNNING',
  'BACKOFF',
  'STOPPING',
  'EXITED',
  'FATAL',
] as const;
export const processStateSchema = z.enum(PROCESS_STATES);
export type ProcessState = z.infer<typeof processStateSchema>;

/** One supervised process as the supervisor reports it (REST, MCP, the UI's snapshot). */
export const processInfoSchema = z.object({
  name: z.string(),
  program: z.string(),
  groups: z.array(z.string()),
  state: processStateSchema,
  /** Null unless a process runs (or is starting or stopping). */
  pid: z.number().int().nullable(),
  /** When the current state was entered (ISO). */
  since: z.string().nullable(),
  /** When the running process was spawned (ISO); null when none runs. */
  startedAt: z.string().nullable(),
  uptimeSeconds: z.number().nullable(),
  /** Starts after the first one, over the program's stored history. */
  restarts: z.number().int().nullable(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  reason: z.string().nullable(),
  cpuPercent: z.number().nullable(),
  rssBytes: z.number().nullable(),
  logFile: z.string().nullable(),
  command: z.string(),
});
export type ProcessInfo = z.infer<typeof processInfoSchema>;

import type { ProcessTransition } from '../../../shared/core-events.js';
import type { CapturedStream } from '../store/process-output.js';
import type { ProcessSpec } from './fleet.js';

export { PROCESS_STATES, type ProcessState } from '../../../shared/process-info.js';

/** A resolved command line, or the reason there is none (bad cwd, command not found). */
export type Launch =
  | { ok: true; command: string; args: string[]; cwd: string; env: NodeJS.ProcessEnv }
  | { ok: false; reason: string };

/** A state change as the slot reports it; the supervisor stamps the time. */
export type Transition = Omit<ProcessTransition, 'at'>;

export interface SlotDeps {
  resolveLaunch(spec: ProcessSpec): Launch;
  onTransition(t: Transition): void;
  onOutput(name: string, stream: CapturedStream, line: string): void;
  onSpawn(name: string, pid: number, command: string): void;
  onReap(name: string, pid: number): void;
  backoffMaxMs: number;
  backoffResetMs: number;
}

/** Thrown (as a rejection) when a command cannot reach its target state. */
export class ProcessCommandError extends Error {
  override name = 'ProcessCommandError';
}

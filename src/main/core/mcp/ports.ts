import type { ProcessInfo } from '../../../shared/process-info.js';

/**
 * What the MCP tools need to steer the testbed: the composition root builds them from the
 * supervisor and the broker and hands them to the MCP factory.
 */

/**
 * One supervised program as the MCP tools show it: the fields of the supervisor's `ProcessInfo`
 * they report, plus a one-line description (the reason of the last change, or the command).
 */
export type McpProcessInfo = Pick<ProcessInfo, 'name' | 'state' | 'pid'> &
  Partial<Pick<ProcessInfo, 'since' | 'exitCode'>> & { description?: string };

export interface ProcessOutputLine {
  at: string;
  stream: 'stdout' | 'stderr';
  line: string;
}

export interface ProcessEvent {
  at: string;
  state: string;
  pid?: number | null;
  exitCode?: number | null;
  detail?: string;
}

/**
 * Process control over the programs the fleet file names, and nothing else: `start` and friends
 * must reject a name that is not in `list()`. The MCP tools check names against `list()` first
 * so that a model gets the list of valid names in its error.
 */
export interface ProcessControl {
  list(): McpProcessInfo[] | Promise<McpProcessInfo[]>;
  start(name: string): Promise<McpProcessInfo>;
  stop(name: string): Promise<McpProcessInfo>;
  restart(name: string): Promise<McpProcessInfo>;
  /** The last `lines` lines of captured output, oldest first. */
  tail(name: string, lines: number): ProcessOutputLine[] | Promise<ProcessOutputLine[]>;
  /** Captured lines containing `query` (case-insensitive), newest last, at most `limit`. */
  search(
    name: string,
    query: string,
    limit: number,
  ): ProcessOutputLine[] | Promise<ProcessOutputLine[]>;
  /** State changes of one program, newest first. */
  history(name: string, limit: number): ProcessEvent[] | Promise<ProcessEvent[]>;
}

export interface BrokerStatus {
  state: 'up' | 'down' | 'unknown';
  detail?: string;
}

/** Publishes one JSON message to a STOMP destination through the core's broker connection. */
export interface MessageSender {
  send(destination: string, body: Record<string, unknown>): Promise<void>;
  status(): BrokerStatus;
}

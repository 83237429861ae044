import type { AppLogRecord } from '../../../shared/app-log.js';
import type { RunProgress } from '../../../shared/workflow-messages.js';
import type {
  ConfigSummary,
  FleetAgent,
  HeartbeatEntry,
  McpActivity,
  ProcessInfo,
  RunSummary,
  UiEventPayload,
  WorkflowExecution,
  WorkflowMessage,
} from '../../../shared/ui-protocol.js';
import type { OutputBuffer } from './output-buffer.js';
import type { AgentDeath } from './record-updates.js';

/** The shape of the renderer's one store and its empty start (the reducers are in `ui-store`). */

export type ConnectionState = 'connecting' | 'open' | 'lost';

export interface Toast {
  id: number;
  kind: 'info' | 'error' | 'alert';
  title: string;
  body: string;
}

export interface ProcessHistoryEntry {
  at: string;
  state: string;
  detail: string;
}

export const HEARTBEAT_CAP = 5000;
export const LOG_CAP = 2000;
export const MESSAGE_CAP = 5000;
export const MCP_CAP = 1000;
export const HISTORY_CAP = 200;

export interface UiState {
  connection: ConnectionState;
  /** Why the last connection ended, and when the next attempt is due (epoch ms). */
  lostReason: string | null;
  /** The core answered that the token is wrong: retrying cannot help, a new token can. */
  tokenRefused: boolean;
  retryAt: number | null;
  attempt: number;
  /** A snapshot arrived on the current connection. */
  synced: boolean;
  snapshotCount: number;
  resyncs: number;
  badEvents: number;
  config: ConfigSummary | null;
  startedAt: string | null;
  commandsAvailable: string[];
  agents: Record<string, FleetAgent>;
  /** Agents whose process the supervisor saw end, by instance name (cleared by a new pid). */
  agentDeaths: Record<string, AgentDeath>;
  /** Bumped when an agent or program appears or changes type: the fleet re-sorts only then. */
  fleetVersion: number;
  /** null: this core has no supervisor. */
  processes: Record<string, ProcessInfo> | null;
  processHistory: Record<string, ProcessHistoryEntry[]>;
  heartbeats: HeartbeatEntry[];
  logs: AppLogRecord[];
  runs: RunSummary[];
  runProgress: Record<number, RunProgress>;
  executions: Record<string, WorkflowExecution>;
  messages: WorkflowMessage[];
  outputs: Record<string, OutputBuffer>;
  /** Bumped whenever a buffer in `outputs` grows; buffers are mutated in place (100,000 lines). */
  outputVersion: number;
  mcpActivity: McpActivity[];
  mcpClients: { id: string; name: string; transport: string; since: string }[] | null;
  broker: UiEventPayload<'broker.state'> | null;
  /** Commands in flight, by key (`process.start:agent-1`). */
  pending: Record<string, true>;
  /** The last failure of a command per target, shown beside its controls. */
  commandErrors: Record<string, string>;
  toasts: Toast[];
}

export const initialUiState: UiState = {
  connection: 'connecting',
  lostReason: null,
  tokenRefused: false,
  retryAt: null,
  attempt: 0,
  synced: false,
  snapshotCount: 0,
  resyncs: 0,
  badEvents: 0,
  config: null,
  startedAt: null,
  commandsAvailable: [],
  agents: {},
  agentDeaths: {},
  fleetVersion: 0,
  processes: null,
  processHistory: {},
  heartbeats: [],
  logs: [],
  runs: [],
  runProgress: {},
  executions: {},
  messages: [],
  outputs: {},
  outputVersion: 0,
  mcpActivity: [],
  mcpClients: null,
  broker: null,
  pending: {},
  commandErrors: {},
  toasts: [],
};

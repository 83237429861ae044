import type { Config } from '../config.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../logger.js';
import type { HeartbeatService } from '../monitor/heartbeat-service.js';
import type { LivenessTracker } from '../monitor/liveness.js';
import type { Store } from '../store/index.js';
import type { WorkflowCommands } from '../workflow-commands.js';
import type { MessageSender, ProcessControl } from './ports.js';

/** What the MCP server reads and steers. */
export interface McpDeps {
  store: Store;
  bus: EventBus;
  heartbeats: HeartbeatService;
  liveness: LivenessTracker;
  config: Config;
  processControl: ProcessControl;
  messageSender: MessageSender;
  /** Starting and stopping workflows with the DAQ simulator's answer (through `messageSender`). */
  workflow: WorkflowCommands;
  logger?: Logger;
}

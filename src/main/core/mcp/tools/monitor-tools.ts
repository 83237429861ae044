import type { McpDeps } from '../deps.js';
import type { AnyToolDef } from '../tool-kit.js';
import { agentTools } from './agent-tools.js';
import { executionTools } from './execution-tools.js';
import { logTools } from './log-tools.js';
import { messageTools } from './message-tools.js';
import { namespaceTools } from './namespace-tools.js';
import { runTools } from './run-tools.js';
import { statusTools } from './status-tools.js';
import { stfFileTools } from './stf-file-tools.js';
import { systemStateTools } from './system-state-tools.js';
import { tfSliceTools } from './tf-slice-tools.js';
import { workflowMonitorTools } from './workflow-monitor-tools.js';

/** The read side of the monitor, one family per file, in the order clients list them. */
export function monitorTools(deps: McpDeps): AnyToolDef[] {
  return [
    ...agentTools(deps),
    ...statusTools(deps),
    ...systemStateTools(deps),
    ...logTools(deps),
    ...messageTools(deps),
    ...runTools(deps),
    ...stfFileTools(deps),
    ...namespaceTools(deps),
    ...executionTools(deps),
    ...workflowMonitorTools(deps),
    ...tfSliceTools(deps),
  ];
}

import {
  runWorkflowSchema,
  stopWorkflowSchema,
  type RunWorkflowInput,
  type StopWorkflow,
} from '../../shared/workflow-messages.js';

/**
 * The control messages the workflow runner (the DAQ simulator) obeys on the workflow control
 * queue, built in one place so MCP and the UI send exactly the same thing, and checked against the
 * shared schemas before they leave. `namespace` goes in the envelope; `params` carries only
 * workflow parameters (the runner refuses any other key by name).
 */
export interface RunWorkflowRequest {
  namespace: string;
  workflowName?: string;
  config?: string;
  realtime: boolean;
  /** Seconds; 0 = until the STF count is reached. */
  duration?: number;
  params: {
    stf_count?: number;
    physics_period_count?: number;
    physics_period_duration?: number;
    stf_interval?: number;
    standby_duration?: number;
  };
  source: 'mcp' | 'ui' | 'cli';
}

export function runWorkflowMessage(req: RunWorkflowRequest): RunWorkflowInput {
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(req.params))
    if (value !== undefined) params[key] = value;
  const message: RunWorkflowInput = {
    msg_type: 'run_workflow',
    namespace: req.namespace,
    workflow_name: req.workflowName ?? 'stf_datataking',
    ...(req.config !== undefined && { config: req.config }),
    realtime: req.realtime,
    duration: req.duration ?? 0,
    params,
    timestamp: new Date().toISOString(),
    source: req.source,
  };
  runWorkflowSchema.parse(message);
  return message;
}

export function stopWorkflowMessage(req: {
  namespace: string;
  executionId?: string;
  source: 'mcp' | 'ui' | 'cli';
}): StopWorkflow {
  const message: StopWorkflow = {
    msg_type: 'stop_workflow',
    ...(req.executionId !== undefined && { execution_id: req.executionId }),
    namespace: req.namespace,
    timestamp: new Date().toISOString(),
    source: req.source,
  };
  stopWorkflowSchema.parse(message);
  return message;
}

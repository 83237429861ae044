import { randomUUID } from 'node:crypto';
import {
  type WorkflowControlResult,
  type StartWorkflowArgs,
  type StopWorkflowArgs,
} from '../../shared/workflow-control-result.js';
import {
  type StoredWorkflowMessage,
  workflowControlReplySchema,
} from '../../shared/workflow-messages.js';
import type { Config } from './config.js';
import type { EventBus } from './events.js';
import type { Store } from './store/index.js';
import { runWorkflowMessage, stopWorkflowMessage } from './workflow-control.js';

/**
 * Where the DAQ simulator answers our control messages: one topic per request under this prefix.
 * The external broker client subscribes to the wildcard, the embedded broker's recorder sees
 * every SEND, so either way the answer comes back as a stored `workflow.message`.
 */
export const REPLY_TOPIC_PREFIX = '/topic/swf_control_center.replies.';
export const REPLY_TOPIC_WILDCARD = `${REPLY_TOPIC_PREFIX}>`;

/** Neither an answer nor the run it would start (or end) arrived in time. */
export class WorkflowNoAnswerError extends Error {}

/** Commands waiting for an answer at once; more are refused rather than piling up timers. */
export const MAX_PENDING_COMMANDS = 16;
export class WorkflowBusyError extends Error {}

export interface WorkflowCommandsDeps {
  bus: EventBus;
  store: Store;
  config: Config;
  /** Publishes one JSON message through the core's broker (embedded or external). */
  publish(destination: string, body: Record<string, unknown>): Promise<void>;
}

/** The run an execution took (its latest, should it have driven several). */
export function runNumberOfExecution(store: Store, executionId: string | null | undefined) {
  if (!executionId) return null;
  const runs = store.runLookups.runNumbersOfExecution(executionId).filter(Number.isInteger);
  return runs.length ? Math.max(...runs) : null;
}

export type WorkflowCommands = ReturnType<typeof createWorkflowCommands>;

type Source = 'mcp' | 'ui' | 'cli';

/**
 * Starting and stopping a workflow, for MCP, the UI and the command line alike: the control
 * message goes to the workflow control queue with a `reply_to`, and the call resolves with the
 * DAQ simulator's answer. The original Python runner never answers, so the run it starts
 * (`run_imminent` for our namespace) or ends (`end_run`) counts as acceptance. Nothing of the
 * kind within `workflowReplyTimeoutSeconds` rejects with {@link WorkflowNoAnswerError}.
 */
export function createWorkflowCommands(deps: WorkflowCommandsDeps) {
  const { bus, store, config } = deps;
  const timeoutS = config.workflowReplyTimeoutSeconds;
  let pending = 0;

  // A runner that never answers refuses silently while it runs: say what is running.
  const stillRunning = () => {
    const running = store.workflowExecutions.list({ status: 'running' }, 5).items;
    return running.length
      ? `; execution ${running.map((e) => String(e.execution_id)).join(', ')} is still running`
      : '';
  };
  const runNumberOf = (id: string | null | undefined) => runNumberOfExecution(store, id);

  function request(
    kind: 'run_workflow' | 'stop_workflow',
    message: Record<string, unknown>,
    observed: (m: StoredWorkflowMessage) => WorkflowControlResult | undefined,
    missing: string,
  ): Promise<WorkflowControlResult> {
    if (pending >= MAX_PENDING_COMMANDS)
      return Promise.reject(
        new WorkflowBusyError(
          `${pending} workflow commands are already waiting for the DAQ simulator; try again when they are answered`,
        ),
      );
    pending++;
    const replyTo = `${REPLY_TOPIC_PREFIX}${randomUUID()}`;
    const body = { ...message, reply_to: replyTo };
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        pending--;
        off();
        clearTimeout(timer);
        fn();
      };
      // Listening before publishing: an answer cannot arrive before we look for it.
      const off = bus.on('workflow.message', ({ message: m }) => {
        if (m.queue_name === replyTo) {
          const reply = workflowControlReplySchema.safeParse(m.message_content);
          if (!reply.success || reply.data.request !== kind) return;
          const r = reply.data;
          const run = typeof r.run_id === 'number' ? r.run_id : Number(r.run_id ?? NaN);
          const executionId = r.execution_id ?? null;
          return settle(() =>
            resolve({
              accepted: r.accepted,
              execution_id: executionId,
              run_number: Number.isInteger(run) ? run : runNumberOf(executionId),
              reason: r.reason ?? null,
            }),
          );
        }
        const seen = observed(m);
        if (seen) settle(() => resolve(seen));
      });
      const timer = setTimeout(
        () =>
          settle(() =>
            reject(
              new WorkflowNoAnswerError(
                `no DAQ simulator answered in ${timeoutS} s and ${missing}: is the daqsim program running? (swf_list_processes, or \`swf-control-center status\`)${stillRunning()}`,
              ),
            ),
          ),
        timeoutS * 1000,
      );
      deps
        .publish(config.workflowControlQueue, body)
        .catch((err: unknown) =>
          settle(() => reject(err instanceof Error ? err : new Error(String(err)))),
        );
    });
  }

  const inNamespace = (m: StoredWorkflowMessage, ns: string) =>
    m.namespace === null || m.namespace === ns;
  const timeOf = (id: string | null, key: 'start_time' | 'end_time') => {
    const exec = id === null ? undefined : store.workflowExecutions.get(id);
    const at = exec?.[key];
    return typeof at === 'string' ? Date.parse(at) : NaN;
  };
  // A second of slack for a runner on another machine whose clock lags ours.
  const startedBefore = (id: string | null, t: number) => timeOf(id, 'start_time') < t - 1000;
  const finishedBefore = (id: string | null, t: number) => timeOf(id, 'end_time') <= t;
  const runOf = (m: StoredWorkflowMessage) => {
    const n = Number(m.run_id);
    return m.run_id !== null && Number.isInteger(n) ? n : null;
  };

  return {
    start(
      args: StartWorkflowArgs & { standby_duration?: number },
      source: Source,
    ): Promise<WorkflowControlResult> {
      const namespace = args.namespace ?? config.namespace;
      const message = runWorkflowMessage({
        namespace,
        workflowName: args.workflow_name,
        config: args.config,
        realtime: args.realtime,
        duration: args.duration,
        params: {
          stf_count: args.stf_count,
          physics_period_count: args.physics_period_count,
          physics_period_duration: args.physics_period_duration,
          stf_interval: args.stf_interval,
          standby_duration: args.standby_duration,
        },
        source,
      });
      // A run of an execution that had started before this request is no answer to it.
      const sentAt = Date.now();
      return request(
        'run_workflow',
        message,
        (m) =>
          m.message_type === 'run_imminent' &&
          inNamespace(m, namespace) &&
          !startedBefore(m.execution_id, sentAt)
            ? { accepted: true, execution_id: m.execution_id, run_number: runOf(m), reason: null }
            : undefined,
        'no run started',
      );
    },

    stop(args: StopWorkflowArgs, source: Source): Promise<WorkflowControlResult> {
      const namespace = args.namespace ?? config.namespace;
      const message = stopWorkflowMessage({
        namespace,
        executionId: args.execution_id,
        source,
      });
      // The end of a run that had already finished when the stop left (delivered late) is no
      // answer to this stop; a runner that registers no execution is taken at its word.
      const sentAt = Date.now();
      return request(
        'stop_workflow',
        message,
        (m) =>
          m.message_type === 'end_run' &&
          inNamespace(m, namespace) &&
          !finishedBefore(m.execution_id, sentAt) &&
          (!args.execution_id || m.execution_id === args.execution_id)
            ? { accepted: true, execution_id: m.execution_id, run_number: runOf(m), reason: null }
            : undefined,
        'no run ended',
      );
    },
  };
}

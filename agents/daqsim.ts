import {
  describeIssues,
  runWorkflowSchema,
  stopWorkflowSchema,
  WORKFLOW_CONTROL_QUEUE,
} from '../src/shared/workflow-messages.js';
import { BaseAgent, type IncomingMessage, runAgentMain } from './base-agent.js';
import { refuse, reply, replyDestination } from './daqsim/control.js';
import { type Execution, executeRun } from './daqsim/execution.js';
import { ResumeGate } from './daqsim/resume-gate.js';
import {
  RUNNABLE_WORKFLOWS,
  type ResolvedWorkflow,
  resolveWorkflow,
} from './daqsim/workflow-config.js';
import { PublishWindow } from './lib/publish-window.js';
import { errorText } from './lib/settings.js';

/**
 * DAQ simulator: the HEAD testbed's workflow runner (`workflow_runner.py` with its
 * `stf_datataking.py` and `prompt_processing.py` workflows, agent type `DAQ_Simulator`). Consumes
 * `/queue/workflow_control`; for each accepted `run_workflow` it resolves the workflow config as
 * the runner does (`daqsim/workflow-config.ts`) and runs one execution (`daqsim/execution.ts`)
 * driving the DAQ state machine (`lib/daq-schedule.ts`). This file is the control side: which
 * requests are accepted.
 *
 * Choices: a bad request (unknown workflow, missing config, unknown parameter) is refused for what is wrong with
 * it; a second `run_workflow` while one runs is refused with a reason (logged, and answered to
 * `reply_to`/`reply-to` when given; the original only logs); `stop_workflow` ends STF generation
 * and still publishes `end_run` (with the STFs made so far) so downstream agents close the run,
 * and the execution is PATCHed `terminated`; a message that cannot be published within
 * `SWF_PUBLISH_DEADLINE_S` fails the execution with that reason.
 */
class DaqSimulator extends BaseAgent {
  private running: Execution | undefined;
  private readonly pipeline = new PublishWindow(64);
  private readonly resume = new ResumeGate(
    this,
    Number(process.env.SWF_RESUME_WAIT_S || 30) * 1000,
  );

  constructor() {
    super('DAQ_Simulator', [WORKFLOW_CONTROL_QUEUE]);
  }

  protected override onHeartbeatMessage(data: Record<string, unknown>): void {
    this.resume.peerHeartbeat(data);
  }

  protected override async onStarted(): Promise<void> {
    this.mq.on('up', () => this.resume.brokerUp(this.running !== undefined));
  }

  protected override beforePublish(deadline: number): Promise<void> {
    return this.resume.wait(deadline);
  }

  protected override heartbeatMetadata(): Record<string, unknown> {
    return {
      execution_id: this.running?.executionId ?? 'none',
      run_id: this.running?.runNumber ?? 'none',
      stf_generated: this.running?.stfCount ?? 0,
    };
  }

  protected async onMessage(msg: IncomingMessage): Promise<void> {
    const replyTo = replyDestination(msg);
    switch (msg.msgType) {
      case 'run_workflow':
        return this.handleRun(msg, replyTo);
      case 'stop_workflow':
        return this.handleStop(msg, replyTo);
      case 'status_request':
        this.log.info(
          this.running
            ? `status: running ${this.running.executionId ?? '(starting)'}, run ${this.running.runNumber ?? '?'}, ${this.running.stfCount} STFs`
            : 'status: idle',
        );
        return;
      default:
        this.log.warning(
          `ignored ${msg.msgType} on ${msg.destination} (expects run_workflow / stop_workflow)`,
        );
    }
  }

  private async handleRun(msg: IncomingMessage, replyTo: string | undefined): Promise<void> {
    const parsed = runWorkflowSchema.safeParse(msg.data);
    if (!parsed.success) {
      return refuse(
        this,
        replyTo,
        'run_workflow',
        `invalid run_workflow: ${describeIssues(parsed.error)}`,
      );
    }
    const req = parsed.data;
    // The request itself is checked first: a bad one is refused for what is wrong with it.
    if (!RUNNABLE_WORKFLOWS.includes(req.workflow_name)) {
      return refuse(
        this,
        replyTo,
        'run_workflow',
        `unknown workflow "${req.workflow_name}" (this simulator runs: ${RUNNABLE_WORKFLOWS.join(', ')})`,
      );
    }
    let resolved: ResolvedWorkflow;
    try {
      resolved = resolveWorkflow(
        req.workflow_name,
        req.config,
        this.settings.testbedConfig,
        req.params,
        process.env.SWF_WORKFLOWS_DIR || undefined,
      );
    } catch (err) {
      return refuse(this, replyTo, 'run_workflow', `invalid parameters: ${errorText(err)}`);
    }
    if (this.running) {
      const r = this.running;
      return refuse(
        this,
        replyTo,
        'run_workflow',
        `execution ${r.executionId ?? '(starting)'} (run ${r.runNumber ?? '?'}, ${r.stfCount} STFs so far) is still running; send stop_workflow first`,
      );
    }
    // Claimed before the first await, so a second run_workflow handled concurrently is refused.
    const exec: Execution = { stop: false, stfCount: 0, done: Promise.resolve() };
    this.running = exec;
    const release = this.hold();
    exec.done = executeRun(this, this.pipeline, exec, req, resolved, replyTo).finally(() => {
      this.running = undefined;
      release();
    });
  }

  private async handleStop(msg: IncomingMessage, replyTo: string | undefined): Promise<void> {
    const parsed = stopWorkflowSchema.safeParse(msg.data);
    const wanted = parsed.success ? parsed.data.execution_id : undefined;
    const r = this.running;
    if (!r) {
      this.log.info('stop_workflow: nothing is running');
      return reply(this, replyTo, {
        request: 'stop_workflow',
        accepted: false,
        reason: 'nothing is running',
      });
    }
    if (wanted && r.executionId && wanted !== r.executionId) {
      this.log.info(`stop_workflow for ${wanted} ignored: running ${r.executionId}`);
      return reply(this, replyTo, {
        request: 'stop_workflow',
        accepted: false,
        reason: `running ${r.executionId}, not ${wanted}`,
      });
    }
    this.log.info(`stop_workflow: stopping ${r.executionId ?? '(starting)'}`, this.extra());
    r.stop = true;
    r.wake?.();
    await reply(this, replyTo, {
      request: 'stop_workflow',
      accepted: true,
      execution_id: r.executionId ?? null,
    });
  }

  protected override async onShutdown(): Promise<void> {
    const r = this.running;
    if (!r) return;
    r.stop = true;
    r.wake?.();
    await Promise.race([r.done, new Promise((res) => setTimeout(res, 8000))]);
  }
}

runAgentMain(new DaqSimulator());

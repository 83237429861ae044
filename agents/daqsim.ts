import { BaseAgent, type IncomingMessage, runAgentMain } from './base-agent.js';
import {
  DAQ_CONFIG_PRESETS,
  DAQ_PARAM_KEYS,
  type DaqEvent,
  type DaqParams,
  daqParamsSchema,
  runDaqSchedule,
} from './lib/daq-schedule.js';
import { PublishWindow } from './lib/publish-window.js';
import { errorText, localIsoNow } from './lib/settings.js';
import {
  type RunWorkflow,
  runWorkflowSchema,
  stfFilename,
  stopWorkflowSchema,
  WORKFLOW_CONTROL_QUEUE,
  WORKFLOW_TOPIC,
} from '../src/shared/workflow-messages.js';

const SUPPORTED_WORKFLOWS = ['stf_datataking'];
const WORKFLOW_VERSION = '1.0';

interface Execution {
  executionId?: string;
  runNumber?: number;
  stop: boolean;
  stfCount: number;
  wake?: () => void;
  done: Promise<void>;
}

/**
 * DAQ simulator: the HEAD testbed's workflow runner (`workflow_runner.py` + `stf_datataking.py`,
 * agent type `DAQ_Simulator`). Consumes `/queue/workflow_control`; for each accepted
 * `run_workflow` it takes an execution ID and a run number from the monitor, records the
 * execution, and drives the DAQ state machine (reference §2.4), publishing the run lifecycle and
 * one `stf_gen` per STF to `/topic/epictopic`.
 *
 * Choices: a second `run_workflow` while one runs is refused with a reason (logged, and answered
 * to `reply_to`/`reply-to` when given — the original only logs); `stop_workflow` ends STF
 * generation and still publishes `end_run` (with the STFs made so far) so downstream agents close
 * the run, and the execution is PATCHed `terminated`; a message that cannot be published within
 * `SWF_PUBLISH_DEADLINE_S` fails the execution with that reason in `performance_metrics.error`.
 */
class DaqSimulator extends BaseAgent {
  private running: Execution | undefined;
  private readonly pipeline = new PublishWindow(64);

  constructor() {
    super('DAQ_Simulator', [WORKFLOW_CONTROL_QUEUE]);
  }

  // ---- waiting for the fleet after a broker outage -------------------------------------------
  // Topic subscriptions are not durable: whatever is published while a consumer is still
  // reconnecting is lost to it. After its own reconnect the simulator therefore holds publishing
  // until every peer it heard from before the outage has sent a heartbeat on the new connection
  // (agents resubscribe *before* that heartbeat, and the broker keeps one connection's frames in
  // order), or until SWF_RESUME_WAIT_S passes. Peers already back answer the `resync` heartbeat
  // the simulator sends on reconnect.
  private readonly peers = new Map<string, number>();
  private gate: Promise<void> | undefined;
  private awaiting = new Set<string>();
  private openGate: (() => void) | undefined;
  private readonly resumeWaitMs = Number(process.env.SWF_RESUME_WAIT_S || 30) * 1000;

  protected override onHeartbeatMessage(data: Record<string, unknown>): void {
    const name = data.instance_name;
    if (typeof name !== 'string') return;
    if (data.operational_state === 'EXITED' || data.status === 'EXITED') this.peers.delete(name);
    else this.peers.set(name, Date.now());
    if (data.mq_connected === true && this.awaiting.delete(name) && this.awaiting.size === 0)
      this.openGate?.();
  }

  protected override async onStarted(): Promise<void> {
    this.mq.on('up', () => {
      const recent = Date.now() - 3 * this.settings.heartbeatIntervalMs - 10_000;
      this.awaiting = new Set([...this.peers].filter(([, at]) => at >= recent).map(([n]) => n));
      if (!this.running || this.awaiting.size === 0) return;
      const names = [...this.awaiting].join(', ');
      this.gate = new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          this.log.warning(
            `resuming without ${[...this.awaiting].join(', ')}: not back ${this.resumeWaitMs / 1000} s after the broker returned`,
            this.extra(),
          );
          done();
        }, this.resumeWaitMs);
        const done = () => {
          clearTimeout(t);
          this.openGate = undefined;
          this.gate = undefined;
          resolve();
        };
        this.openGate = done;
      });
      this.log.info(`broker back: holding the run until ${names} resubscribed`, this.extra());
      // Peers that reconnected before us answer this; the others heartbeat when they reconnect.
      void this.heartbeat({ resync: true });
    });
  }

  protected override async beforePublish(deadline: number): Promise<void> {
    if (!this.gate) return;
    await Promise.race([
      this.gate,
      new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now()))),
    ]);
  }

  protected override heartbeatMetadata(): Record<string, unknown> {
    return {
      execution_id: this.running?.executionId ?? 'none',
      run_id: this.running?.runNumber ?? 'none',
      stf_generated: this.running?.stfCount ?? 0,
    };
  }

  protected async onMessage(msg: IncomingMessage): Promise<void> {
    const replyTo =
      (typeof msg.data.reply_to === 'string' && msg.data.reply_to) ||
      msg.headers['reply-to'] ||
      undefined;
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

  private async reply(replyTo: string | undefined, body: Record<string, unknown>): Promise<void> {
    if (!replyTo) return;
    try {
      await this.sendMessage(replyTo, {
        msg_type: 'workflow_control_reply',
        timestamp: localIsoNow(),
        ...body,
      });
    } catch (err) {
      this.log.warning(`could not answer to ${replyTo}: ${errorText(err)}`);
    }
  }

  private async refuse(
    replyTo: string | undefined,
    request: string,
    reason: string,
  ): Promise<void> {
    this.log.warning(`refused ${request}: ${reason}`, this.extra());
    await this.reply(replyTo, { request, accepted: false, reason });
  }

  private buildParams(req: RunWorkflow): { params: DaqParams; notes: string[] } {
    const notes: string[] = [];
    const preset = req.config ? DAQ_CONFIG_PRESETS[req.config] : {};
    if (req.config && !preset) {
      notes.push(
        `unknown config "${req.config}" (known: ${Object.keys(DAQ_CONFIG_PRESETS).join(', ')}); using the base values`,
      );
    }
    const fromToml = (this.settings.testbedConfig?.daq_state_machine ?? {}) as Record<
      string,
      unknown
    >;
    const known = DAQ_PARAM_KEYS as string[];
    const unknown = Object.keys(req.params).filter((k) => !known.includes(k));
    if (unknown.length > 0) {
      const hint = unknown.includes('namespace')
        ? '; namespace belongs in the message, not in params'
        : '';
      throw new Error(
        `unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} (known: ${known.join(', ')})${hint}`,
      );
    }
    const merged: Record<string, unknown> = { ...(preset ?? {}) };
    for (const source of [fromToml, req.params])
      for (const [k, v] of Object.entries(source)) if (known.includes(k)) merged[k] = v;
    return { params: daqParamsSchema.parse(merged), notes };
  }

  private async handleRun(msg: IncomingMessage, replyTo: string | undefined): Promise<void> {
    const parsed = runWorkflowSchema.safeParse(msg.data);
    if (!parsed.success) {
      return this.refuse(
        replyTo,
        'run_workflow',
        `invalid run_workflow: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    const req = parsed.data;
    // The request itself is checked first: a bad one is refused for what is wrong with it.
    if (!SUPPORTED_WORKFLOWS.includes(req.workflow_name)) {
      return this.refuse(
        replyTo,
        'run_workflow',
        `unknown workflow "${req.workflow_name}" (this simulator runs: ${SUPPORTED_WORKFLOWS.join(', ')})`,
      );
    }
    let built: { params: DaqParams; notes: string[] };
    try {
      built = this.buildParams(req);
    } catch (err) {
      return this.refuse(replyTo, 'run_workflow', `invalid parameters: ${errorText(err)}`);
    }
    if (this.running) {
      const r = this.running;
      return this.refuse(
        replyTo,
        'run_workflow',
        `execution ${r.executionId ?? '(starting)'} (run ${r.runNumber ?? '?'}, ${r.stfCount} STFs so far) is still running; send stop_workflow first`,
      );
    }
    for (const note of built.notes) this.log.warning(`run_workflow: ${note}`);
    // Claimed before the first await, so a second run_workflow handled concurrently is refused.
    const exec: Execution = { stop: false, stfCount: 0, done: Promise.resolve() };
    this.running = exec;
    const release = this.hold();
    exec.done = this.execute(exec, req, built.params, replyTo).finally(() => {
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
      return this.reply(replyTo, {
        request: 'stop_workflow',
        accepted: false,
        reason: 'nothing is running',
      });
    }
    if (wanted && r.executionId && wanted !== r.executionId) {
      this.log.info(`stop_workflow for ${wanted} ignored: running ${r.executionId}`);
      return this.reply(replyTo, {
        request: 'stop_workflow',
        accepted: false,
        reason: `running ${r.executionId}, not ${wanted}`,
      });
    }
    this.log.info(`stop_workflow: stopping ${r.executionId ?? '(starting)'}`, this.extra());
    r.stop = true;
    r.wake?.();
    await this.reply(replyTo, {
      request: 'stop_workflow',
      accepted: true,
      execution_id: r.executionId ?? null,
    });
  }

  private async workflowDefinitionId(params: DaqParams): Promise<number | null> {
    try {
      const list = (
        await this.api.request(
          'GET',
          `/workflow-definitions/?workflow_name=stf_datataking&version=${WORKFLOW_VERSION}`,
          undefined,
          { retry404: false },
        )
      ).body;
      const found = Array.isArray(list) ? (list[0] as { id?: number } | undefined) : undefined;
      if (found?.id !== undefined) return found.id;
      const created = await this.apiJson('POST', '/workflow-definitions/', {
        workflow_name: 'stf_datataking',
        version: WORKFLOW_VERSION,
        workflow_type: 'simulation',
        definition:
          'swf-control-center agents/daqsim.ts (TypeScript port of workflows/stf_datataking.py)',
        parameter_values: params,
        created_by: this.settings.user,
      });
      return typeof created.id === 'number' ? created.id : null;
    } catch (err) {
      this.log.warning(`workflow definition not recorded: ${errorText(err)}`);
      return null;
    }
  }

  private async execute(
    exec: Execution,
    req: RunWorkflow,
    params: DaqParams,
    replyTo: string | undefined,
  ) {
    const ns = this.settings.namespace;
    let executionId: string;
    let runNumber: number;
    try {
      const seq = (await this.apiJson('POST', '/state/next-workflow-execution-id/')).sequence;
      if (typeof seq !== 'number')
        throw new Error(`next-workflow-execution-id answered no sequence`);
      executionId = `${req.workflow_name}-${this.settings.user}-${String(seq).padStart(4, '0')}`;
      exec.executionId = executionId;
      this.currentExecutionId = executionId;
      await this.api
        .request(
          'POST',
          '/namespaces/ensure/',
          { name: ns, owner: this.settings.user },
          { delaysMs: [] },
        )
        .catch((err: unknown) => this.log.warning(`namespace ensure failed: ${errorText(err)}`));
      const definition = await this.workflowDefinitionId(params);
      await this.apiJson('POST', '/workflow-executions/', {
        execution_id: executionId,
        workflow_definition: definition,
        namespace: ns,
        status: 'running',
        executed_by: this.name,
        start_time: new Date().toISOString(),
        parameter_values: {
          ...params,
          realtime: req.realtime,
          duration: req.duration,
          config: req.config ?? null,
          workflow_name: req.workflow_name,
        },
      });
      const rn = (await this.apiJson('POST', '/state/next-run-number/')).run_number;
      if (typeof rn !== 'number') throw new Error('next-run-number answered no run_number');
      runNumber = rn;
      exec.runNumber = rn;
      this.currentRunId = rn;
    } catch (err) {
      const reason = `could not prepare the execution with the monitor: ${errorText(err)}`;
      this.log.error(`Workflow failed: ${reason}`, this.extra());
      if (exec.executionId)
        await this.finishExecution(exec.executionId, 'failed', {
          error: reason,
          stf_files_generated: 0,
        });
      await this.reply(replyTo, {
        request: 'run_workflow',
        accepted: false,
        reason,
        execution_id: exec.executionId ?? null,
      });
      return;
    }
    await this.api
      .request(
        'POST',
        '/run-states/',
        {
          run_number: String(runNumber),
          phase: 'initializing',
          state: 'imminent',
          substate: 'preparing',
          metadata: { execution_id: executionId },
        },
        { delaysMs: [] },
      )
      .catch((err: unknown) => this.log.warning(`run-state row not created: ${errorText(err)}`));
    this.log.info(
      `Workflow started: ${req.workflow_name} (execution: ${executionId}, run ${runNumber}, ${req.realtime ? 'real time' : 'fast'}, ${params.stf_count !== null ? `${params.stf_count} STFs x ${params.physics_period_count} period(s)` : `${params.physics_period_count || 'endless'} period(s) of ${params.physics_period_duration} s`})`,
      this.extra(),
    );
    await this.reply(replyTo, {
      request: 'run_workflow',
      accepted: true,
      execution_id: executionId,
      run_id: runNumber,
    });

    const t0 = Date.now();
    const emit = async (ev: DaqEvent) => {
      const body: Record<string, unknown> = {
        msg_type: ev.msg_type,
        execution_id: executionId,
        run_id: runNumber,
        timestamp: localIsoNow(),
        simulation_tick: ev.tickMs / 1000,
      };
      if (ev.state) body.state = ev.state;
      if (ev.substate) body.substate = ev.substate;
      if (ev.reason) body.reason = ev.reason;
      if (ev.msg_type === 'stf_gen') {
        body.filename = stfFilename(runNumber, ev.sequence!);
        body.sequence = ev.sequence;
        if (params.stf_size_bytes !== null) body.size_bytes = params.stf_size_bytes;
        if (params.tf_count !== null) body.tf_count = params.tf_count;
        exec.stfCount = ev.sequence!;
      }
      if (ev.msg_type === 'end_run') {
        body.total_stf_files = ev.total_stf_files;
        body.total_files = ev.total_stf_files; // 2025 readers (reference §5.2 #2)
      }
      if (ev.msg_type === 'run_imminent') body.dataset = `swf.${runNumber}.run`;
      if (ev.msg_type === 'stf_gen') {
        // STFs are pipelined (a window of unconfirmed publishes) so the simulator is not bound by
        // one broker round trip per STF; everything else waits until all before it are confirmed.
        await this.pipeline.push(() => this.sendMessage(WORKFLOW_TOPIC, body));
        return;
      }
      await this.pipeline.drain();
      await this.sendMessage(WORKFLOW_TOPIC, body);
      this.log.info(`published ${ev.msg_type} at t=${ev.tickMs / 1000}`, this.extra());
    };
    const waitUntil = (tickMs: number): Promise<void> => {
      if (!req.realtime || exec.stop) return Promise.resolve();
      const delay = t0 + tickMs - Date.now(); // non-strict real time: late steps do not sleep
      if (delay <= 0) return Promise.resolve();
      return new Promise((resolve) => {
        const t = setTimeout(done, delay);
        function done() {
          clearTimeout(t);
          exec.wake = undefined;
          resolve();
        }
        exec.wake = done;
      });
    };
    try {
      const result = await runDaqSchedule(
        params,
        { emit, waitUntil, stopped: () => exec.stop },
        req.duration,
      );
      const status = result.stopped ? 'terminated' : 'completed';
      await this.finishExecution(executionId, status, {
        stf_files_generated: result.stfCount,
        simulated_seconds: result.endTickMs / 1000,
        wall_seconds: (Date.now() - t0) / 1000,
      });
      this.log.info(
        `Workflow ${result.stopped ? 'terminated' : 'completed'}: ${req.workflow_name} (execution: ${executionId}, run ${runNumber}, ${result.stfCount} STFs)`,
        this.extra(),
      );
    } catch (err) {
      const reason = errorText(err);
      this.log.error(
        `Workflow failed: ${req.workflow_name} (execution: ${executionId}): ${reason}`,
        this.extra(),
      );
      await this.finishExecution(executionId, 'failed', {
        error: reason,
        stf_files_generated: exec.stfCount,
      });
    }
  }

  private async finishExecution(
    executionId: string,
    status: string,
    metrics: Record<string, unknown>,
  ) {
    try {
      await this.apiJson('PATCH', `/workflow-executions/${encodeURIComponent(executionId)}/`, {
        status,
        end_time: new Date().toISOString(),
        performance_metrics: metrics,
      });
    } catch (err) {
      this.log.error(
        `could not mark execution ${executionId} ${status}: ${errorText(err)}`,
        this.extra(),
      );
    }
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

import {
  type RunWorkflow,
  stfFilename,
  WORKFLOW_TOPIC,
} from '../../src/shared/workflow-messages.js';
import type { BaseAgent } from '../base-agent.js';
import { type DaqEvent, runDaqSchedule } from '../lib/daq-schedule.js';
import type { PublishWindow } from '../lib/publish-window.js';
import { errorText, localIsoNow } from '../lib/settings.js';
import { reply } from './control.js';
import { PromptOutput } from './prompt-output.js';
import type { ResolvedWorkflow } from './workflow-config.js';

/** One accepted run_workflow, from taking its IDs to its end. */
export interface Execution {
  executionId?: string;
  runNumber?: number;
  stop: boolean;
  stfCount: number;
  wake?: () => void;
  done: Promise<void>;
}

/**
 * Runs one execution as the testbed's workflow runner does: an execution ID and a run number from
 * the monitor, the execution and run-state rows, then the DAQ schedule publishing the run
 * lifecycle and one `stf_gen` per STF, and finally the execution PATCHed completed, terminated
 * (stop_workflow) or failed (with the reason in `performance_metrics.error`).
 */
export async function executeRun(
  agent: BaseAgent,
  pipeline: PublishWindow,
  exec: Execution,
  req: RunWorkflow,
  resolved: ResolvedWorkflow,
  replyTo: string | undefined,
) {
  const params = resolved.params;
  const ns = agent.settings.namespace;
  let executionId: string;
  let runNumber: number;
  let output: PromptOutput | undefined;
  try {
    const seq = (await agent.apiJson('POST', '/state/next-workflow-execution-id/')).sequence;
    if (typeof seq !== 'number') throw new Error(`next-workflow-execution-id answered no sequence`);
    executionId = `${req.workflow_name}-${agent.settings.user}-${String(seq).padStart(4, '0')}`;
    exec.executionId = executionId;
    agent.currentExecutionId = executionId;
    await agent.api
      .request(
        'POST',
        '/namespaces/ensure/',
        { name: ns, owner: agent.settings.user },
        { delaysMs: [] },
      )
      .catch((err: unknown) => agent.log.warning(`namespace ensure failed: ${errorText(err)}`));
    const definition = await workflowDefinitionId(agent, resolved);
    await agent.apiJson('POST', '/workflow-executions/', {
      execution_id: executionId,
      workflow_definition: definition,
      namespace: ns,
      status: 'running',
      executed_by: agent.name,
      start_time: new Date().toISOString(),
      // The resolved config, section by section, as the testbed runner records it.
      parameter_values: {
        ...resolved.config,
        realtime: req.realtime,
        duration: req.duration,
        config: req.config ?? null,
        workflow_name: req.workflow_name,
      },
    });
    const rn = (await agent.apiJson('POST', '/state/next-run-number/')).run_number;
    if (typeof rn !== 'number') throw new Error('next-run-number answered no run_number');
    runNumber = rn;
    exec.runNumber = rn;
    agent.currentRunId = rn;
    if (req.workflow_name === 'prompt_processing') {
      output = new PromptOutput(rn, resolved.config);
      await output.prepare();
      agent.log.info(`Prompt processing output: ${output.folder}`, agent.extra());
    }
  } catch (err) {
    const reason = `could not prepare the execution with the monitor: ${errorText(err)}`;
    agent.log.error(`Workflow failed: ${reason}`, agent.extra());
    if (exec.executionId)
      await finishExecution(agent, exec.executionId, 'failed', {
        error: reason,
        stf_files_generated: 0,
      });
    await reply(agent, replyTo, {
      request: 'run_workflow',
      accepted: false,
      reason,
      execution_id: exec.executionId ?? null,
    });
    return;
  }
  const fp = { ...resolved.config.daq_state_machine, ...resolved.config.fast_processing };
  await agent.api
    .request(
      'POST',
      '/run-states/',
      {
        run_number: String(runNumber),
        phase: 'initializing',
        state: 'imminent',
        substate: 'preparing',
        // The fast-processing figures the runner copies from the config's sections.
        target_worker_count: fp.target_worker_count ?? 0,
        active_worker_count: 0,
        state_changed_at: new Date().toISOString(),
        metadata: {
          execution_id: executionId,
          stf_sampling_rate: fp.stf_sampling_rate ?? null,
          slices_per_sample: fp.slices_per_sample ?? null,
        },
      },
      { delaysMs: [] },
    )
    .catch((err: unknown) => agent.log.warning(`run-state row not created: ${errorText(err)}`));
  agent.log.info(
    `Workflow started: ${req.workflow_name} (execution: ${executionId}, run ${runNumber}, ${req.realtime ? 'real time' : 'fast'}, ${params.stf_count ? `${params.stf_count} STFs x ${params.physics_period_count} period(s)` : `${params.physics_period_count || 'endless'} period(s) of ${params.physics_period_duration} s`})`,
    agent.extra(),
  );
  await reply(agent, replyTo, {
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
      body.total_files = ev.total_stf_files; // 2025 readers look for this spelling
    }
    if (ev.msg_type === 'run_imminent') {
      body.dataset = `swf.${runNumber}.run`;
      if (output) body.container = output.container;
    }
    if (ev.msg_type === 'stf_gen') {
      if (output) await output.write(body.filename as string, body);
      // STFs are pipelined (a window of unconfirmed publishes) so the simulator is not bound by
      // one broker round trip per STF; everything else waits until all before it are confirmed.
      await pipeline.push(() => agent.sendMessage(WORKFLOW_TOPIC, body));
      return;
    }
    await pipeline.drain();
    await agent.sendMessage(WORKFLOW_TOPIC, body);
    agent.log.info(`published ${ev.msg_type} at t=${ev.tickMs / 1000}`, agent.extra());
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
    await finishExecution(agent, executionId, status, {
      stf_files_generated: result.stfCount,
      simulated_seconds: result.endTickMs / 1000,
      wall_seconds: (Date.now() - t0) / 1000,
    });
    agent.log.info(
      `Workflow ${result.stopped ? 'terminated' : 'completed'}: ${req.workflow_name} (execution: ${executionId}, run ${runNumber}, ${result.stfCount} STFs)`,
      agent.extra(),
    );
  } catch (err) {
    const reason = errorText(err);
    agent.log.error(
      `Workflow failed: ${req.workflow_name} (execution: ${executionId}): ${reason}`,
      agent.extra(),
    );
    await finishExecution(agent, executionId, 'failed', {
      error: reason,
      stf_files_generated: exec.stfCount,
    });
  }
}
/** The definition row for the config's `[workflow]` name and version, made on first use. */
async function workflowDefinitionId(
  agent: BaseAgent,
  resolved: ResolvedWorkflow,
): Promise<number | null> {
  const wf = resolved.config.workflow ?? {};
  const name = typeof wf.name === 'string' ? wf.name : 'stf_datataking';
  const version = typeof wf.version === 'string' ? wf.version : '1.0';
  try {
    const query = new URLSearchParams({ workflow_name: name, version });
    const list = (
      await agent.api.request('GET', `/workflow-definitions/?${query}`, undefined, {
        retry404: false,
      })
    ).body;
    const found = Array.isArray(list) ? (list[0] as { id?: number } | undefined) : undefined;
    if (found?.id !== undefined) return found.id;
    const created = await agent.apiJson('POST', '/workflow-definitions/', {
      workflow_name: name,
      version,
      workflow_type: 'simulation',
      definition: `swf-control-center agents/daqsim.ts (${resolved.configFile})`,
      parameter_values: resolved.config,
      created_by: agent.settings.user,
    });
    return typeof created.id === 'number' ? created.id : null;
  } catch (err) {
    agent.log.warning(`workflow definition not recorded: ${errorText(err)}`);
    return null;
  }
}
async function finishExecution(
  agent: BaseAgent,
  executionId: string,
  status: string,
  metrics: Record<string, unknown>,
) {
  try {
    await agent.apiJson('PATCH', `/workflow-executions/${encodeURIComponent(executionId)}/`, {
      status,
      end_time: new Date().toISOString(),
      performance_metrics: metrics,
    });
  } catch (err) {
    agent.log.error(
      `could not mark execution ${executionId} ${status}: ${errorText(err)}`,
      agent.extra(),
    );
  }
}

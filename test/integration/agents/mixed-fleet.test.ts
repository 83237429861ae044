import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_WORKFLOW_CONFIGS } from '../../../agents/daqsim/builtin-configs.js';
import type { DeliveredMessage } from '../../../src/main/core/broker/delivered-message.js';
import type { RunProgress } from '../../../src/shared/workflow-messages.js';
import {
  type AgentName,
  type AgentProcess,
  agentEnv,
  ensureAgentsBuilt,
  spawnAgent,
  spawnCommand,
  stopAgent,
} from '../../helpers/agent-fleet.js';
import { ROOT } from '../../helpers/cli-process.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

const PY = '/usr/bin/python3';
const fixture = (name: string) => join(ROOT, 'test/fixtures/python', name);

/**
 * Mixed fleets on the core and its embedded broker: the testbed's runner (a Python stand-in that
 * behaves as it does) with our stages, and our simulator with the testbed's data agent (Python,
 * stf_ready on the topic and, as the example processing agent expects, on /queue/processing_agent)
 * ahead of our processing agent, which takes both and processes each STF once.
 */
describe('mixed fleets: the original runner with our agents, our simulator with the original data agent', () => {
  let tc: TestCore;
  const dir = tempDir('swf-mixed-fleet-');
  const seen: Record<string, unknown>[] = [];
  const ended: RunProgress[] = [];
  let env: NodeJS.ProcessEnv;
  let running: AgentProcess[] = [];

  beforeAll(async () => {
    ensureAgentsBuilt();
    tc = await startTestCore();
    const broker = tc.core.broker!;
    broker.observe((m: DeliveredMessage) => {
      const body = JSON.parse(m.body.toString()) as Record<string, unknown>;
      seen.push({ ...body, _destination: m.destination });
    });
    tc.core.bus.on('run.progress', (p) => {
      if (p.state === 'ended') ended.push(p);
    });
    // The same workflow configs for both runners, as a testbed checkout's workflows/ folder.
    for (const [file, config] of Object.entries(BUILTIN_WORKFLOW_CONFIGS))
      writeFileSync(join(dir.path, file), stringify(config));
    const { login, passcode } = tc.core.brokerCredentials;
    env = agentEnv(
      tc,
      { host: '127.0.0.1', port: broker.port },
      {
        ACTIVEMQ_USER: login,
        ACTIVEMQ_PASSWORD: passcode,
        SWF_DATA_DIR: join(dir.path, 'stf'),
        SWF_WORKFLOWS_DIR: dir.path,
        SWF_RUN_SETTLE_MS: '3000',
      },
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.all(running.map((a) => stopAgent(a, 'SIGKILL')));
    await tc?.close();
    dir.remove();
  });

  async function startFleet(ours: AgentName[], python: [string, string, NodeJS.ProcessEnv?][]) {
    await Promise.all(running.map((a) => stopAgent(a)));
    running = [
      ...ours.map((n) => spawnAgent(n, env)),
      ...python.map(([name, file, extra]) =>
        spawnCommand(name, PY, [fixture(file)], { ...env, ...extra }),
      ),
    ];
    const pids = new Set(running.map((a) => a.child.pid));
    await waitFor(
      `${running.length} agents READY`,
      async () => {
        const rows = (await (await tc.api('/api/systemagents/')).json()) as {
          operational_state: string;
          pid: number;
        }[];
        return (
          rows.filter((r) => pids.has(r.pid) && r.operational_state === 'READY').length ===
          running.length
        );
      },
      60_000,
      100,
    );
  }

  async function runToTheEnd(
    stfCount: number,
    command: Record<string, unknown> = {
      workflow_name: 'stf_datataking',
      config: 'fast_processing_default',
      params: { stf_count: stfCount },
    },
  ) {
    const before = ended.length;
    await tc.core.broker!.send(
      '/queue/workflow_control',
      JSON.stringify({
        msg_type: 'run_workflow',
        namespace: 'test-ns',
        realtime: false,
        ...command,
      }),
    );
    return waitFor(
      `a run with ${stfCount} STFs at every stage`,
      () => {
        const p = ended.slice(before).at(-1);
        return p && p.stf.processed === stfCount && p.stf.fastmon === stfCount ? p : undefined;
      },
      120_000,
    );
  }

  const ofRun = (run: number, type: string) =>
    seen.filter((m) => m.msg_type === type && Number(m.run_id) === run);
  const DAQ = new Set([
    'run_imminent',
    'start_run',
    'pause_run',
    'resume_run',
    'stf_gen',
    'end_run',
  ]);
  /** What the DAQ side published for a run: type, simulated time (to the µs), STF sequence. */
  const daqSequence = (run: number) =>
    seen
      .filter((m) => DAQ.has(String(m.msg_type)) && Number(m.run_id) === run)
      .map((m) => [
        m.msg_type,
        Math.round(Number(m.simulation_tick) * 1e6) / 1e6,
        m.sequence ?? null,
      ]);
  let runnerSequence: unknown[] = [];

  it('the testbed runner drives our data, processing and fastmon agents through a whole run', async () => {
    await startFleet(['data', 'processing', 'fastmon'], [['runner', 'workflow_runner.py']]);
    const progress = await runToTheEnd(6);
    expect(progress.stf).toEqual({ generated: 6, ready: 6, processed: 6, fastmon: 6 });
    const run = progress.runNumber;
    expect(ofRun(run, 'stf_gen').map((m) => m.sender)).toEqual(
      Array(6).fill(expect.stringMatching(/^daq_simulator-agent-/)),
    );
    expect(ofRun(run, 'end_run')).toEqual([expect.objectContaining({ total_stf_files: 6 })]);
    runnerSequence = daqSequence(run);
    await waitFor('7 TF samples per STF', () => ofRun(run, 'tf_file_registered').length === 42);
    const exec = await waitFor('the runner completed its execution', async () => {
      const e = (await (
        await tc.api(`/api/workflow-executions/${String(progress.executionId)}/`)
      ).json()) as { status: string; parameter_values: Record<string, unknown> };
      return e.status === 'completed' && e;
    });
    expect(exec.parameter_values.fast_processing).toMatchObject({ stf_count: 6 });
  }, 180_000);

  it('our simulator with the original data agent on both destinations: each STF processed once', async () => {
    await startFleet(
      ['daqsim', 'processing', 'fastmon'],
      [['python-data', 'example_data_agent.py', { STF_READY_ALSO_TO: '/queue/processing_agent' }]],
    );
    const progress = await runToTheEnd(6);
    expect(progress.stf).toEqual({ generated: 6, ready: 6, processed: 6, fastmon: 6 });
    const run = progress.runNumber;
    // The same command as the testbed runner got: the same messages at the same simulated times.
    expect(runnerSequence).toHaveLength(9);
    expect(daqSequence(run)).toEqual(runnerSequence);
    // The run state carries the config's fast-processing figures, as the runner writes them.
    const state = (await (await tc.api(`/api/run-states/${run}/`)).json()) as {
      target_worker_count: number;
      metadata: Record<string, unknown>;
    };
    expect(state.target_worker_count).toBe(30);
    expect(state.metadata).toMatchObject({ stf_sampling_rate: 1, slices_per_sample: 15 });
    const ready = ofRun(run, 'stf_ready');
    expect(ready.filter((m) => m._destination === '/queue/processing_agent')).toHaveLength(6);
    expect(ready.filter((m) => m._destination === '/topic/epictopic')).toHaveLength(6);
    // The processing agent's end-of-run account comes after its settle time: by then a second
    // copy of any STF has long arrived, and none was processed twice.
    await waitFor(
      'processing reports all 5 STFs handled',
      async () => {
        const rows = (await (
          await tc.api(`/api/logs/?execution_id=${String(progress.executionId)}`)
        ).json()) as { message: string; instance_name?: string }[];
        return rows.some(
          (r) => /all 6 STFs handled/.test(r.message) && /processing/.test(String(r.instance_name)),
        );
      },
      30_000,
    );
    const done = ofRun(run, 'processing_complete');
    expect(done).toHaveLength(6);
    expect(new Set(done.map((m) => m.filename)).size).toBe(6);
  }, 180_000);

  it('our simulator runs prompt_processing as the testbed does: STF files in <container>/swf.<run>.run', async () => {
    const progress = await runToTheEnd(3, {
      workflow_name: 'prompt_processing',
      config: 'prompt_processing',
    });
    const run = progress.runNumber;
    const container = join(dir.path, 'stf');
    expect(ofRun(run, 'run_imminent')).toEqual([
      expect.objectContaining({ dataset: `swf.${run}.run`, container }),
    ]);
    const gens = ofRun(run, 'stf_gen');
    expect(gens.map((m) => m.filename)).toEqual(
      [1, 2, 3].map((i) => `swf.${run}.${String(i).padStart(6, '0')}.stf`),
    );
    for (const m of gens) {
      const file = JSON.parse(
        readFileSync(join(container, `swf.${run}.run`, String(m.filename)), 'utf8'),
      ) as Record<string, unknown>;
      expect(file).toMatchObject({ msg_type: 'stf_gen', run_id: run, sequence: m.sequence });
    }
    expect(daqSequence(run)).toEqual([
      ['run_imminent', 5, null],
      ['start_run', 13.1, null],
      ['stf_gen', 14.2, 1],
      ['stf_gen', 16.4, 2],
      ['stf_gen', 18.6, 3],
      ['end_run', 18.8, null],
    ]);
    const exec = (await (
      await tc.api(`/api/workflow-executions/${String(progress.executionId)}/`)
    ).json()) as { execution_id: string; parameter_values: Record<string, unknown> };
    expect(exec.execution_id).toMatch(/^prompt_processing-/);
    expect(exec.parameter_values.simulation).toMatchObject({ stf_count: 3 });
  }, 180_000);
});

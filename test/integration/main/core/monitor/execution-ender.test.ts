import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAgentsBuilt } from '../../../../helpers/agent-fleet.js';
import { type CoreProcess, spawnCore } from '../../../../helpers/cli-process.js';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';
import { connectClient } from '../../../../helpers/stomp-clients.js';
import { tempDir } from '../../../../helpers/temp-dir.js';
import { waitFor } from '../../../../helpers/wait-for.js';

type Row = Record<string, unknown>;

/**
 * A core killed mid-run (SIGKILL: no shutdown of any kind) leaves its execution `running` in the
 * database and its DAQ simulator dies with it. The next core must end that execution with the
 * reason and give its run an end time; nothing stays `running` forever.
 */
describe('an execution running when the core was killed', () => {
  const dir = tempDir('swf-exec-ender-');
  const dataDir = join(dir.path, 'core');
  let core: CoreProcess | undefined;
  afterAll(async () => {
    if (core && core.child.exitCode === null && core.child.signalCode === null) {
      core.child.kill('SIGTERM');
      await core.exited;
    }
    dir.remove();
  });

  const api = async <T>(path: string, dataDirOf = dataDir): Promise<T> => {
    const token = readFileSync(join(dataDirOf, 'token'), 'utf8').trim();
    const res = await fetch(new URL(path, core!.url), {
      headers: { authorization: `Token ${token}` },
    });
    return (await res.json()) as T;
  };

  /** Starts the default fleet in `dataDir` and a long real-time run; resolves once it runs. */
  async function startLongRun(dataDirOf: string) {
    ensureAgentsBuilt();
    const args = ['--port', '0', '--broker-port', '0', '--data-dir', dataDirOf];
    // The default fleet: the core supervises the real DAQ simulator and the stage agents.
    core = await spawnCore(args, { SWF_CC_NO_DEFAULT_FLEET: '0' });
    const daq = await waitFor(
      'the DAQ simulator READY',
      async () =>
        (await api<Row[]>('/api/systemagents/', dataDirOf)).find(
          (a) =>
            String(a.agent_type).toLowerCase().includes('daq') && a.operational_state === 'READY',
        ),
      60_000,
      100,
    );
    const status = await api<{ namespace: string; broker: { detail: string } }>(
      '/api/cc/status/',
      dataDirOf,
    );
    const stomp = await connectClient('stompit', {
      port: Number(status.broker.detail.split(':').pop()),
      login: 'swf',
      passcode: readFileSync(join(dataDirOf, 'broker-passcode'), 'utf8').trim(),
    });
    await stomp.send(
      '/queue/workflow_control',
      JSON.stringify({
        msg_type: 'run_workflow',
        namespace: status.namespace,
        workflow_name: 'stf_datataking',
        realtime: true,
        // Long enough that only a kill can end it.
        params: {
          stf_count: 500,
          physics_period_count: 1,
          no_beam_not_ready_delay: 0,
          beam_not_ready_delay: 0,
          beam_ready_delay: 0,
          broadcast_delay: 0,
          beam_not_ready_end_delay: 0,
          stf_interval: 0.5,
        },
      }),
    );
    await stomp.disconnect();
    const running = await waitFor(
      'the execution running with its run started',
      async () => {
        const execs = await api<Row[]>('/api/workflow-executions/?status=running', dataDirOf);
        const runs = await api<Row[]>('/api/runs/', dataDirOf);
        return (
          execs.length === 1 && runs.some((r) => r.start_time) && { exec: execs[0]!, run: runs[0]! }
        );
      },
      60_000,
      100,
    );
    expect(running.run.end_time).toBeNull();
    return { args, daq, ...running };
  }

  async function expectEnded(
    dataDirOf: string,
    running: { exec: Row; run: Row },
    statuses: string[],
    reason: RegExp,
  ) {
    const execId = encodeURIComponent(String(running.exec.execution_id));
    const ended = await waitFor(
      'the execution ended',
      async () => {
        const e = await api<Row>(`/api/workflow-executions/${execId}/`, dataDirOf);
        return e.status !== 'running' && e;
      },
      60_000,
      100,
    );
    expect(statuses).toContain(ended.status);
    expect(ended.end_time).toBeTruthy();
    const error = (ended.performance_metrics as Row).error;
    expect(error).toMatch(reason);
    const run = await api<Row>(`/api/runs/${String(running.run.run_id)}/`, dataDirOf);
    expect(run.end_time).toBeTruthy();
    const state = await api<Row>(`/api/run-states/${String(running.run.run_number)}/`, dataDirOf);
    expect(state).toMatchObject({ state: 'ended', phase: 'completed' });
    expect((state.metadata as Row).end_reason).toBe(error);
  }

  it(
    'is ended with the reason when the core starts again, and its run gets end_time',
    { timeout: 120_000 },
    async () => {
      const running = await startLongRun(dataDir);
      core!.child.kill('SIGKILL');
      await core!.exited;
      core = await spawnCore(running.args);
      await expectEnded(
        dataDir,
        running,
        ['terminated', 'failed'],
        /stopped while it ran|no longer running|exited|heartbeat/,
      );
    },
  );

  it(
    'is failed with the reason when its DAQ simulator dies while the core runs',
    { timeout: 120_000 },
    async () => {
      core!.child.kill('SIGTERM');
      await core!.exited;
      const other = join(dir.path, 'core2');
      const running = await startLongRun(other);
      process.kill(running.daq.pid as number, 'SIGKILL');
      await expectEnded(other, running, ['failed'], /no longer running/);
    },
  );
});

describe('which running executions are ended, in a running core', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await startTestCore({
      liveness: { aliveSeconds: 1, exitedAfterSeconds: 60, sweepSeconds: 0.2 },
    });
  });
  afterAll(() => t.close());

  const post = (path: string, json: Row) => t.api(path, { method: 'POST', json });
  const heartbeat = (name: string, extra: Row = {}) =>
    post('/api/systemagents/heartbeat/', {
      instance_name: name,
      agent_type: 'DAQ_Simulator',
      pid: process.pid,
      hostname: hostname(),
      operational_state: 'PROCESSING',
      ...extra,
    });
  const execution = async (id: string) =>
    (await (await t.api(`/api/workflow-executions/${id}/`)).json()) as Row;

  it('ends the silent and the exited ones with their reason, and keeps the live one', async () => {
    await heartbeat('daq-live');
    await heartbeat('daq-leaving');
    const now = new Date().toISOString();
    for (const [id, by] of [
      ['e-live', 'daq-live'],
      ['e-leaving', 'daq-leaving'],
      ['e-silent', 'alice'],
    ] as const) {
      const res = await post('/api/workflow-executions/', {
        execution_id: id,
        status: 'running',
        executed_by: by,
        start_time: now,
      });
      expect(res.status).toBe(201);
    }
    // BaseAgent's shutdown heartbeat.
    await heartbeat('daq-leaving', { status: 'EXITED', operational_state: 'EXITED' });

    const [leaving, silent] = await waitFor('both ended', async () => {
      await heartbeat('daq-live');
      const got: [Row, Row] = [await execution('e-leaving'), await execution('e-silent')];
      return got.every((e) => e.status !== 'running') && got;
    });
    expect(leaving).toMatchObject({
      status: 'failed',
      performance_metrics: { error: 'its agent daq-leaving exited' },
    });
    expect(silent.status).toBe('failed');
    expect((silent.performance_metrics as Row).error).toMatch(
      /^no agent alice is known and the execution has been silent since /,
    );
    // The live agent kept heartbeating through several sweeps: its execution still runs.
    expect((await execution('e-live')).status).toBe('running');
  });
});

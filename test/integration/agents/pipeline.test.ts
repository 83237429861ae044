import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AgentName,
  type AgentProcess,
  listAgents,
  type Observer,
  stopAgent,
} from '../../helpers/agent-fleet.js';
import { type AgentSuite, startAgentSuite, testCoreHooks } from '../../helpers/agent-suite.js';
import type { TestCore } from '../../helpers/core.js';
import { waitFor } from '../../helpers/wait-for.js';

const STAGES: AgentName[] = ['daqsim', 'data', 'processing', 'fastmon'];
const TF_PER_STF = 7;

interface HeartbeatRow {
  instance_name: string;
  received_at?: string;
  at?: string;
  operational_state: string;
  status: string;
  source: string;
}

describe('the four TypeScript agents run a whole STF run through the pipeline (ActiveMQ + real core)', () => {
  let suite: AgentSuite<TestCore>;
  let core: TestCore;
  let obs: Observer;
  let agents: Map<string, AgentProcess>;

  beforeAll(async () => {
    suite = await startAgentSuite({
      core: testCoreHooks,
      observe: ['/topic/epictopic', '/topic/swf.heartbeat', '/queue/test.replies'],
      agents: STAGES,
    });
    ({ core, obs, agents } = suite);
  }, 120_000);
  afterAll(() => suite?.close());

  it('registers each agent under its original name, with subscribers and STOMP heartbeats', async () => {
    const rows = await listAgents(core);
    const names = rows.map((r) => r.instance_name).sort();
    expect(names).toEqual(
      [
        'daq_simulator-agent-tester-',
        'data-agent-tester-',
        'fastmon-agent-tester-',
        'stf_processing-agent-tester-',
      ]
        .map((p) => expect.stringMatching(new RegExp(`^${p}\\d+$`)))
        .sort(),
    );
    for (const r of rows) {
      expect(r).toMatchObject({ status: 'OK', namespace: 'test-ns', operational_state: 'READY' });
      expect(r.pid).toBe(
        agents.get(
          (
            {
              DAQ_Simulator: 'daqsim',
              DATA: 'data',
              STF_Processing: 'processing',
              fastmon: 'fastmon',
            } as const
          )[r.agent_type as 'DATA'],
        )!.child.pid,
      );
    }
    const subs = (await (await core.api('/api/subscribers/')).json()) as {
      subscriber_name: string;
    }[];
    expect(subs.map((s) => s.subscriber_name).sort()).toEqual(
      rows
        .flatMap((r) =>
          r.agent_type === 'DAQ_Simulator'
            ? [`${r.instance_name}-/queue/workflow_control`]
            : r.agent_type === 'STF_Processing'
              ? [
                  `${r.instance_name}-/topic/epictopic`,
                  `${r.instance_name}-/queue/processing_agent`,
                ]
              : [`${r.instance_name}-/topic/epictopic`],
        )
        .sort(),
    );
    // The same heartbeat over STOMP, with the REST heartbeat's fields.
    const hb = await waitFor('a STOMP heartbeat from every agent', () => {
      const bodies = obs.seen
        .filter((m) => m.destination === '/topic/swf.heartbeat')
        .map((m) => m.body);
      const from = new Set(bodies.map((b) => b.instance_name));
      return rows.every((r) => from.has(r.instance_name)) && bodies;
    });
    expect(hb.map((b) => b.operational_state)).toContain('READY');
    expect(hb.at(-1)).toMatchObject({
      msg_type: 'heartbeat',
      agent_type: expect.any(String),
      status: 'OK',
      mq_connected: true,
      namespace: 'test-ns',
      operational_state: expect.stringMatching(/^(STARTING|READY|PROCESSING)$/),
      pid: expect.any(Number),
      hostname: expect.any(String),
      description: expect.stringContaining('MQ: connected'),
    });
  });

  it('runs 10 STFs in fast mode: every STF reaches every stage and the core stores them', async () => {
    const started = Date.now();
    await obs.send('/queue/workflow_control', {
      msg_type: 'run_workflow',
      namespace: 'test-ns',
      workflow_name: 'stf_datataking',
      config: 'fast_processing_default',
      realtime: false,
      duration: 0,
      params: { stf_count: 10 },
      timestamp: new Date().toISOString(),
      source: 'test',
      reply_to: '/queue/test.replies',
    });
    const reply = await waitFor('the accept reply', () =>
      obs.of('workflow_control_reply').find((r) => r.request === 'run_workflow'),
    );
    expect(reply).toMatchObject({
      accepted: true,
      execution_id: expect.stringMatching(/^stf_datataking-tester-\d{4}$/),
    });
    const executionId = reply.execution_id as string;
    const runId = reply.run_id as number;

    const endRun = await waitFor(
      'end_run',
      () => obs.of('end_run').find((m) => m.run_id === runId),
      60_000,
    );
    expect(endRun).toMatchObject({
      total_stf_files: 10,
      total_files: 10,
      execution_id: executionId,
      namespace: 'test-ns',
    });
    const total = endRun.total_stf_files as number;
    await waitFor(
      'every tf_file_registered and processing_complete',
      () =>
        obs.of('tf_file_registered').filter((m) => m.run_id === runId).length >=
          total * TF_PER_STF &&
        obs.of('processing_complete').filter((m) => m.run_id === runId).length >= total,
      60_000,
    );

    const ofRun = (t: string) => obs.of(t).filter((m) => m.run_id === runId);
    // The lifecycle in order, state-stamped as the DAQ simulator does (count mode, one period: no pause/resume).
    const lifecycle = obs.seen
      .map((m) => m.body)
      .filter(
        (b) =>
          b.run_id === runId &&
          ['run_imminent', 'start_run', 'end_run'].includes(b.msg_type as string),
      );
    expect(lifecycle.map((b) => [b.msg_type, b.state ?? null, b.substate ?? null])).toEqual([
      ['run_imminent', 'beam', 'not_ready'],
      ['start_run', 'run', 'physics'],
      ['end_run', null, null],
    ]);
    expect(lifecycle.map((b) => b.simulation_tick)).toEqual([5, 13.1, 34.2]);

    const stfGen = ofRun('stf_gen');
    const filenames = stfGen.map((m) => m.filename as string);
    expect(filenames).toEqual(
      Array.from({ length: 10 }, (_, i) => `swf.${runId}.${String(i + 1).padStart(6, '0')}.stf`),
    );
    expect(stfGen.map((m) => m.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const m of stfGen)
      expect(m).toMatchObject({
        state: 'run',
        substate: 'physics',
        execution_id: executionId,
        sender: expect.stringMatching(/^daq_simulator-agent-tester-/),
      });

    const byFile = (t: string, key = 'filename') => new Set(ofRun(t).map((m) => m[key] as string));
    expect([...byFile('stf_ready')].sort()).toEqual([...filenames].sort());
    expect([...byFile('processing_complete')].sort()).toEqual([...filenames].sort());
    expect([...byFile('tf_file_registered', 'stf_filename')].sort()).toEqual([...filenames].sort());
    expect(ofRun('stf_ready')).toHaveLength(total);
    expect(ofRun('processing_complete')).toHaveLength(total);
    expect(ofRun('tf_file_registered')).toHaveLength(total * TF_PER_STF);
    for (const m of ofRun('processing_complete')) expect(m.status).toBe('ok'); // checksum verified
    for (const m of ofRun('stf_ready')) {
      expect(m).toMatchObject({
        size_bytes: 4096,
        checksum: expect.stringMatching(/^ad:\d+$/),
        file_url: expect.stringMatching(/^file:/),
      });
    }

    // What the core stored over REST.
    const stfRows = (await (await core.api(`/api/stf-files/?run_number=${runId}`)).json()) as {
      stf_filename: string;
      status: string;
      checksum: string;
    }[];
    expect(stfRows.map((r) => r.stf_filename).sort()).toEqual([...filenames].sort());
    expect(new Set(stfRows.map((r) => r.status))).toEqual(new Set(['processed']));
    let fastmonRows = 0;
    for (const f of filenames) {
      const rows = (await (await core.api(`/api/fastmon-files/?stf_file=${f}`)).json()) as {
        tf_filename: string;
      }[];
      expect(rows).toHaveLength(TF_PER_STF);
      fastmonRows += rows.length;
    }
    expect(fastmonRows).toBe(total * TF_PER_STF);
    const runs = (await (await core.api(`/api/runs/?run_number=${runId}`)).json()) as {
      end_time: string | null;
    }[];
    expect(runs).toHaveLength(1);

    const exec = await waitFor('execution completed', async () => {
      const e = (await (await core.api(`/api/workflow-executions/${executionId}/`)).json()) as {
        status: string;
        performance_metrics: { stf_files_generated: number } | null;
      };
      return e.status === 'completed' && e;
    });
    expect(exec.performance_metrics?.stf_files_generated).toBe(10);
    expect(runs[0]!.end_time).not.toBeNull();

    // Every stage accounted for the whole run in its log.
    const logs = await waitFor(
      'three "all 10 STFs handled" log records',
      async () => {
        const rows = (await (await core.api(`/api/logs/?execution_id=${executionId}`)).json()) as {
          message: string;
          levelname: string;
        }[];
        const done = rows.filter((r) => /all 10 STFs handled/.test(r.message));
        return done.length === 3 && rows;
      },
      90_000,
    );
    expect(logs.some((l) => /Workflow completed: stf_datataking/.test(l.message))).toBe(true);
    expect(logs.filter((l) => l.levelname === 'ERROR')).toEqual([]);

    // ...and the agents went back to READY: their latest heartbeat in the core says so.
    await waitFor(
      'all four agents READY again after the run',
      async () => {
        const rows = await listAgents(core);
        return (
          rows.length === 4 &&
          rows.every(
            (r) => r.operational_state === 'READY' && Date.parse(r.last_heartbeat!) > started,
          )
        );
      },
      20_000,
    );
    const hbHistory = (await (await core.api('/api/cc/heartbeats/?limit=10000')).json()) as
      HeartbeatRow[] | { items: HeartbeatRow[] };
    const hbRows = Array.isArray(hbHistory) ? hbHistory : hbHistory.items;
    expect(hbRows.some((h) => h.operational_state === 'PROCESSING')).toBe(true);
  }, 120_000);

  it('refuses a second run_workflow while one runs, and stops on stop_workflow with end_run', async () => {
    await obs.send('/queue/workflow_control', {
      msg_type: 'run_workflow',
      namespace: 'test-ns',
      workflow_name: 'stf_datataking',
      realtime: true,
      params: {
        physics_period_count: 0,
        no_beam_not_ready_delay: 0,
        beam_not_ready_delay: 0,
        beam_ready_delay: 0,
        broadcast_delay: 0,
        stf_interval: 0.2,
      },
      reply_to: '/queue/test.replies',
    });
    const replies = () => obs.of('workflow_control_reply');
    const first = await waitFor('accept', () =>
      replies().find(
        (r) =>
          r.request === 'run_workflow' &&
          r.accepted === true &&
          r.execution_id !== undefined &&
          !obs.of('end_run').some((e) => e.execution_id === r.execution_id),
      ),
    );
    const executionId = first.execution_id as string;
    await waitFor(
      'a few stf_gen of the endless run',
      () => obs.of('stf_gen').filter((m) => m.execution_id === executionId).length >= 2,
    );

    await obs.send('/queue/workflow_control', {
      msg_type: 'run_workflow',
      namespace: 'test-ns',
      workflow_name: 'stf_datataking',
      reply_to: '/queue/test.replies',
    });
    const refusal = await waitFor('refusal', () =>
      replies().find((r) => r.request === 'run_workflow' && r.accepted === false),
    );
    expect(refusal.reason).toMatch(
      new RegExp(`execution ${executionId} .* is still running; send stop_workflow first`),
    );

    // `namespace` belongs in the envelope: in params it is refused by name, as is any unknown key.
    await obs.send('/queue/workflow_control', {
      msg_type: 'run_workflow',
      namespace: 'test-ns',
      workflow_name: 'stf_datataking',
      params: { stf_count: 2, namespace: 'test-ns', stf_cuont: 3 },
      reply_to: '/queue/test.replies',
    });
    const badParams = await waitFor('refusal of unknown parameters', () =>
      replies().find((r) => String(r.reason).startsWith('invalid parameters')),
    );
    expect(badParams).toMatchObject({ request: 'run_workflow', accepted: false });
    expect(badParams.reason).toMatch(/unknown parameters "namespace", "stf_cuont" \(known: /);

    // A message for another namespace is dropped (lenient filter: only a different non-empty one).
    await obs.send('/queue/workflow_control', {
      msg_type: 'stop_workflow',
      namespace: 'someone-else',
      reply_to: '/queue/test.replies',
    });
    await obs.send('/queue/workflow_control', {
      msg_type: 'stop_workflow',
      execution_id: executionId,
      reply_to: '/queue/test.replies',
    });
    const stopReplies = await waitFor('stop reply', () => {
      const r = replies().filter((x) => x.request === 'stop_workflow');
      return r.length >= 1 && r;
    });
    expect(stopReplies).toHaveLength(1);
    expect(stopReplies[0]).toMatchObject({ accepted: true, execution_id: executionId });
    const end = await waitFor('end_run after stop', () =>
      obs.of('end_run').find((m) => m.execution_id === executionId),
    );
    const generated = obs.of('stf_gen').filter((m) => m.execution_id === executionId).length;
    expect(end.total_stf_files).toBe(generated);
    const exec = await waitFor('execution terminated', async () => {
      const e = (await (await core.api(`/api/workflow-executions/${executionId}/`)).json()) as {
        status: string;
      };
      return e.status === 'terminated' && e;
    });
    expect(exec.status).toBe('terminated');
  }, 60_000);

  it('each agent sends a final EXITED heartbeat on SIGTERM, SIGINT and SIGQUIT and exits 0', async () => {
    const signals: [AgentName, NodeJS.Signals][] = [
      ['daqsim', 'SIGTERM'],
      ['data', 'SIGINT'],
      ['processing', 'SIGQUIT'],
      ['fastmon', 'SIGTERM'],
    ];
    // Let the stop test's run drain first (agents READY), so shutdown is not mid-work.
    await waitFor(
      'agents idle',
      async () => (await listAgents(core)).every((r) => r.operational_state === 'READY'),
      30_000,
    );
    const results = await Promise.all(signals.map(([n, s]) => stopAgent(agents.get(n)!, s)));
    for (const r of results) expect(r).toEqual({ code: 0, signal: null });
    const rows = await listAgents(core);
    expect(rows.map((r) => [r.status, r.operational_state])).toEqual(
      Array(4).fill(['EXITED', 'EXITED']),
    );
  }, 60_000);
});

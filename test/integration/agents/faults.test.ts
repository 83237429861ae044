import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActiveMq } from '../../helpers/activemq.js';
import {
  type AgentProcess,
  listAgents,
  type Observer,
  spawnAgent,
  stopAgent,
} from '../../helpers/agent-fleet.js';
import { type AgentSuite, startAgentSuite, testCoreHooks } from '../../helpers/agent-suite.js';
import type { TestCore } from '../../helpers/core.js';
import { waitFor } from '../../helpers/wait-for.js';

interface LogRow {
  message: string;
  levelname: string;
  instance_name: string;
}
interface Execution {
  status: string;
  performance_metrics: { error?: string; stf_files_generated?: number } | null;
}

/** "1-4, 7" -> [1,2,3,4,7] */
function parseRanges(text: string): number[] {
  return text.split(',').flatMap((part) => {
    const [a, b] = part.trim().split('-').map(Number);
    return b === undefined ? [a!] : Array.from({ length: b - a! + 1 }, (_, i) => a! + i);
  });
}

/** What a stage said at end_run: the set of sequences it handled. */
function handledFrom(
  logs: LogRow[],
  runId: number,
  stage: string,
  total: number,
): Set<number> | undefined {
  const line = logs.find((l) => l.message.startsWith(`run ${runId} ${stage}:`));
  if (!line) return undefined;
  const all = new Set(Array.from({ length: total }, (_, i) => i + 1));
  if (/all \d+ STFs handled/.test(line.message)) return all;
  for (const kind of ['never arrived', 'failed']) {
    const m = new RegExp(`${kind} \\(sequences ([\\d, -]+)\\)`).exec(line.message);
    if (m) for (const s of parseRanges(m[1]!)) all.delete(s);
  }
  return all;
}

describe('faults: the broker restarts mid-run, an agent is killed mid-run', () => {
  let suite: AgentSuite<TestCore>;
  let amq: ActiveMq;
  let core: TestCore;
  let obs: Observer;
  let agents: Map<string, AgentProcess>;
  let env: NodeJS.ProcessEnv;

  const api = async <T>(path: string) => (await (await core.api(path)).json()) as T;
  const logsOf = (executionId: string) => api<LogRow[]>(`/api/logs/?execution_id=${executionId}`);

  async function startRun(stfCount: number | null, replyTo: string) {
    await obs.send('/queue/workflow_control', {
      msg_type: 'run_workflow',
      namespace: 'test-ns',
      workflow_name: 'stf_datataking',
      realtime: true,
      params: {
        stf_count: stfCount,
        physics_period_count: stfCount === null ? 0 : 1, // null: endless until stop_workflow
        no_beam_not_ready_delay: 0,
        beam_not_ready_delay: 0,
        beam_ready_delay: 0,
        broadcast_delay: 0,
        beam_not_ready_end_delay: 0,
        stf_interval: 0.3,
      },
      reply_to: replyTo,
    });
    const reply = await waitFor('accept', () =>
      obs
        .of('workflow_control_reply')
        .find((r) => r.accepted === true && !seenExecutions.has(r.execution_id as string)),
    );
    seenExecutions.add(reply.execution_id as string);
    return { executionId: reply.execution_id as string, runId: reply.run_id as number };
  }
  const seenExecutions = new Set<string>();

  beforeAll(async () => {
    suite = await startAgentSuite({
      core: testCoreHooks,
      observe: ['/topic/epictopic', '/queue/faults.replies'],
      agents: ['daqsim', 'data', 'processing', 'fastmon'],
      env: { SWF_PUBLISH_DEADLINE_S: '90', SWF_RUN_SETTLE_MS: '8000' },
    });
    ({ amq, core, obs, agents, env } = suite);
  }, 120_000);
  afterAll(() => suite?.close());

  it('broker restarted mid-run: agents reconnect, the simulator waits for them, the run completes with every STF', async () => {
    const total = 30;
    const { executionId, runId } = await startRun(total, '/queue/faults.replies');
    await waitFor(
      'stf_gen #5',
      () => obs.of('stf_gen').some((m) => m.run_id === runId && m.sequence === 5),
      30_000,
    );
    await amq.halt();
    // While the broker is down the agents say so in their heartbeats.
    await waitFor(
      'a WARNING heartbeat (MQ disconnected) from every agent',
      async () => (await listAgents(core)).every((a) => a.status === 'WARNING'),
      20_000,
    );
    await amq.startAgain();

    const exec = await waitFor(
      'the execution to end',
      async () => {
        const e = await api<Execution>(`/api/workflow-executions/${executionId}/`);
        return (e.status === 'completed' || e.status === 'failed') && e;
      },
      150_000,
      250,
    );
    console.log(
      `broker restart: execution ${exec.status} ${JSON.stringify(exec.performance_metrics)}`,
    );
    if (exec.status === 'failed') {
      expect(exec.performance_metrics?.error).toMatch(/could not publish/);
      return;
    }
    expect(exec.performance_metrics?.stf_files_generated).toBe(total);
    // All agents reconnected (heartbeat status OK = MQ connected) and went back to READY.
    await waitFor(
      'agents connected and READY again',
      async () => {
        const rows = await listAgents(core);
        return (
          rows.length === 4 &&
          rows.every((a) => a.status === 'OK' && a.operational_state === 'READY')
        );
      },
      30_000,
    );

    // Each stage reported what it handled; the core's records agree with the data stage's report.
    const logs = await waitFor(
      'the three stage reports',
      async () => {
        const rows = await logsOf(executionId);
        return (
          ['data', 'processing', 'fastmon'].every((s) =>
            rows.some((r) => r.message.startsWith(`run ${runId} ${s}:`)),
          ) && rows
        );
      },
      60_000,
    );
    const data = handledFrom(logs, runId, 'data', total)!;
    const stf = await api<{ metadata: { sequence: number } }[]>(
      `/api/stf-files/?run_number=${runId}`,
    );
    expect(new Set(stf.map((r) => r.metadata.sequence))).toEqual(data);
    const fastmon = handledFrom(logs, runId, 'fastmon', total)!;
    for (const seq of fastmon) {
      const f = `swf.${runId}.${String(seq).padStart(6, '0')}.stf`;
      expect(await api<unknown[]>(`/api/fastmon-files/?stf_file=${f}`)).toHaveLength(7);
    }
    // STFs generated after the restart went through every stage.
    expect(
      data.has(total) &&
        fastmon.has(total) &&
        handledFrom(logs, runId, 'processing', total)!.has(total),
    ).toBe(true);
    for (const l of logs.filter((x) => x.message.startsWith(`run ${runId} `)))
      console.log(`  ${l.levelname} ${l.message}`);
    // The simulator held the run until its peers were back. Topic subscriptions are non-durable
    // (as the originals'), so a message in flight while one agent was still reconnecting can be
    // lost; what matters is that a loss is never silent: each stage's end-of-run report accounts
    // for every STF, and the core's records agree with the data stage's report (checked above).
    expect(
      logs.some((l) => /broker back: holding the run until .*fastmon-agent/.test(l.message)),
    ).toBe(true);
    const processing = handledFrom(logs, runId, 'processing', total)!;
    for (const [stage, handled] of [
      ['data', data],
      ['processing', processing],
      ['fastmon', fastmon],
    ] as const) {
      if (handled.size === total) continue;
      expect(
        logs.some(
          (l) =>
            l.message.startsWith(`run ${runId} ${stage}:`) &&
            /never arrived|failed/.test(l.message),
        ),
        `${stage} handled ${handled.size}/${total} and must say which STFs it lost`,
      ).toBe(true);
    }
    const lossLines = logs.filter(
      (l) => l.levelname === 'ERROR' && l.message.startsWith(`run ${runId}`),
    );
    for (const l of lossLines) expect(l.message).toMatch(/never arrived|failed/);
  }, 240_000);

  it('an agent killed mid-run and restarted: the new one reports what it missed, the others are complete', async () => {
    const { executionId, runId } = await startRun(null, '/queue/faults.replies');
    await waitFor(
      'stf_gen #4',
      () => obs.of('stf_gen').some((m) => m.run_id === runId && m.sequence === 4),
      30_000,
    );
    const old = agents.get('fastmon')!;
    await stopAgent(old, 'SIGKILL');
    const fresh = spawnAgent('fastmon', env);
    agents.set('fastmon', fresh);
    // The endless run goes on until the new fastmon has really joined (it announced a TF sample);
    // then stop_workflow ends it, so end_run reaches the new agent.
    const freshName = await waitFor(
      'the new fastmon agent in the core',
      async () => (await listAgents(core)).find((a) => a.pid === fresh.child.pid)?.instance_name,
      60_000,
    );
    await waitFor(
      'a TF sample from the new fastmon',
      () => obs.of('tf_file_registered').some((m) => m.run_id === runId && m.sender === freshName),
      60_000,
    );
    await obs.send('/queue/workflow_control', {
      msg_type: 'stop_workflow',
      execution_id: executionId,
    });
    const end = await waitFor(
      'end_run',
      () => obs.of('end_run').find((m) => m.run_id === runId),
      30_000,
    );
    const total = end.total_stf_files as number;
    await waitFor(
      'execution terminated',
      async () =>
        (await api<Execution>(`/api/workflow-executions/${executionId}/`)).status === 'terminated',
      60_000,
    );
    const logs = await waitFor(
      'stage reports',
      async () => {
        const rows = await logsOf(executionId);
        return (
          ['data', 'processing', 'fastmon'].every((s) =>
            rows.some((r) => r.message.startsWith(`run ${runId} ${s}:`)),
          ) && rows
        );
      },
      60_000,
    );
    expect(handledFrom(logs, runId, 'data', total)!.size).toBe(total);
    expect(handledFrom(logs, runId, 'processing', total)!.size).toBe(total);
    const line = logs.find((l) => l.message.startsWith(`run ${runId} fastmon:`))!;
    expect(line.levelname).toBe('ERROR');
    expect(line.message).toMatch(/never arrived \(sequences 1-\d+/);
    expect(line.message).toMatch(/joined the run after it started/);
    const fastmon = handledFrom(logs, runId, 'fastmon', total)!;
    expect(fastmon.has(total)).toBe(true);
    for (const seq of fastmon) {
      const f = `swf.${runId}.${String(seq).padStart(6, '0')}.stf`;
      expect(await api<unknown[]>(`/api/fastmon-files/?stf_file=${f}`)).toHaveLength(7);
    }
  }, 120_000);

  it('broker gone for good mid-run: the DAQ simulator marks the execution failed with the reason (no silent hang)', async () => {
    // A DAQ simulator that gives a message up after 3 s (the default is 60 s).
    await stopAgent(agents.get('daqsim')!, 'SIGTERM');
    agents.set('daqsim', spawnAgent('daqsim', { ...env, SWF_PUBLISH_DEADLINE_S: '3' }));
    await waitFor(
      'new DAQ simulator READY',
      async () => {
        const rows = await listAgents(core);
        return rows.some(
          (r) =>
            r.agent_type === 'DAQ_Simulator' &&
            r.operational_state === 'READY' &&
            r.pid === agents.get('daqsim')!.child.pid,
        );
      },
      30_000,
    );
    const { executionId, runId } = await startRun(50, '/queue/faults.replies');
    await waitFor(
      'stf_gen #3',
      () => obs.of('stf_gen').some((m) => m.run_id === runId && m.sequence === 3),
      30_000,
    );
    const stoppedAt = Date.now();
    await amq.halt();
    const exec = await waitFor(
      'execution failed',
      async () => {
        const e = await api<Execution>(`/api/workflow-executions/${executionId}/`);
        return e.status !== 'running' && e;
      },
      30_000,
      200,
    );
    console.log(
      `broker gone: execution ${exec.status} after ${Date.now() - stoppedAt} ms: ${exec.performance_metrics?.error}`,
    );
    expect(exec.status).toBe('failed');
    expect(exec.performance_metrics?.error).toMatch(
      /could not publish stf_gen to \/topic\/epictopic within 3 s/,
    );
    const logs = await logsOf(executionId);
    expect(
      logs.some(
        (l) => l.levelname === 'ERROR' && /Workflow failed: stf_datataking/.test(l.message),
      ),
    ).toBe(true);
    await amq.startAgain(); // for the agents' orderly end in afterAll
  }, 90_000);
});

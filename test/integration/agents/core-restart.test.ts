import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Observer } from '../../helpers/agent-fleet.js';
import { type AgentSuite, startAgentSuite } from '../../helpers/agent-suite.js';
import { waitFor } from '../../helpers/wait-for.js';
import { type CoreProcess, spawnCore } from '../../helpers/cli-process.js';
import { tempDir } from '../../helpers/temp-dir.js';

/**
 * The core restarted while agents run (a new version, a crash): the agents keep their broker
 * connection, retry their REST calls through the gap, and the run completes with every STF
 * recorded by the restarted core on the same port and data folder.
 */
describe('the core restarted mid-run while agents run', () => {
  let suite: AgentSuite<CoreProcess>;
  let core: CoreProcess;
  let port: number;
  let token: string;
  let obs: Observer;
  const dir = tempDir('swf-agents-core-restart-');
  const serveArgs = (p: number) => [
    '--port',
    String(p),
    '--broker-port',
    '0',
    '--data-dir',
    join(dir.path, 'core'),
  ];
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      headers: { authorization: `Token ${token}` },
    });
    return (await res.json()) as T;
  };

  const readToken = () => readFileSync(join(dir.path, 'core', 'token'), 'utf8').trim();

  beforeAll(async () => {
    suite = await startAgentSuite({
      core: {
        start: () => spawnCore(serveArgs(0)),
        link: (c) => ({ url: c.url, token: readToken() }),
        // The test replaces the core; stop whichever one runs last.
        stop: async () => {
          if (core.child.exitCode !== null) return;
          core.child.kill('SIGTERM');
          await core.exited;
        },
      },
      observe: ['/topic/epictopic', '/queue/restart.replies'],
      agents: ['daqsim', 'data', 'processing', 'fastmon'],
      env: {
        SWF_PUBLISH_DEADLINE_S: '90',
        // Long enough to outlast the restart.
        SWF_REST_RETRY_DELAYS: '0.5,1,2,4,8,16',
      },
    });
    ({ core, obs } = suite);
    port = core.port;
    token = readToken();
  }, 120_000);

  afterAll(async () => {
    await suite?.close();
    dir.remove();
  });

  it(
    'completes the run with every STF and every TF sample recorded by the restarted core',
    { timeout: 180_000 },
    async () => {
      const total = 20;
      await obs.send('/queue/workflow_control', {
        msg_type: 'run_workflow',
        namespace: 'test-ns',
        workflow_name: 'stf_datataking',
        realtime: true,
        params: {
          stf_count: total,
          physics_period_count: 1,
          no_beam_not_ready_delay: 0,
          beam_not_ready_delay: 0,
          beam_ready_delay: 0,
          broadcast_delay: 0,
          beam_not_ready_end_delay: 0,
          stf_interval: 0.3,
        },
        reply_to: '/queue/restart.replies',
      });
      const reply = await waitFor(
        'the run accepted',
        () => obs.of('workflow_control_reply').find((r) => r.accepted === true),
        30_000,
      );
      const executionId = reply.execution_id as string;
      const runId = reply.run_id as number;
      await waitFor(
        'stf_gen #4',
        () => obs.of('stf_gen').some((m) => m.run_id === runId && m.sequence === 4),
        30_000,
      );

      core.child.kill('SIGTERM');
      expect(await core.exited).toBe(0);
      core = await spawnCore(serveArgs(port));
      expect(core.port).toBe(port);

      const exec = await waitFor(
        'the execution to complete',
        async () => {
          const e = await api<{ status: string }>(`/api/workflow-executions/${executionId}/`);
          return e.status === 'completed' && e;
        },
        150_000,
        250,
      );
      expect(exec.status).toBe('completed');
      const stfs = await waitFor(
        `${total} STF files registered`,
        async () => {
          const rows = await api<unknown[]>(`/api/stf-files/?run_number=${runId}`);
          return rows.length === total && rows;
        },
        60_000,
        250,
      );
      expect(stfs).toHaveLength(total);
      const tfs = await waitFor(
        `${total * 7} TF samples registered`,
        async () => {
          const rows = await api<unknown[]>('/api/fastmon-files/');
          return rows.length === total * 7 && rows;
        },
        60_000,
        250,
      );
      expect(tfs).toHaveLength(total * 7);
      // The agents' heartbeats reached the new core: all four READY again.
      await waitFor(
        'agents READY in the restarted core',
        async () =>
          (await api<{ operational_state: string; status: string }[]>('/api/systemagents/')).filter(
            (a) => a.operational_state === 'READY' && a.status === 'OK',
          ).length === 4,
        30_000,
      );
    },
  );
});

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Observer } from '../../helpers/agent-fleet.js';
import { type AgentSuite, startAgentSuite, testCoreHooks } from '../../helpers/agent-suite.js';
import { ROOT } from '../../helpers/cli-process.js';
import type { TestCore } from '../../helpers/core.js';
import { waitFor } from '../../helpers/wait-for.js';

describe('an original-format Python data agent (stomp.py + requests) replaces the TypeScript one', () => {
  let suite: AgentSuite<TestCore>;
  let core: TestCore;
  let obs: Observer;

  beforeAll(async () => {
    suite = await startAgentSuite({
      core: testCoreHooks,
      observe: ['/topic/epictopic', '/queue/py.replies'],
      agents: ['daqsim', 'processing', 'fastmon'],
      commands: [
        {
          name: 'python-data',
          command: '/usr/bin/python3',
          args: [join(ROOT, 'test/fixtures/python/example_data_agent.py')],
        },
      ],
    });
    ({ core, obs } = suite);
  }, 120_000);
  afterAll(() => suite?.close());

  it('the pipeline still completes: TS DAQ sim -> Python data -> TS processing and fastmon', async () => {
    await obs.send('/queue/workflow_control', {
      msg_type: 'run_workflow',
      namespace: 'test-ns',
      workflow_name: 'stf_datataking',
      config: 'fast_processing_default',
      realtime: false,
      params: { stf_count: 8 },
      reply_to: '/queue/py.replies',
    });
    const reply = await waitFor('accept', () => obs.of('workflow_control_reply')[0]);
    expect(reply.accepted).toBe(true);
    const runId = reply.run_id as number;
    const ofRun = (t: string) => obs.of(t).filter((m) => m.run_id === runId);
    await waitFor(
      'all stages for 8 STFs',
      () =>
        ofRun('end_run').length === 1 &&
        ofRun('processing_complete').length === 8 &&
        ofRun('tf_file_registered').length === 56,
      60_000,
    );
    const py = ofRun('stf_ready');
    expect(py).toHaveLength(8);
    for (const m of py) {
      expect(m).toMatchObject({
        sender: expect.stringMatching(/^data-agent-/),
        namespace: 'test-ns',
        file_url: null,
      });
    }
    const filenames = ofRun('stf_gen')
      .map((m) => m.filename as string)
      .sort();
    expect([...new Set(ofRun('processing_complete').map((m) => m.filename))].sort()).toEqual(
      filenames,
    );
    expect([...new Set(ofRun('tf_file_registered').map((m) => m.stf_filename))].sort()).toEqual(
      filenames,
    );
    const stf = (await (await core.api(`/api/stf-files/`)).json()) as {
      stf_filename: string;
      status: string;
    }[];
    expect(stf.map((r) => r.stf_filename).sort()).toEqual(filenames);
    let tf = 0;
    for (const f of filenames)
      tf += ((await (await core.api(`/api/fastmon-files/?stf_file=${f}`)).json()) as unknown[])
        .length;
    expect(tf).toBe(56);
    // The TypeScript stages accounted for the whole run.
    const logs = await waitFor('processing and fastmon "all 8 STFs handled"', async () => {
      const rows = (await (
        await core.api(`/api/logs/?execution_id=${String(reply.execution_id)}`)
      ).json()) as { message: string }[];
      return rows.filter((r) => /all 8 STFs handled/.test(r.message)).length === 2 && rows;
    });
    expect(logs.length).toBeGreaterThan(2);
  }, 90_000);
});

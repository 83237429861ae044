import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';
import { connectClient, type StompTestClient } from '../../../../helpers/stomp-clients.js';
import { waitFor } from '../../../../helpers/wait-for.js';

/**
 * The recorder makes a run (and its run state) from `run_imminent`; the original data agent makes
 * the same run with `POST /api/runs/`, and the fast-processing agents POST run states. Whoever comes
 * first, the agent's create must be answered as swf-monitor answers it (201 and the row) and the
 * run must exist once. Every interleaving: the POST before the messages, and 0/5/50/500 ms after.
 */
const DELAYS: (number | 'before')[] = ['before', 0, 5, 50, 500];
const TRIALS = 200;
const FIRST_RUN = 300_000;

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('runs made by both the recorder and an agent', () => {
  let t: TestCore;
  let stomp: StompTestClient;
  beforeAll(async () => {
    t = await startTestCore();
    stomp = await connectClient('stompit', {
      port: t.core.broker!.port,
      login: t.core.brokerCredentials.login,
      passcode: t.core.brokerCredentials.passcode,
    });
  });
  afterAll(async () => {
    await stomp.disconnect();
    await t.close();
  });

  const publish = (body: Record<string, unknown>) =>
    stomp.send('/topic/epictopic', JSON.stringify(body));

  async function trial(i: number) {
    const runNumber = FIRST_RUN + i;
    const when = DELAYS[i % DELAYS.length]!;
    const start = new Date(Date.now() - 1000).toISOString();
    const lifecycle = async () => {
      const common = { run_id: runNumber, namespace: 'test-ns', execution_id: `exec-${i}` };
      await publish({
        msg_type: 'run_imminent',
        ...common,
        state: 'beam',
        substate: 'not_ready',
        run_conditions: { beam_energy: 5 },
      });
      await publish({ msg_type: 'start_run', ...common, state: 'run', substate: 'physics' });
    };
    const agentCreates = async () => {
      const run = await t.api('/api/runs/', {
        method: 'POST',
        // The data agent sends numbers as strings at times; DRF takes both.
        json: {
          run_number: i % 2 ? String(runNumber) : runNumber,
          start_time: start,
          run_conditions: { from: 'agent' },
        },
      });
      const state = await t.api('/api/run-states/', {
        method: 'POST',
        json: {
          run_number: runNumber,
          phase: 'physics',
          state: 'run',
          substate: null,
          target_worker_count: 2,
        },
      });
      const runBody = (await run.json()) as Record<string, unknown>;
      const stateBody = (await state.json()) as Record<string, unknown>;
      return { run: run.status, runBody, state: state.status, stateBody };
    };
    let answer: Awaited<ReturnType<typeof agentCreates>>;
    if (when === 'before') {
      answer = await agentCreates();
      await lifecycle();
    } else {
      await lifecycle();
      if (when) await delay(when);
      answer = await agentCreates();
    }
    return { runNumber, when, start, ...answer };
  }

  it(`answers ${TRIALS} agent creates 201 at every interleaving and keeps one row per run`, async () => {
    const results = await Promise.all(Array.from({ length: TRIALS }, (_, i) => trial(i)));
    const refused = results.filter((r) => r.run !== 201 || r.state !== 201);
    expect(refused.map((r) => ({ when: r.when, run: r.runBody, state: r.stateBody }))).toEqual([]);
    for (const r of results) {
      // The body is the row as a fresh create renders it: the agent's fields, the server's key.
      expect(Object.keys(r.runBody)).toEqual([
        'run_id',
        'run_number',
        'start_time',
        'end_time',
        'run_conditions',
      ]);
      expect(r.runBody).toMatchObject({
        run_number: r.runNumber,
        start_time: r.start,
        run_conditions: { from: 'agent' },
      });
      expect(r.stateBody).toMatchObject({
        run_number: r.runNumber,
        target_worker_count: 2,
      });
    }

    await waitFor('the recorder to store every lifecycle message', async () => {
      const res = await t.api(`/api/workflow-messages/?message_type=start_run&limit=1`);
      return ((await res.json()) as { count: number }).count === TRIALS;
    });
    await t.core.recorder.idle();
    const runs = (await (await t.api('/api/runs/')).json()) as Record<string, unknown>[];
    const states = (await (await t.api('/api/run-states/')).json()) as Record<string, unknown>[];
    for (const r of results) {
      const rows = runs.filter((x) => x.run_number === r.runNumber);
      expect(rows, `run ${r.runNumber} (${String(r.when)})`).toHaveLength(1);
      // The recorder still advanced the run the agent made (or adopted): start time kept.
      expect(rows[0]!.start_time).toBeTruthy();
      const st = states.filter((x) => x.run_number === r.runNumber);
      expect(st, `run state ${r.runNumber}`).toHaveLength(1);
      expect(st[0]!.phase).toBe('physics');
    }
  }, 60_000);

  it('still refuses a second create of the same run, as DRF does', async () => {
    const runNumber = FIRST_RUN + TRIALS + 1;
    await publish({ msg_type: 'run_imminent', run_id: runNumber, namespace: 'test-ns' });
    await waitFor('the recorder to make the run', async () => {
      const res = await t.api(`/api/runs/?run_number=${runNumber}`);
      return ((await res.json()) as unknown[]).length === 1;
    });
    const first = await t.api('/api/runs/', { method: 'POST', json: { run_number: runNumber } });
    expect(first.status).toBe(201);
    const second = await t.api('/api/runs/', { method: 'POST', json: { run_number: runNumber } });
    expect(second.status).toBe(400);
    expect(await second.json()).toEqual({
      run_number: ['run with this run number already exists.'],
    });
  });

  it('registers STF files once while their messages are recorded (the recorder makes none)', async () => {
    const runNumber = FIRST_RUN + TRIALS + 2;
    const run = (await (
      await t.api('/api/runs/', { method: 'POST', json: { run_number: runNumber } })
    ).json()) as { run_id: number };
    const files = Array.from({ length: 20 }, (_, i) => `swf.${runNumber}.${i}.stf`);
    const answers = await Promise.all(
      files.map(async (filename, i) => {
        const gen = publish({
          msg_type: 'stf_gen',
          run_id: runNumber,
          filename,
          sequence: i + 1,
          namespace: 'test-ns',
        });
        if (i % 2) await gen;
        const res = await t.api('/api/stf-files/', {
          method: 'POST',
          json: { run: run.run_id, stf_filename: filename, file_size_bytes: '1024' },
        });
        await gen;
        return res.status;
      }),
    );
    expect(answers).toEqual(files.map(() => 201));
    await t.core.recorder.idle();
    const rows = (await (await t.api(`/api/stf-files/?run_number=${runNumber}`)).json()) as {
      stf_filename: string;
    }[];
    expect(rows.map((r) => r.stf_filename).sort()).toEqual([...files].sort());
  });
});

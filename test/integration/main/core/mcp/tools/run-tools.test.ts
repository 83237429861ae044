import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../../../helpers/core.js';
import { callOk, publish } from '../../../../../helpers/mcp-tools.js';
import { waitFor } from '../../../../../helpers/wait-for.js';
import { connect } from '../../../../../helpers/mcp-client.js';

interface RunItem {
  run_number: number;
  run_conditions: unknown;
  current_state: {
    status: string;
    phase: string | null;
    state: string | null;
    substate: string | null;
  };
}

let t: TestCore;
let client: Client;
const RUN = 100042;
const lifecycle = (msg_type: string, extra: Record<string, unknown> = {}) => ({
  msg_type,
  run_id: RUN,
  namespace: 'test-ns',
  execution_id: 'stf_datataking-alice-0042',
  ...extra,
});
const listed = async () =>
  (await callOk<{ items: RunItem[] }>(client, 'swf_list_runs')).items.find(
    (r) => r.run_number === RUN,
  );

beforeAll(async () => {
  t = await startTestCore();
  client = await connect(t, 'ws', 'modern');
});
afterAll(async () => {
  await client.close();
  await t.close();
});

describe('runs report where they are now', () => {
  it('a run announced beam/not_ready shows running while it runs and ended once it ended', async () => {
    await publish(t, '/topic/epictopic', [
      lifecycle('run_imminent', {
        state: 'beam',
        substate: 'not_ready',
        run_conditions: { state: 'beam', substate: 'not_ready' },
      }),
    ]);
    await publish(t, '/topic/epictopic', [
      lifecycle('start_run', { state: 'run', substate: 'physics' }),
    ]);
    const running = await waitFor('the run running', async () => {
      const r = await listed();
      return r?.current_state.status === 'running' ? r : undefined;
    });
    expect(running.current_state).toEqual({
      status: 'running',
      phase: 'physics',
      state: 'run',
      substate: 'physics',
    });

    await publish(t, '/topic/epictopic', [lifecycle('end_run', { total_stf_files: 0 })]);
    const ended = await waitFor('the run ended', async () => {
      const r = await listed();
      return r?.current_state.status === 'ended' ? r : undefined;
    });
    expect(ended.current_state).toEqual({
      status: 'ended',
      phase: 'completed',
      state: 'ended',
      substate: '',
    });
    const one = await callOk<{ run: RunItem; run_state: { state: string } }>(
      client,
      'swf_get_run',
      {
        run_number: RUN,
      },
    );
    expect(one.run.current_state.status).toBe('ended');
    // What the run was announced with stays, labelled as conditions, not as its state.
    expect(one.run.run_conditions).toEqual({ state: 'beam', substate: 'not_ready' });
    expect(one.run_state.state).toBe('ended');
  });
});

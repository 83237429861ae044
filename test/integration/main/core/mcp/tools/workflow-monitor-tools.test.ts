import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../../../helpers/core.js';
import { callError, callOk, postJson, publish } from '../../../../../helpers/mcp-tools.js';
import { waitFor } from '../../../../../helpers/wait-for.js';
import { connect } from '../../../../../helpers/mcp-client.js';

const EXEC = 'stf_datataking-alice-0007';
let t: TestCore;
let client: Client;

beforeAll(async () => {
  t = await startTestCore();
  await postJson(t, '/api/workflow-executions/', {
    execution_id: EXEC,
    namespace: 'test-ns',
    status: 'running',
    executed_by: 'daq_simulator-agent-alice-1',
    start_time: new Date(Date.now() - 60_000).toISOString(),
  });
  await postJson(t, '/api/workflow-executions/', {
    execution_id: 'stf_datataking-alice-0008',
    namespace: 'test-ns',
    status: 'completed',
    start_time: new Date().toISOString(),
  });
  const common = { namespace: 'test-ns', execution_id: EXEC, run_id: '100007' };
  await publish(t, '/topic/epictopic', [
    { msg_type: 'run_imminent', state: 'beam', substate: 'not_ready', ...common },
    { msg_type: 'start_run', state: 'run', substate: 'physics', ...common },
    { msg_type: 'stf_gen', state: 'run', substate: 'physics', filename: 'a.stf', ...common },
  ]);
  await waitFor('the run messages recorded', async () => {
    const res = await t.api(`/api/workflow-messages/?execution_id=${EXEC}`);
    return JSON.stringify(await res.json()).includes('stf_gen');
  });
  for (const name of ['swf.100007.000001.stf', 'swf.100007.000002.stf'])
    await postJson(t, '/api/stf-files/', { stf_filename: name, run_number: 100007 });
  await postJson(t, '/api/logs/', {
    app_name: 'data_agent',
    instance_name: 'data-agent-alice-2',
    levelname: 'ERROR',
    message: 'checksum mismatch',
    extra_data: { execution_id: EXEC },
  });
  client = await connect(t, 'ws', 'modern');
});
afterAll(async () => {
  await client.close();
  await t.close();
});

describe('workflow monitor tools (swf-monitor names and shapes)', () => {
  it('swf_get_workflow_monitor follows an execution from its messages, STF files and error logs', async () => {
    const m = await callOk<Record<string, unknown>>(client, 'swf_get_workflow_monitor', {
      execution_id: EXEC,
    });
    expect(Object.keys(m).sort()).toEqual([
      'duration_seconds',
      'end_time',
      'errors',
      'events',
      'execution_id',
      'phase',
      'run_id',
      'start_time',
      'status',
      'stf_count',
    ]);
    expect(m).toMatchObject({
      execution_id: EXEC,
      status: 'running',
      phase: 'running',
      run_id: '100007',
      stf_count: 2,
      end_time: null,
      duration_seconds: null,
      errors: [expect.objectContaining({ error: 'checksum mismatch', source: 'log' })],
    });
    expect((m.events as { type: string }[]).map((e) => e.type)).toEqual([
      'run_imminent',
      'start_run',
    ]);

    await publish(t, '/topic/epictopic', [
      { msg_type: 'end_run', namespace: 'test-ns', execution_id: EXEC, run_id: '100007' },
    ]);
    const ended = await waitFor('the end_run seen', async () => {
      const r = await callOk<{ phase: string }>(client, 'swf_get_workflow_monitor', {
        execution_id: EXEC,
      });
      return r.phase === 'ended' ? r : undefined;
    });
    expect(ended.phase).toBe('ended');
    expect(await callError(client, 'swf_get_workflow_monitor', { execution_id: 'nope' })).toMatch(
      /not found/,
    );
  });

  it('swf_list_workflow_monitors lists the last day of executions with their STF counts', async () => {
    const list = await callOk<{
      items: Record<string, unknown>[];
      total_count: number;
      has_more: boolean;
    }>(client, 'swf_list_workflow_monitors');
    expect(list.total_count).toBe(2);
    expect(list.has_more).toBe(false);
    expect(Object.keys(list.items[0]!).sort()).toEqual([
      'end_time',
      'execution_id',
      'start_time',
      'status',
      'stf_count',
    ]);
    expect(list.items.map((i) => [i.execution_id, i.stf_count])).toEqual([
      ['stf_datataking-alice-0008', 0],
      [EXEC, 2],
    ]);
  });
});

import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../../../helpers/core.js';
import { callOk, heartbeat, postJson, publish } from '../../../../../helpers/mcp-tools.js';
import { waitFor } from '../../../../../helpers/wait-for.js';
import { connect } from '../../../../../helpers/mcp-client.js';

let t: TestCore;
let client: Client;

beforeAll(async () => {
  t = await startTestCore();
  await postJson(t, '/api/namespaces/ensure/', { name: 'test-ns', owner: 'alice' });
  await postJson(t, '/api/namespaces/ensure/', { name: 'another', owner: 'bob' });
  await heartbeat(t, { instance_name: 'daq-1', agent_type: 'DAQ_Simulator' });
  await heartbeat(t, { instance_name: 'data-1', agent_type: 'DATA' });
  await heartbeat(t, { instance_name: 'elsewhere-1', agent_type: 'DATA', namespace: 'another' });
  await postJson(t, '/api/workflow-executions/', {
    execution_id: 'stf_datataking-alice-0001',
    namespace: 'test-ns',
    status: 'completed',
    executed_by: 'daq-1',
    start_time: new Date().toISOString(),
  });
  await publish(t, '/topic/epictopic', [
    { msg_type: 'announcement', namespace: 'test-ns', message: 'hello' },
    { msg_type: 'announcement', namespace: 'test-ns', message: 'again' },
    { msg_type: 'announcement', namespace: 'another', message: 'not ours' },
  ]);
  await waitFor('three messages recorded', async () => {
    const body = (await (await t.api('/api/workflow-messages/')).json()) as unknown[];
    return JSON.stringify(body).includes('not ours');
  });
  client = await connect(t, 'ws', 'modern');
});
afterAll(async () => {
  await client.close();
  await t.close();
});

describe('namespace tools (swf-monitor names and shapes)', () => {
  it('swf_list_namespaces lists the registered namespaces by name', async () => {
    const list = await callOk<{ items: Record<string, unknown>[]; total_count: number }>(
      client,
      'swf_list_namespaces',
    );
    expect(list.total_count).toBe(2);
    expect(list.items).toEqual([
      { name: 'another', owner: 'bob', description: '' },
      { name: 'test-ns', owner: 'alice', description: '' },
    ]);
  });

  it('swf_get_namespace counts agents, executions, messages and users in the range', async () => {
    const ns = await callOk<Record<string, unknown>>(client, 'swf_get_namespace', {
      namespace: 'test-ns',
    });
    expect(Object.keys(ns).sort()).toEqual([
      'active_users',
      'agent_count',
      'description',
      'execution_count',
      'message_count',
      'name',
      'owner',
      'time_range',
    ]);
    expect(ns).toMatchObject({
      name: 'test-ns',
      owner: 'alice',
      agent_count: 2,
      execution_count: 1,
      message_count: 2,
      active_users: ['daq-1'],
    });
    const past = await callOk<Record<string, unknown>>(client, 'swf_get_namespace', {
      namespace: 'test-ns',
      start_time: '2020-01-01T00:00:00',
      end_time: '2020-01-02T00:00:00',
    });
    expect(past).toMatchObject({
      execution_count: 0,
      message_count: 0,
      time_range: { start: '2020-01-01T00:00:00.000Z', end: '2020-01-02T00:00:00.000Z' },
    });
    const unknown = await callOk<Record<string, unknown>>(client, 'swf_get_namespace', {
      namespace: 'nobody',
    });
    expect(unknown).toMatchObject({
      name: 'nobody',
      owner: null,
      description: null,
      agent_count: 0,
    });
  });
});

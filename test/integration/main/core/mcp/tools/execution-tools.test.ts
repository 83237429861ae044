import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../../../helpers/core.js';
import { callError, callOk, postJson } from '../../../../../helpers/mcp-tools.js';
import { connect } from '../../../../../helpers/mcp-client.js';

/** The keys swf-monitor's tools answer with (its monitor_urls links aside). */
const EXECUTION_KEYS = [
  'end_time',
  'executed_by',
  'execution_id',
  'namespace',
  'parameter_values',
  'start_time',
  'status',
  'workflow_name',
];

let t: TestCore;
let client: Client;
const hourAgo = new Date(Date.now() - 3600_000).toISOString();
const twoDaysAgo = new Date(Date.now() - 48 * 3600_000).toISOString();

beforeAll(async () => {
  t = await startTestCore();
  const def = await postJson(t, '/api/workflow-definitions/', {
    workflow_name: 'stf_datataking',
    version: '1.0',
    workflow_type: 'simulation',
    created_by: 'alice',
  });
  await postJson(t, '/api/workflow-definitions/', {
    workflow_name: 'fast_processing',
    version: '0.1',
    workflow_type: 'production',
    created_by: 'bob',
  });
  const exec = (id: string, status: string, start: string, extra = {}) =>
    postJson(t, '/api/workflow-executions/', {
      execution_id: id,
      workflow_definition: def.id,
      namespace: 'test-ns',
      status,
      executed_by: 'daq_simulator-agent-alice-1',
      start_time: start,
      parameter_values: { stf_count: 3 },
      ...extra,
    });
  await exec('stf_datataking-alice-0001', 'completed', hourAgo, {
    end_time: new Date().toISOString(),
    performance_metrics: { stf_files_generated: 3 },
  });
  await exec('stf_datataking-alice-0002', 'running', new Date().toISOString());
  // A stale execution left "running" two days ago: only currently_running finds it.
  await exec('stf_datataking-alice-0000', 'running', twoDaysAgo);
  client = await connect(t, 'ws', 'modern');
});
afterAll(async () => {
  await client.close();
  await t.close();
});

describe('workflow definition and execution tools (swf-monitor names and shapes)', () => {
  it('swf_list_workflow_definitions lists definitions with their execution counts', async () => {
    const all = await callOk<{ items: Record<string, unknown>[]; total_count: number }>(
      client,
      'swf_list_workflow_definitions',
    );
    expect(all.total_count).toBe(2);
    expect(Object.keys(all.items[0]!).sort()).toEqual([
      'created_at',
      'created_by',
      'execution_count',
      'version',
      'workflow_name',
      'workflow_type',
    ]);
    const sim = await callOk<{ items: Record<string, unknown>[] }>(
      client,
      'swf_list_workflow_definitions',
      { workflow_type: 'simulation', created_by: 'alice' },
    );
    expect(sim.items).toEqual([
      expect.objectContaining({ workflow_name: 'stf_datataking', execution_count: 3 }),
    ]);
  });

  it('swf_list_workflow_executions filters the last 24 hours, and currently_running finds every running one', async () => {
    const recent = await callOk<{ items: Record<string, unknown>[]; total_count: number }>(
      client,
      'swf_list_workflow_executions',
    );
    expect(recent.items.map((e) => e.execution_id)).toEqual([
      'stf_datataking-alice-0002',
      'stf_datataking-alice-0001',
    ]);
    expect(Object.keys(recent.items[0]!).sort()).toEqual(EXECUTION_KEYS);
    expect(recent.items[1]).toMatchObject({
      workflow_name: 'stf_datataking',
      namespace: 'test-ns',
      status: 'completed',
      parameter_values: { stf_count: 3 },
    });
    const running = await callOk<{ items: { execution_id: string }[] }>(
      client,
      'swf_list_workflow_executions',
      { currently_running: true },
    );
    expect(running.items.map((e) => e.execution_id)).toEqual([
      'stf_datataking-alice-0002',
      'stf_datataking-alice-0000',
    ]);
    const done = await callOk<{ total_count: number }>(client, 'swf_list_workflow_executions', {
      status: 'COMPLETED',
      workflow_name: 'stf_datataking',
      executed_by: 'daq_simulator-agent-alice-1',
      namespace: 'test-ns',
    });
    expect(done.total_count).toBe(1);
    const none = await callOk<{ total_count: number }>(client, 'swf_list_workflow_executions', {
      workflow_name: 'fast_processing',
    });
    expect(none.total_count).toBe(0);
  });

  it('swf_get_workflow_execution answers one execution with its metrics, and names the list tool when unknown', async () => {
    const one = await callOk<Record<string, unknown>>(client, 'swf_get_workflow_execution', {
      execution_id: 'stf_datataking-alice-0001',
    });
    expect(Object.keys(one).sort()).toEqual([...EXECUTION_KEYS, 'performance_metrics'].sort());
    expect(one.performance_metrics).toEqual({ stf_files_generated: 3 });
    expect(await callError(client, 'swf_get_workflow_execution', { execution_id: 'nope' })).toMatch(
      /not found.*swf_list_workflow_executions/,
    );
  });

  it('swf_end_execution terminates a running execution and refuses one that is not running', async () => {
    const ended = await callOk<Record<string, unknown>>(client, 'swf_end_execution', {
      execution_id: 'stf_datataking-alice-0000',
    });
    expect(ended).toMatchObject({
      success: true,
      execution_id: 'stf_datataking-alice-0000',
      old_status: 'running',
      new_status: 'terminated',
      start_time: twoDaysAgo,
    });
    expect(Date.parse(String(ended.end_time))).toBeGreaterThan(Date.now() - 60_000);
    const rest = await (await t.api('/api/workflow-executions/stf_datataking-alice-0000/')).json();
    expect(rest).toMatchObject({ status: 'terminated', end_time: ended.end_time });
    expect(
      await callError(client, 'swf_end_execution', { execution_id: 'stf_datataking-alice-0001' }),
    ).toMatch(/not running \(status: completed\)/);
  });
});

import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../../../helpers/core.js';
import { callOk } from '../../../../../helpers/mcp-tools.js';
import { connect } from '../../../../../helpers/mcp-client.js';

let t: TestCore;
let client: Client;

beforeAll(async () => {
  t = await startTestCore();
  client = await connect(t, 'ws', 'modern');
});
afterAll(async () => {
  await client.close();
  await t.close();
});

/** swf-monitor's testbed tools that a laptop testbed serves under the same names. */
const UPSTREAM_SERVED = [
  'swf_list_available_tools',
  'get_server_instructions',
  'swf_get_system_state',
  'swf_list_agents',
  'swf_get_agent',
  'swf_list_namespaces',
  'swf_get_namespace',
  'swf_list_logs',
  'swf_get_log_entry',
  'swf_get_testbed_status',
  'swf_list_workflow_definitions',
  'swf_list_workflow_executions',
  'swf_get_workflow_execution',
  'swf_list_messages',
  'swf_list_runs',
  'swf_get_run',
  'swf_list_stf_files',
  'swf_get_stf_file',
  'swf_list_tf_slices',
  'swf_get_tf_slice',
  'swf_start_workflow',
  'swf_stop_workflow',
  'swf_end_execution',
  'swf_get_workflow_monitor',
  'swf_list_workflow_monitors',
  'swf_send_message',
];

describe('tool discovery (swf-monitor names and shapes)', () => {
  it('swf_list_available_tools lists every offered tool with its parameter names', async () => {
    const { tools } = await client.listTools();
    const found = await callOk<{
      result: { name: string; description: string; parameters: string[] }[];
    }>(client, 'swf_list_available_tools');
    expect(found.result.map((x) => x.name).sort()).toEqual(tools.map((x) => x.name).sort());
    for (const name of UPSTREAM_SERVED) expect(found.result.map((x) => x.name)).toContain(name);
    const byName = new Map(found.result.map((x) => [x.name, x]));
    expect(byName.get('swf_list_workflow_executions')?.parameters).toEqual(
      expect.arrayContaining([
        'namespace',
        'status',
        'executed_by',
        'workflow_name',
        'currently_running',
        'start_time',
        'end_time',
      ]),
    );
    expect(byName.get('swf_get_tf_slice')?.parameters).toEqual(['tf_filename', 'slice_id']);
    expect(byName.get('swf_get_log_entry')?.parameters).toEqual(['log_id']);
    expect(byName.get('swf_list_available_tools')?.parameters).toEqual([]);
  });

  it('get_server_instructions answers the instructions given at initialize', async () => {
    const got = await callOk<{ result: string }>(client, 'get_server_instructions');
    expect(got.result).toBe(client.getInstructions());
    expect(got.result).toContain('swf_get_testbed_status');
  });
});

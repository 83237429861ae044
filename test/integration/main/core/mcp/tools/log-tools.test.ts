import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../../../helpers/core.js';
import { callError, callOk, postJson } from '../../../../../helpers/mcp-tools.js';
import { connect } from '../../../../../helpers/mcp-client.js';

let t: TestCore;
let client: Client;

beforeAll(async () => {
  t = await startTestCore();
  await postJson(t, '/api/logs/', {
    app_name: 'data_agent',
    instance_name: 'data-agent-alice-2',
    levelname: 'WARNING',
    message: 'slow disk',
  });
  await postJson(t, '/api/logs/', {
    app_name: 'data_agent',
    instance_name: 'data-agent-alice-2',
    levelname: 'ERROR',
    message: 'checksum mismatch',
    module: 'data',
    funcname: 'register',
    lineno: 42,
    process: 1234,
    thread: 5,
    extra_data: { execution_id: 'stf_datataking-alice-0001', namespace: 'test-ns' },
  });
  client = await connect(t, 'ws', 'modern');
});
afterAll(async () => {
  await client.close();
  await t.close();
});

describe('log tools (swf-monitor names and shapes)', () => {
  it('swf_list_logs finds a record whose id swf_get_log_entry opens in full', async () => {
    const list = await callOk<{ items: { id: number; message: string }[] }>(
      client,
      'swf_list_logs',
      { level: 'ERROR', execution_id: 'stf_datataking-alice-0001' },
    );
    expect(list.items.map((l) => l.message)).toEqual(['checksum mismatch']);
    const entry = await callOk<Record<string, unknown>>(client, 'swf_get_log_entry', {
      log_id: list.items[0]!.id,
    });
    expect(Object.keys(entry).sort()).toEqual([
      'app_name',
      'extra_data',
      'funcname',
      'id',
      'instance_name',
      'level',
      'lineno',
      'message',
      'module',
      'process',
      'thread',
      'timestamp',
    ]);
    expect(entry).toMatchObject({
      app_name: 'data_agent',
      level: 'ERROR',
      message: 'checksum mismatch',
      module: 'data',
      funcname: 'register',
      lineno: 42,
      process: 1234,
      thread: 5,
      extra_data: { execution_id: 'stf_datataking-alice-0001', namespace: 'test-ns' },
    });
    expect(await callError(client, 'swf_get_log_entry', { log_id: 999_999 })).toMatch(
      /Log entry 999999 not found/,
    );
  });
});

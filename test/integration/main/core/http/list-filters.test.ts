import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';
import { connectClient, type StompTestClient } from '../../../../helpers/stomp-clients.js';
import { waitFor } from '../../../../helpers/wait-for.js';
import { connect } from '../../../../helpers/mcp-client.js';

/**
 * Every list filter swf-monitor's viewsets and filtersets accept, with its meaning, its order and
 * its opt-in paging. Rows are made the way the original agents make them (REST creates that fill
 * only the monitor's fields; messages on the broker), then each case names a query and the rows,
 * in order, that it must answer.
 */
type Row = Record<string, unknown>;
interface Case {
  query: string;
  /** The field that identifies a row in `expected`. */
  key: string;
  expected: unknown[];
}

describe('list filters as swf-monitor applies them', () => {
  let t: TestCore;
  let stomp: StompTestClient;
  const ids: Record<string, unknown> = {};

  const post = async (path: string, json: Row): Promise<Row> => {
    const res = await t.api(path, { method: 'POST', json });
    const body = (await res.json()) as Row;
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };

  beforeAll(async () => {
    t = await startTestCore();
    stomp = await connectClient('stompit', {
      port: t.core.broker!.port,
      login: t.core.brokerCredentials.login,
      passcode: t.core.brokerCredentials.passcode,
    });
    const r1 = await post('/api/runs/', { run_number: 100010, start_time: '2026-01-01T00:00:00Z' });
    const r2 = await post('/api/runs/', { run_number: 100011, start_time: '2026-01-01T01:00:00Z' });
    // The originals link an STF file to its run by primary key and never send run_number.
    for (const [run, name, status] of [
      [r1.run_id, 'a.stf', 'registered'],
      [r1.run_id, 'b.stf', 'processed'],
      [r2.run_id, 'c.stf', 'registered'],
    ] as const) {
      const f = await post('/api/stf-files/', {
        run,
        stf_filename: name,
        status,
        workflow_id: name === 'b.stf' ? '0b5e3d6a-7f6e-4b8e-9d1a-2f5c4e3b2a10' : null,
      });
      ids[name] = f.file_id;
    }
    for (const [stf, tf, status] of [
      ['a.stf', 'a-1.tf', 'registered'],
      ['a.stf', 'a-2.tf', 'processed'],
      ['c.stf', 'c-1.tf', 'registered'],
    ] as const) {
      const f = await post('/api/fastmon-files/', { stf_file: stf, tf_filename: tf, status });
      ids[tf] = f.tf_file_id;
    }
    for (const [tf, slice, run, status, worker] of [
      ['a-1.tf', 1, 100010, 'queued', null],
      ['a-1.tf', 2, 100010, 'processing', 'w1'],
      ['c-1.tf', 1, 100011, 'queued', 'w2'],
    ] as const) {
      const s = await post('/api/tf-slices/', {
        fastmon_file: tf,
        slice_id: slice,
        tf_first: 1,
        tf_last: 10,
        tf_count: 10,
        run_number: String(run),
        status,
        assigned_worker: worker,
      });
      ids[`${tf}#${slice}`] = s.id;
    }
    for (const [run, type, state] of [
      [100010, 'run_start', 'run'],
      [100010, 'state_change', 'beam'],
      [100011, 'run_start', 'run'],
    ] as const) {
      await post('/api/system-state-events/', {
        timestamp: '2026-01-01T00:00:00Z',
        run_number: String(run),
        event_type: type,
        state,
        substate: null,
        event_data: {},
      });
    }
    for (const [id, ns, status, by] of [
      ['e-1', 'ns1', 'completed', 'daq-1'],
      ['e-2', 'ns1', 'running', 'daq-2'],
      ['e-3', 'ns2', 'running', 'daq-1'],
    ] as const) {
      await post('/api/workflow-executions/', {
        execution_id: id,
        namespace: ns,
        status,
        executed_by: by,
        // Recent: an execution silent past the liveness limit would be ended as abandoned.
        start_time: new Date(Date.now() - (10 - Number(id.slice(2))) * 1000).toISOString(),
      });
    }
    for (const [name, version] of [
      ['stf_datataking', '1.0'],
      ['stf_datataking', '2.0'],
      ['fast_processing', '1.0'],
    ] as const) {
      await post('/api/workflow-definitions/', { workflow_name: name, version });
    }
    // Logs arrive out of timestamp order; the monitor lists them newest timestamp first.
    for (const [app, inst, ts] of [
      ['data_agent', 'data-1', '2026-01-01T00:00:02Z'],
      ['data_agent', 'data-2', '2026-01-01T00:00:03Z'],
      ['daq', 'daq-1', '2026-01-01T00:00:01Z'],
    ] as const) {
      await post('/api/logs/', {
        app_name: app,
        instance_name: inst,
        timestamp: ts,
        level: 20,
        levelname: 'INFO',
        message: `${inst} at ${ts}`,
        module: 'm',
        funcname: 'f',
        lineno: 1,
        process: 1,
        thread: 1,
      });
    }
    for (const [i, exec] of ['x-1', 'x-2', 'x-1', 'x-1'].entries()) {
      await stomp.send(
        '/topic/epictopic',
        JSON.stringify({ msg_type: 'note', execution_id: exec, sequence: i }),
      );
    }
    await waitFor('the recorder to store the messages', async () => {
      const res = await t.api('/api/workflow-messages/?message_type=note');
      return ((await res.json()) as unknown[]).length === 4;
    });
  }, 60_000);
  afterAll(async () => {
    await stomp.disconnect();
    await t.close();
  });

  const cases: Record<string, Case[]> = {
    runs: [
      { query: '/api/runs/', key: 'run_number', expected: [100010, 100011] },
      { query: '/api/runs/?run_number=100011', key: 'run_number', expected: [100011] },
    ],
    'stf-files': [
      {
        query: '/api/stf-files/?run_number=100010',
        key: 'stf_filename',
        expected: ['a.stf', 'b.stf'],
      },
      { query: '/api/stf-files/?run_number=100011', key: 'stf_filename', expected: ['c.stf'] },
      { query: '/api/stf-files/?stf_filename=b.stf', key: 'stf_filename', expected: ['b.stf'] },
      {
        query: '/api/stf-files/?stf_filename=%20b.stf%20',
        key: 'stf_filename',
        expected: ['b.stf'],
      },
      {
        query: '/api/stf-files/?status=registered',
        key: 'stf_filename',
        expected: ['a.stf', 'c.stf'],
      },
      {
        query: '/api/stf-files/?workflow_id=0b5e3d6a-7f6e-4b8e-9d1a-2f5c4e3b2a10',
        key: 'stf_filename',
        expected: ['b.stf'],
      },
      {
        query: '/api/stf-files/?run_number=100010&status=processed',
        key: 'stf_filename',
        expected: ['b.stf'],
      },
    ],
    'fastmon-files': [
      {
        query: '/api/fastmon-files/?stf_filename=a.stf',
        key: 'tf_filename',
        expected: ['a-1.tf', 'a-2.tf'],
      },
      { query: '/api/fastmon-files/?tf_filename=c-1.tf', key: 'tf_filename', expected: ['c-1.tf'] },
      { query: '/api/fastmon-files/?status=processed', key: 'tf_filename', expected: ['a-2.tf'] },
    ],
    'tf-slices': [
      { query: '/api/tf-slices/?slice_id=2', key: 'slice_id', expected: [2] },
      { query: '/api/tf-slices/?run_number=100011', key: 'fastmon_file', expected: ['c-1.tf'] },
      {
        query: '/api/tf-slices/?status=queued',
        key: 'fastmon_file',
        expected: ['a-1.tf', 'c-1.tf'],
      },
      { query: '/api/tf-slices/?assigned_worker=w2', key: 'fastmon_file', expected: ['c-1.tf'] },
      {
        query: '/api/tf-slices/?fastmon_file__tf_filename=a-1.tf&slice_id=1',
        key: 'status',
        expected: ['queued'],
      },
      {
        query: '/api/tf-slices/?fastmon_file__stf_file__stf_filename=c.stf',
        key: 'fastmon_file',
        expected: ['c-1.tf'],
      },
    ],
    'system-state-events': [
      {
        query: '/api/system-state-events/?state=beam',
        key: 'event_type',
        expected: ['state_change'],
      },
      {
        query: '/api/system-state-events/?run_number=100010',
        key: 'event_type',
        expected: ['run_start', 'state_change'],
      },
      {
        query: '/api/system-state-events/?event_type=run_start',
        key: 'run_number',
        expected: [100010, 100011],
      },
    ],
    'workflow-executions': [
      {
        query: '/api/workflow-executions/?status=running',
        key: 'execution_id',
        expected: ['e-3', 'e-2'],
      },
      {
        query: '/api/workflow-executions/?namespace=ns1',
        key: 'execution_id',
        expected: ['e-2', 'e-1'],
      },
      {
        query: '/api/workflow-executions/?executed_by=daq-1',
        key: 'execution_id',
        expected: ['e-3', 'e-1'],
      },
    ],
    'workflow-definitions': [
      {
        query: '/api/workflow-definitions/?workflow_name=stf_datataking',
        key: 'version',
        expected: ['1.0', '2.0'],
      },
      {
        query: '/api/workflow-definitions/?version=1.0',
        key: 'workflow_name',
        expected: ['stf_datataking', 'fast_processing'],
      },
    ],
    'workflow-messages': [
      // One execution's messages in the order they were sent.
      {
        query: '/api/workflow-messages/?execution_id=x-1',
        key: 'message_content.sequence',
        expected: [0, 2, 3],
      },
      {
        query: '/api/workflow-messages/?message_type=note',
        key: 'message_content.sequence',
        expected: [3, 2, 1, 0],
      },
    ],
    logs: [
      { query: '/api/logs/', key: 'instance_name', expected: ['data-2', 'data-1', 'daq-1'] },
      {
        query: '/api/logs/?app_name=data_agent',
        key: 'instance_name',
        expected: ['data-2', 'data-1'],
      },
      { query: '/api/logs/?instance_name=daq-1', key: 'instance_name', expected: ['daq-1'] },
    ],
  };

  const pick = (row: Row, key: string): unknown =>
    key.split('.').reduce<unknown>((v, k) => (v as Row | undefined)?.[k], row);

  for (const [endpoint, list] of Object.entries(cases)) {
    it.each(list)(`${endpoint}: $query`, async ({ query, key, expected }) => {
      const res = await t.api(query);
      expect(res.status).toBe(200);
      const rows = (await res.json()) as Row[];
      expect(rows.map((r) => pick(r, key))).toEqual(expected);
    });
  }

  it.each([
    ['/api/stf-files/?run_number=abc', { run_number: 'must be an integer run number' }],
    [
      '/api/stf-files/?workflow_id=stf_datataking-alice-0001',
      { workflow_id: "must be a UUID; to select a workflow's files filter by run_number/status" },
    ],
    ['/api/tf-slices/?slice_id=first', { slice_id: ['Enter a number.'] }],
    ['/api/system-state-events/?run_number=x', { run_number: ['Enter a number.'] }],
  ])('refuses a malformed filter value with a 400 naming it: %s', async (query, expected) => {
    const res = await t.api(query);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual(expected);
  });

  it('pages only when asked, with the filter applied to the count', async () => {
    const res = await t.api('/api/stf-files/?run_number=100010&limit=1&offset=1');
    expect(await res.json()).toMatchObject({
      count: 2,
      next: null,
      previous: '/api/stf-files/?limit=1&offset=0',
      results: [{ stf_filename: 'b.stf' }],
    });
  });

  it('MCP reads the same rows: swf_get_run and swf_list_stf_files see the linked files', async () => {
    const client = await connect(t, 'http', 'legacy');
    try {
      const run = await client.callTool({ name: 'swf_get_run', arguments: { run_number: 100010 } });
      expect((run.structuredContent as { file_stats: Row }).file_stats).toEqual({
        registered: 1,
        processed: 1,
      });
      const files = await client.callTool({
        name: 'swf_list_stf_files',
        arguments: { run_number: 100011 },
      });
      const items = (files.structuredContent as { items: Row[] }).items;
      expect(items.map((f) => f.stf_filename)).toEqual(['c.stf']);
    } finally {
      await client.close();
    }
  });
});

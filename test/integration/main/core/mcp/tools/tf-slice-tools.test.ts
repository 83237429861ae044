import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../../../helpers/core.js';
import { callError, callOk, postJson } from '../../../../../helpers/mcp-tools.js';
import { connect } from '../../../../../helpers/mcp-client.js';

let t: TestCore;
let client: Client;
let tfFileId: string;
const STF = 'swf.100010.000001.stf';
const TF = 'swf.100010.000001_tf_001.tf';

beforeAll(async () => {
  t = await startTestCore();
  await postJson(t, '/api/stf-files/', { stf_filename: STF, run_number: 100010 });
  const tf = await postJson(t, '/api/fastmon-files/', {
    stf_file: STF,
    tf_filename: TF,
    tf_first: 0,
    tf_last: 29,
    tf_count: 30,
  });
  tfFileId = String(tf.tf_file_id);
  for (const [sliceId, status] of [
    [1, 'completed'],
    [2, 'queued'],
  ] as const)
    await postJson(t, '/api/tf-slices/', {
      fastmon_file: tfFileId,
      slice_id: sliceId,
      tf_first: (sliceId - 1) * 15,
      tf_last: sliceId * 15 - 1,
      tf_count: 15,
      run_number: 100010,
      status,
      assigned_worker: sliceId === 1 ? 'worker-1' : null,
      metadata: { note: `slice ${sliceId}` },
    });
  client = await connect(t, 'ws', 'modern');
});
afterAll(async () => {
  await client.close();
  await t.close();
});

describe('TF slice tools (swf-monitor names and shapes)', () => {
  it('swf_list_tf_slices lists slices with their TF sample and STF file, filtered', async () => {
    const all = await callOk<{ items: Record<string, unknown>[]; total_count: number }>(
      client,
      'swf_list_tf_slices',
      { run_number: 100010 },
    );
    expect(all.total_count).toBe(2);
    expect(Object.keys(all.items[0]!).sort()).toEqual([
      'assigned_worker',
      'completed_at',
      'created_at',
      'fastmon_file_id',
      'id',
      'run_number',
      'slice_id',
      'status',
      'stf_filename',
      'tf_count',
      'tf_filename',
      'tf_first',
      'tf_last',
    ]);
    expect(all.items.map((s) => s.slice_id)).toEqual([2, 1]);
    expect(all.items[0]).toMatchObject({
      fastmon_file_id: tfFileId,
      tf_filename: TF,
      stf_filename: STF,
    });
    for (const [filter, expected] of [
      [{ status: 'COMPLETED' }, [1]],
      [{ assigned_worker: 'worker-1' }, [1]],
      [{ stf_filename: STF, status: 'queued' }, [2]],
      [{ tf_filename: 'other.tf' }, []],
      [{ fastmon_file_id: tfFileId }, [2, 1]],
    ] as const) {
      const r = await callOk<{ items: { slice_id: number }[] }>(client, 'swf_list_tf_slices', {
        ...filter,
      });
      expect(r.items.map((s) => s.slice_id)).toEqual(expected);
    }
  });

  it('swf_get_tf_slice answers one slice by TF filename and slice id', async () => {
    const s = await callOk<Record<string, unknown>>(client, 'swf_get_tf_slice', {
      tf_filename: TF,
      slice_id: 1,
    });
    expect(Object.keys(s).sort()).toEqual([
      'assigned_at',
      'assigned_worker',
      'completed_at',
      'metadata',
      'retries',
      'run_number',
      'slice_id',
      'status',
      'stf_filename',
      'tf_count',
      'tf_filename',
      'tf_first',
      'tf_last',
    ]);
    expect(s).toMatchObject({
      slice_id: 1,
      stf_filename: STF,
      tf_first: 0,
      tf_last: 14,
      status: 'completed',
      retries: 0,
      metadata: { note: 'slice 1' },
    });
    expect(await callError(client, 'swf_get_tf_slice', { tf_filename: TF, slice_id: 9 })).toMatch(
      /not found.*swf_list_tf_slices/,
    );
  });
});

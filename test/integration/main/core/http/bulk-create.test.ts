import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BULK_ITEMS } from '../../../../../src/shared/input-bounds.js';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';

/**
 * `POST /api/fastmon-files/` and `/api/stf-files/` also take a list (the rows of concurrent STFs
 * in one request, what the built-in fastmon and data agents send): stored all or none, answered as
 * DRF's `many=True` serializers answer, 201 with the rows or 400 with one error object per item.
 */
type Row = Record<string, unknown>;

describe('bulk create of fastmon and STF files', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await startTestCore();
    const stf = await t.api('/api/stf-files/', {
      method: 'POST',
      json: { stf_filename: 'bulk.stf', run_number: 1 },
    });
    expect(stf.status).toBe(201);
  });
  afterAll(() => t.close());

  const post = async (json: unknown) => {
    const res = await t.api('/api/fastmon-files/', { method: 'POST', json });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const stored = async () =>
    ((await (await t.api('/api/fastmon-files/?stf_file=bulk.stf')).json()) as Row[]).map(
      (r) => r.tf_filename,
    );
  const sample = (i: number) => ({
    stf_file: 'bulk.stf',
    tf_filename: `bulk_${i}.tf`,
    tf_count: i,
  });

  it('stores a list and answers 201 with each stored row in order', async () => {
    const res = await post([sample(1), sample(2), sample(3)]);
    expect(res.status).toBe(201);
    const rows = res.body as Row[];
    expect(rows.map((r) => [r.tf_filename, r.tf_count])).toEqual([
      ['bulk_1.tf', 1],
      ['bulk_2.tf', 2],
      ['bulk_3.tf', 3],
    ]);
    for (const r of rows) expect(r.tf_file_id).toEqual(expect.any(String));
    expect((await stored()).sort()).toEqual(['bulk_1.tf', 'bulk_2.tf', 'bulk_3.tf']);
  });

  it('refuses the whole list when one item is bad, naming it by position', async () => {
    const res = await post([sample(4), { stf_file: 'nope.stf', tf_filename: 'x.tf' }, sample(5)]);
    expect(res.status).toBe(400);
    expect(res.body).toEqual([
      {},
      { stf_file: ['Object with stf_filename=nope.stf does not exist.'] },
      {},
    ]);
    expect(await stored()).not.toContain('bulk_4.tf');
  });

  it('stores none when a row fails inside the transaction (a duplicate)', async () => {
    const res = await post([sample(6), sample(1)]);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(/already exists/);
    expect(await stored()).not.toContain('bulk_6.tf');
  });

  it('refuses an empty list and one over the bound', async () => {
    expect((await post([])).status).toBe(400);
    const many = Array.from({ length: MAX_BULK_ITEMS + 1 }, (_, i) => sample(100 + i));
    const res = await post(many);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      non_field_errors: [`Expected a list of 1 to ${MAX_BULK_ITEMS} items.`],
    });
    expect(await stored()).not.toContain('bulk_100.tf');
  });

  it('takes a list of STF files too, all or none', async () => {
    const postStfs = async (names: string[]) => {
      const res = await t.api('/api/stf-files/', {
        method: 'POST',
        json: names.map((stf_filename) => ({ stf_filename, run_number: 1, status: 'processed' })),
      });
      return { status: res.status, body: (await res.json()) as Row[] };
    };
    const ok = await postStfs(['l1.stf', 'l2.stf']);
    expect(ok.status).toBe(201);
    expect(ok.body.map((r) => [r.stf_filename, r.status])).toEqual([
      ['l1.stf', 'processed'],
      ['l2.stf', 'processed'],
    ]);
    const dup = await postStfs(['l3.stf', 'l1.stf']);
    expect(dup.status).toBe(400);
    expect(JSON.stringify(dup.body)).toMatch(/already exists/);
    const l3 = (await (await t.api('/api/stf-files/?stf_filename=l3.stf')).json()) as Row[];
    expect(l3).toEqual([]);
  });

  it('keeps refusing lists where swf-monitor does (other endpoints)', async () => {
    const res = await t.api('/api/runs/', { method: 'POST', json: [{ run_number: 7 }] });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(/Expected a dictionary/);
  });
});

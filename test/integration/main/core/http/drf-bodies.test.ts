import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';

/**
 * Bodies as DRF's model serializers take them: integers written as strings, `null` where the model
 * allows it, unknown fields ignored, errors as `{"field": ["message"]}`; numbers rendered as
 * numbers. Then a seeded fuzz over every write route: no body yields a 5xx.
 */
type Row = Record<string, unknown>;

/** Small deterministic PRNG (mulberry32) so a failure replays. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('request bodies as DRF takes them', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await startTestCore();
  });
  afterAll(() => t.close());

  const send = async (method: string, path: string, json: unknown) => {
    const res = await t.api(path, { method, json });
    return { status: res.status, body: (await res.json().catch(() => null)) as Row };
  };

  it('takes integer strings, nulls where the model allows them, and ignores unknown fields', async () => {
    const ev = await send('POST', '/api/system-state-events/', {
      timestamp: '2026-02-01T10:00:00Z',
      run_number: '100010',
      event_type: 'run_start',
      state: 'run',
      substate: null,
      event_data: { a: 1 },
      no_such_field: 'dropped',
    });
    expect(ev.status).toBe(201);
    expect(ev.body).toMatchObject({ run_number: 100010, substate: null });
    expect(ev.body).not.toHaveProperty('no_such_field');

    const rs = await send('POST', '/api/run-states/', {
      run_number: '100010',
      phase: 'physics',
      state: 'run',
      substate: null,
      target_worker_count: '4',
      state_changed_at: '2026-02-01T10:00:00Z',
    });
    expect(rs.status).toBe(201);
    expect(rs.body).toMatchObject({ run_number: 100010, substate: null, target_worker_count: 4 });
    const listed = (await (await t.api('/api/run-states/')).json()) as Row[];
    expect(listed.map((r) => r.run_number)).toEqual([100010]);
    expect((await send('GET', '/api/run-states/100010/', undefined)).body.run_number).toBe(100010);
    const patched = await send('PATCH', '/api/run-states/100010/', {
      slices_completed: '3',
      substate: null,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ run_number: 100010, slices_completed: 3, substate: null });

    await send('POST', '/api/fastmon-files/', { stf_file: 'x', tf_filename: 'y' });
    await send('POST', '/api/stf-files/', { stf_filename: 'x.stf' });
    await send('POST', '/api/fastmon-files/', { stf_file: 'x.stf', tf_filename: 'x-1.tf' });
    const slice = await send('POST', '/api/tf-slices/', {
      fastmon_file: 'x-1.tf',
      slice_id: '1',
      tf_first: '1',
      tf_last: '10',
      tf_count: '10.0',
      run_number: '100010',
    });
    expect(slice.status).toBe(201);
    expect(slice.body).toMatchObject({ slice_id: 1, tf_count: 10, run_number: 100010 });

    const log = await send('POST', '/api/logs/', {
      app_name: 'a',
      instance_name: 'a-1',
      timestamp: '2026-02-01T10:00:00Z',
      level: '20',
      levelname: 'INFO',
      message: 'm',
      module: 'm',
      funcname: 'f',
      lineno: '145',
      process: '1234',
      thread: '140211',
    });
    expect(log.status).toBe(201);
    expect(log.body).toMatchObject({ level: 20, lineno: 145, process: 1234 });
  });

  it.each([
    ['/api/runs/', { run_number: 'ten' }, { run_number: ['A valid integer is required.'] }],
    ['/api/runs/', { run_number: null }, { run_number: ['This field may not be null.'] }],
    ['/api/runs/', { start_time: null }, { run_number: ['This field is required.'] }],
    ['/api/runs/', { run_number: 5, start_time: 'yesterday' }, { start_time: expect.any(Array) }],
    [
      '/api/run-states/',
      { run_number: 7, phase: null, state: 'x' },
      { phase: ['This field may not be null.'] },
    ],
    [
      '/api/stf-files/',
      { stf_filename: 'z', status: 'lost' },
      { status: ['"lost" is not a valid choice.'] },
    ],
    ['/api/stf-files/', { stf_filename: ['z'] }, { stf_filename: ['Not a valid string.'] }],
    [
      '/api/subscribers/',
      { subscriber_name: 's', is_active: 'maybe' },
      { is_active: ['Must be a valid boolean.'] },
    ],
  ])('answers %s %j with 400 %j', async (path, body, expected) => {
    const res = await send('POST', path, body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(expected);
  });

  it(
    'never answers a 5xx to any body on any write route (seeded fuzz)',
    { timeout: 60_000 },
    async () => {
      // One valid row per resource so that updates have a target.
      const seeds: [string, Row, string][] = [
        ['/api/runs/', { run_number: 900 }, 'run_id'],
        ['/api/run-states/', { run_number: 900, phase: 'p', state: 's' }, 'run_number'],
        ['/api/stf-files/', { stf_filename: 'fz.stf' }, 'file_id'],
        ['/api/fastmon-files/', { stf_file: 'fz.stf', tf_filename: 'fz.tf' }, 'tf_file_id'],
        ['/api/tf-slices/', { fastmon_file: 'fz.tf', slice_id: 1 }, 'id'],
        [
          '/api/system-state-events/',
          { timestamp: '2026-01-01T00:00:00Z', event_type: 'e' },
          'event_id',
        ],
        ['/api/workflow-definitions/', { workflow_name: 'w', version: '1' }, 'id'],
        ['/api/workflow-executions/', { execution_id: 'fz-1' }, 'execution_id'],
        ['/api/workflow-stages/', { agent_name: 'a', agent_type: 'data' }, 'stage_id'],
        ['/api/subscribers/', { subscriber_name: 'fz' }, 'subscriber_id'],
        ['/api/systemagents/', { instance_name: 'fz', agent_type: 'data', status: 'OK' }, 'id'],
      ];
      const targets: { base: string; key: string; fields: string[] }[] = [];
      for (const [base, body, keyName] of seeds) {
        const res = await send('POST', base, body);
        expect(res.status, `${base} ${JSON.stringify(res.body)}`).toBe(201);
        targets.push({
          base,
          key: encodeURIComponent(String(res.body[keyName])),
          fields: Object.keys(res.body),
        });
      }
      const plain = [
        '/api/logs/',
        '/api/namespaces/ensure/',
        '/api/systemagents/heartbeat/',
        '/api/state/next-run-number/',
      ];
      const logFields = ['app_name', 'instance_name', 'timestamp', 'level', 'levelname', 'message'];
      const values: unknown[] = [
        null,
        '',
        '0',
        '100010',
        ' 42 ',
        '1.5',
        '-1',
        '9'.repeat(40),
        'abc',
        'x'.repeat(300),
        '2026-01-01T00:00:00Z',
        '2026-13-45T99:99:99Z',
        0,
        -1,
        1.5,
        1e308,
        -1e308,
        2 ** 63,
        true,
        false,
        [],
        [1, 'a'],
        {},
        { a: { b: [null] } },
        'registered',
        'null',
        '\u0000',
      ];
      const r = rng(20261201);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
      const body = (fields: string[]): unknown => {
        const roll = r();
        if (roll < 0.05) return pick(values);
        const out: Row = {};
        const n = 1 + Math.floor(r() * Math.max(1, fields.length));
        for (let i = 0; i < n; i++) out[r() < 0.9 ? pick(fields) : `extra_${i}`] = pick(values);
        return out;
      };
      const statuses = new Map<number, number>();
      const failures: string[] = [];
      const TOTAL = 2400;
      for (let i = 0; i < TOTAL; i += 30) {
        await Promise.all(
          Array.from({ length: 30 }, async () => {
            let method = 'POST';
            let path: string;
            let fields: string[];
            if (r() < 0.15) {
              path = pick(plain);
              fields = logFields.concat([
                'name',
                'owner',
                'instance_name',
                'pid',
                'workflow_enabled',
              ]);
            } else {
              const target = pick(targets);
              fields = target.fields;
              method = pick(['POST', 'POST', 'PATCH', 'PUT']);
              path = method === 'POST' ? target.base : `${target.base}${target.key}/`;
            }
            const b = body(fields);
            const res = await t.api(path, { method, json: b });
            await res.arrayBuffer();
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            if (res.status >= 500)
              failures.push(`${method} ${path} ${JSON.stringify(b)} -> ${res.status}`);
          }),
        );
      }
      expect(failures.slice(0, 10)).toEqual([]);
      // The fuzz reached both outcomes: accepted writes and refusals.
      expect((statuses.get(200) ?? 0) + (statuses.get(201) ?? 0)).toBeGreaterThan(100);
      expect(statuses.get(400) ?? 0).toBeGreaterThan(500);
      expect(t.core.store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    },
  );
});

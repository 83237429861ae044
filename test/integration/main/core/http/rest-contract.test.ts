import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';

/** The swf-monitor REST contract the unchanged agents rely on. */
describe('swf-monitor compatible REST API', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await startTestCore();
  });
  afterAll(() => t.close());

  const heartbeat = (json: unknown, auth?: string) =>
    t.api('/api/systemagents/heartbeat/', {
      method: 'POST',
      json,
      headers: auth ? { authorization: auth } : {},
    });

  it('upserts heartbeats by instance_name: 201 new, 200 existing, 400 without it', async () => {
    const first = await heartbeat({
      instance_name: 'data-agent-alice-1',
      agent_type: 'DATA',
      status: 'OK',
      description: 'DATA agent. MQ: connected',
      mq_connected: true,
      pid: 41,
      hostname: 'lap',
      operational_state: 'READY',
      namespace: 'alice1',
    });
    expect(first.status).toBe(201);
    const a = (await first.json()) as Record<string, unknown>;
    expect(Object.keys(a)).toEqual([
      'id',
      'instance_name',
      'agent_type',
      'description',
      'status',
      'last_heartbeat',
      'agent_url',
      'workflow_enabled',
      'current_stf_count',
      'total_stf_processed',
      'last_stf_processed',
      'pid',
      'hostname',
      'operational_state',
      'namespace',
      'metadata',
      'created_at',
      'updated_at',
    ]);
    expect(a).toMatchObject({
      instance_name: 'data-agent-alice-1',
      agent_type: 'DATA',
      status: 'OK',
      pid: 41,
      operational_state: 'READY',
      namespace: 'alice1',
      workflow_enabled: true,
    });

    const second = await heartbeat({ instance_name: 'data-agent-alice-1' });
    expect(second.status).toBe(200);
    const b = (await second.json()) as Record<string, unknown>;
    expect(b.id).toBe(a.id);
    // Always-written fields fall back to their defaults; namespace is cleared when omitted.
    expect(b).toMatchObject({
      agent_type: 'other',
      description: '',
      status: 'OK',
      namespace: null,
      agent_url: null,
    });
    // Only-if-present fields keep their stored values.
    expect(b).toMatchObject({
      pid: 41,
      hostname: 'lap',
      operational_state: 'READY',
      workflow_enabled: true,
    });
    expect(Date.parse(b.last_heartbeat as string)).toBeGreaterThanOrEqual(
      Date.parse(a.last_heartbeat as string),
    );

    const missing = await heartbeat({ agent_type: 'DATA' });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ instance_name: ['This field is required.'] });
  });

  it('ignores a client timestamp, stores metadata, and sets only-if-present fields when given', async () => {
    const res = await heartbeat({
      instance_name: 'agent-manager-alice',
      agent_type: 'agent_manager',
      last_heartbeat: '1999-01-01T00:00:00Z',
      metadata: { supervisord_healthy: true },
      workflow_enabled: false,
      pid: null,
    });
    const body = (await res.json()) as Record<string, unknown>;
    expect(Date.parse(body.last_heartbeat as string)).toBeGreaterThan(Date.parse('2020-01-01'));
    expect(body.metadata).toEqual({ supervisord_healthy: true });
    expect(body.workflow_enabled).toBe(false);
    expect(body.pid).toBeNull();
  });

  it('accepts Token and Bearer, refuses a missing or wrong token with 401', async () => {
    const token = t.core.token;
    expect((await heartbeat({ instance_name: 'x1' }, `Token ${token}`)).status).toBe(201);
    expect((await heartbeat({ instance_name: 'x1' }, `Bearer ${token}`)).status).toBe(200);
    const wrong = await heartbeat({ instance_name: 'x1' }, 'Token nope');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ detail: 'Invalid token.' });
    const none = await fetch(new URL('/api/systemagents/', t.core.url));
    expect(none.status).toBe(401);
  });

  it('hands out counters where the monitor starts them, atomically', async () => {
    const post = (p: string) =>
      t.api(p, { method: 'POST' }).then((r) => r.json() as Promise<Record<string, unknown>>);
    expect(await post('/api/state/next-agent-id/')).toEqual({ agent_id: 1, status: 'success' });
    expect(await post('/api/state/next-agent-id/')).toEqual({ agent_id: 2, status: 'success' });
    expect(await post('/api/state/next-run-number/')).toEqual({
      run_number: 100010,
      status: 'success',
    });
    expect(await post('/api/state/next-workflow-execution-id/')).toEqual({
      sequence: 1,
      status: 'success',
    });
    const many = await Promise.all(
      Array.from({ length: 50 }, () => post('/api/state/next-run-number/')),
    );
    const numbers = many.map((m) => m.run_number as number).sort((x, y) => x - y);
    expect(new Set(numbers).size).toBe(50);
    expect(numbers[0]).toBe(100011);
    expect(numbers[49]).toBe(100060);
  });

  it('registers subscribers; a duplicate is a 400 containing "already exists"', async () => {
    const body = {
      subscriber_name: 'data-agent-alice-17-/topic/epictopic',
      description: 'DATA agent subscribing to /topic/epictopic',
      is_active: true,
      fraction: 1.0,
    };
    const first = await t.api('/api/subscribers/', { method: 'POST', json: body });
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({
      subscriber_name: body.subscriber_name,
      is_active: true,
      fraction: 1,
    });
    const dup = await t.api('/api/subscribers/', { method: 'POST', json: body });
    expect(dup.status).toBe(400);
    const text = await dup.text();
    expect(text).toContain('already exists');
    expect(text).toContain('subscriber');
  });

  it('takes logs without a token at /api/logs/ and the mid-2025 /api/v1/logs/, both spellings', async () => {
    const now = await fetch(new URL('/api/logs/', t.core.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        app_name: 'base_agent',
        instance_name: 'data-agent-alice-17',
        timestamp: '2026-03-01T14:02:11.532114',
        level: 20,
        levelname: 'INFO',
        message: 'Processing STF file',
        module: 'example_data_agent',
        funcname: 'handle_stf_gen',
        lineno: 274,
        process: 48211,
        thread: 140339772000000,
        extra_data: { execution_id: 'stf_datataking-alice-0044', run_id: 100123 },
      }),
    });
    expect(now.status).toBe(201);
    const old = await fetch(new URL('/api/v1/logs/', t.core.url), {
      method: 'POST',
      body: JSON.stringify({
        app_name: 'example_agent',
        instance_name: 'data-agent-example',
        level_name: 'WARNING',
        func_name: 'f',
        line_no: 3,
        message: 'old spelling',
      }),
    });
    expect(old.status).toBe(201);
    expect(await old.json()).toMatchObject({
      levelname: 'WARNING',
      level: 30,
      funcname: 'f',
      lineno: 3,
    });
    const list = (await (
      await t.api('/api/logs/?execution_id=stf_datataking-alice-0044')
    ).json()) as Record<string, unknown>[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ message: 'Processing STF file', thread: 140339772000000 });
    const summary = (await (await t.api('/api/logs/summary/')).json()) as Record<
      string,
      Record<string, { error_counts: Record<string, number> }>
    >;
    expect(summary.example_agent?.['data-agent-example']?.error_counts).toEqual({ WARNING: 1 });
  });

  it('answers both slash spellings and the production subpath, never with a 3xx', async () => {
    for (const path of [
      '/api/systemagents',
      '/api/systemagents/',
      '/api/v1/systemagents/',
      '/swf-monitor/api/systemagents/',
    ]) {
      const res = await t.api(path, { redirect: 'manual' });
      expect(res.status, path).toBe(200);
      expect(Array.isArray(await res.json())).toBe(true);
    }
  });

  it('lists as a bare array, or a DRF page with ?limit=', async () => {
    const page = (await (await t.api('/api/systemagents/?limit=1&offset=0')).json()) as {
      count: number;
      next: string | null;
      results: unknown[];
    };
    expect(page.results).toHaveLength(1);
    expect(page.count).toBeGreaterThan(1);
    expect(page.next).toContain('offset=1');
  });

  it('records runs, STF files and fastmon files with their references checked', async () => {
    const run = await t.api('/api/runs/', {
      method: 'POST',
      json: {
        run_number: 100123,
        start_time: '2026-03-01T14:00:00Z',
        run_conditions: { beam: 'on' },
      },
    });
    expect(run.status).toBe(201);
    const { run_id } = (await run.json()) as { run_id: number };
    const stf = await t.api('/api/stf-files/', {
      method: 'POST',
      json: {
        run: run_id,
        run_number: 100123,
        stf_filename: 'swf.100123.000001.stf',
        file_size_bytes: 1024,
        checksum: 'ad:1234',
        metadata: { n: 1 },
      },
    });
    expect(stf.status).toBe(201);
    const stfBody = (await stf.json()) as { file_id: string; status: string };
    expect(stfBody.status).toBe('registered');
    expect(stfBody.file_id).toMatch(/^[0-9a-f-]{36}$/);
    const bad = await t.api('/api/stf-files/', {
      method: 'POST',
      json: { run: 999999, stf_filename: 'x.stf' },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ run: ['Invalid pk "999999" - object does not exist.'] });
    const patched = await t.api(`/api/stf-files/${stfBody.file_id}/`, {
      method: 'PATCH',
      json: { status: 'processed' },
    });
    expect(await patched.json()).toMatchObject({
      status: 'processed',
      stf_filename: 'swf.100123.000001.stf',
    });
    const filtered = (await (
      await t.api('/api/stf-files/?stf_filename=swf.100123.000001.stf')
    ).json()) as unknown[];
    expect(filtered).toHaveLength(1);
    const tf = await t.api('/api/fastmon-files/', {
      method: 'POST',
      json: { stf_file: 'swf.100123.000001.stf', tf_filename: 'swf.100123.000001.tf', tf_count: 3 },
    });
    expect(tf.status).toBe(201);
    expect(await tf.json()).toMatchObject({
      tf_file_id: expect.any(String),
      stf_file: 'swf.100123.000001.stf',
    });
    const tfBad = await t.api('/api/fastmon-files/', {
      method: 'POST',
      json: { stf_file: 'nope.stf', tf_filename: 'y.tf' },
    });
    expect(await tfBad.json()).toEqual({
      stf_file: ['Object with stf_filename=nope.stf does not exist.'],
    });
  });

  it('ensures namespaces and records workflow executions', async () => {
    const first = await t.api('/api/namespaces/ensure/', {
      method: 'POST',
      json: { name: 'alice1', owner: 'alice' },
    });
    expect(await first.json()).toMatchObject({
      name: 'alice1',
      owner: 'alice',
      created: true,
      status: 'success',
    });
    const again = await t.api('/api/namespaces/ensure/', {
      method: 'POST',
      json: { name: 'alice1', owner: 'alice' },
    });
    expect(await again.json()).toMatchObject({ created: false, status: 'success' });
    expect(
      (await t.api('/api/namespaces/ensure/', { method: 'POST', json: { name: 'x' } })).status,
    ).toBe(400);
    const ex = await t.api('/api/workflow-executions/', {
      method: 'POST',
      json: {
        execution_id: 'stf_datataking-alice-0001',
        namespace: 'alice1',
        status: 'running',
        parameter_values: { stf_count: 5 },
      },
    });
    expect(ex.status).toBe(201);
    const got = await t.api('/api/workflow-executions/stf_datataking-alice-0001/');
    expect(await got.json()).toMatchObject({
      parameter_values: { stf_count: 5 },
      status: 'running',
    });
  });

  it('checks Host and Origin against DNS rebinding', async () => {
    const raw = (headers: Record<string, string>) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: t.core.port,
            path: '/api/systemagents/',
            headers: { authorization: `Token ${t.core.token}`, ...headers },
          },
          (res) => {
            let body = '';
            res.on('data', (d: Buffer) => (body += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.end();
      });
    expect((await raw({ host: `localhost:${t.core.port}` })).status).toBe(200);
    const evil = await raw({ host: `evil.example:${t.core.port}` });
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body).detail).toMatch(/Host/);
    expect((await raw({ origin: 'http://evil.example' })).status).toBe(403);
    expect((await raw({ origin: `http://127.0.0.1:${t.core.port}` })).status).toBe(200);
  });
});

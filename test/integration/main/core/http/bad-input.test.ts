import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';

/** Deterministic pseudo-random source so a failing fuzz case can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomValue(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * (depth > 2 ? 6 : 8));
  switch (k) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2:
      return Math.floor((r() - 0.5) * 1e12);
    case 3:
      return r() * 1e6;
    case 4:
      return 'x'.repeat(Math.floor(r() * 300));
    case 5:
      return String.fromCharCode(...Array.from({ length: 8 }, () => Math.floor(r() * 0xd7ff)));
    case 6:
      return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
    default: {
      const keys = [
        'instance_name',
        'agent_type',
        'status',
        'pid',
        'namespace',
        'metadata',
        'run_number',
        'stf_filename',
        'subscriber_name',
        'app_name',
        'message',
        'levelname',
        'extra_data',
        'operational_state',
        'workflow_enabled',
        '__proto__',
        'constructor',
      ];
      const o: Record<string, unknown> = {};
      for (let i = 0; i < 1 + r() * 5; i++)
        o[keys[Math.floor(r() * keys.length)]!] = randomValue(r, depth + 1);
      return o;
    }
  }
}

function randomBody(r: () => number): string {
  const kind = r();
  if (kind < 0.15)
    return Buffer.from(
      Array.from({ length: Math.floor(r() * 200) }, () => Math.floor(r() * 256)),
    ).toString('latin1');
  if (kind < 0.25) return JSON.stringify(randomValue(r)).slice(0, Math.floor(r() * 50));
  return JSON.stringify(randomValue(r));
}

describe('bad input never takes the core down or loses data', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await startTestCore();
  });
  afterAll(() => t.close());

  it('answers each kind of bad request with a clear 4xx JSON error', async () => {
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      t.api(path, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...headers },
      });

    const malformed = await post('/api/systemagents/heartbeat/', '{"instance_name": ');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { detail: string }).detail).toMatch(/JSON parse error/);

    const wrongType = await post(
      '/api/systemagents/heartbeat/',
      JSON.stringify({ instance_name: 'a', pid: 'forty' }),
    );
    expect(wrongType.status).toBe(400);
    expect(await wrongType.json()).toHaveProperty('pid');

    const list = await post('/api/systemagents/heartbeat/', '[1,2]');
    expect(list.status).toBe(400);
    expect(JSON.stringify(await list.json())).toMatch(/Expected a dictionary, but got list/);

    const huge = await post(
      '/api/logs/',
      JSON.stringify({ message: 'x'.repeat(1024 * 1024 + 10) }),
    );
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { detail: string }).detail).toMatch(/limit/);

    const unknown = await t.api('/api/no-such-thing/');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ detail: 'Not found.' });

    const method = await t.api('/api/state/next-agent-id/');
    expect(method.status).toBe(405);
    expect(await method.json()).toEqual({ detail: 'Method "GET" not allowed.' });

    const missingLog = await post('/api/logs/', JSON.stringify({ app_name: 'a' }));
    expect(missingLog.status).toBe(400);
    expect(await missingLog.json()).toHaveProperty('instance_name');

    const badLimit = await t.api('/api/runs/?limit=-3');
    expect(badLimit.status).toBe(400);
  });

  it('closes a connection that sends garbage instead of HTTP, and keeps serving', async () => {
    const reply = await new Promise<string>((resolve) => {
      const s = connect(t.core.port, '127.0.0.1', () => s.write('\x00\x01GARBAGE\r\n\r\n'));
      let buf = '';
      s.on('data', (d) => (buf += d.toString()));
      s.on('close', () => resolve(buf));
    });
    expect(reply).toMatch(/^HTTP\/1.1 400/);
    expect((await t.api('/api/systemagents/')).status).toBe(200);
  });

  it(
    'survives 3,000 random bodies across the API with stored data intact',
    { timeout: 180_000 },
    async () => {
      // Known data first.
      for (let i = 0; i < 20; i++) {
        const res = await t.api('/api/systemagents/heartbeat/', {
          method: 'POST',
          json: { instance_name: `keep-${i}`, agent_type: 'DATA', namespace: 'ns', pid: i },
        });
        expect(res.ok).toBe(true);
      }
      // Run id 1 is fair game for the fuzzer's id-addressed writes; the checked run is id 2.
      await t.api('/api/runs/', { method: 'POST', json: { run_number: 1 } });
      await t.api('/api/runs/', { method: 'POST', json: { run_number: 4242 } });
      const before = JSON.stringify(
        t.core.store.agents.all().filter((a) => a.instance_name.startsWith('keep-')),
      );

      const paths = [
        '/api/systemagents/heartbeat/',
        '/api/systemagents/',
        '/api/subscribers/',
        '/api/logs/',
        '/api/runs/',
        '/api/stf-files/',
        '/api/fastmon-files/',
        '/api/namespaces/ensure/',
        '/api/workflow-executions/',
        '/api/run-states/',
        '/api/systemagents/1/',
        '/api/runs/1/',
      ];
      const methods = ['POST', 'POST', 'POST', 'PATCH', 'PUT'];
      const r = rng(20261124);
      const statuses = new Map<number, number>();
      const batch = 25;
      for (let i = 0; i < 3000; i += batch) {
        const results = await Promise.all(
          Array.from({ length: batch }, () => {
            const path = paths[Math.floor(r() * paths.length)]!;
            const method = path.match(/\/\d+\/$/)
              ? methods[Math.floor(r() * methods.length)]!
              : 'POST';
            // Never aim random writes at the rows we check afterwards.
            const body = randomBody(r).replace(/keep-/g, 'fuzz-');
            return t
              .api(path, { method, body, headers: { 'content-type': 'application/json' } })
              .then(async (res) => {
                await res.arrayBuffer();
                return res.status;
              });
          }),
        );
        for (const s of results) statuses.set(s, (statuses.get(s) ?? 0) + 1);
      }
      // Every answer is a 2xx or a clear 4xx; never a 5xx.
      expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
      expect(statuses.get(400) ?? 0).toBeGreaterThan(500);

      // Still serving, and the known rows are untouched (agent 1 may have been PATCHed: it is keep-0, so exclude id-addressed writes).
      const res = await t.api('/api/systemagents/heartbeat/', {
        method: 'POST',
        json: { instance_name: 'after-fuzz' },
      });
      expect(res.status).toBe(201);
      const after = t.core.store.agents
        .all()
        .filter((a) => a.instance_name.startsWith('keep-') && a.id !== 1);
      expect(JSON.stringify(after)).toBe(
        JSON.stringify((JSON.parse(before) as { id: number }[]).filter((a) => a.id !== 1)),
      );
      expect(t.core.store.runs.list({ run_number: 4242 }).total).toBe(1);
      expect(t.core.store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    },
  );
});

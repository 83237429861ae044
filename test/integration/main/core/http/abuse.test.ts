import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mcpPost, mcpSession, nestedJson, RawUi } from '../../../../helpers/abuse-clients.js';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';
import { connect } from '../../../../helpers/mcp-client.js';

/**
 * Replays what a hostile local process tried against the core's HTTP side; each case is bounded
 * so the suite stays fast.
 */
describe('abuse: HTTP, MCP and /ws/ui ingress', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await startTestCore();
  });
  afterAll(() => t.close());
  const post = (body: string) =>
    t.api('/api/systemagents/heartbeat/', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });

  it('a catastrophic regular expression over 200,000 stored lines answers within 1 s', async () => {
    const insert = t.core.store.db.prepare(
      "INSERT INTO process_output (program, at, stream, line) VALUES ('data', '2026-12-01T00:00:00Z', 'stdout', ?)",
    );
    t.core.store.db.transaction(() => {
      for (let i = 0; i < 200_000; i++)
        insert.run(`agent line ${i} processing swf.000123.${i}.stf ${'a'.repeat(i % 40)}`);
    })();

    const started = performance.now();
    const pending = t.api(
      `/api/cc/processes/data/search/?regex=true&q=${encodeURIComponent('^(.+)+X$')}`,
    );
    // The rest of the API is served while the search runs.
    const probe = await t.api('/api/systemagents/');
    expect(probe.status).toBe(200);
    const res = await pending;
    const elapsed = performance.now() - started;
    const body = (await res.json()) as { lines?: unknown[]; detail?: string };
    expect(elapsed).toBeLessThan(1_000);
    // Either every line was scanned (no match), or the search was cut and says so.
    if (res.status === 200) expect(body.lines).toEqual([]);
    else {
      expect(res.status).toBe(400);
      expect(body.detail).toMatch(/search cut after \d+ ms/);
    }

    const found = await t.api(
      `/api/cc/processes/data/search/?regex=true&q=${encodeURIComponent('line 19999[0-9] ')}&limit=10`,
    );
    expect(found.status, await found.clone().text()).toBe(200);
    expect(((await found.json()) as { lines: unknown[] }).lines).toHaveLength(10);

    const bad = await t.api(
      `/api/cc/processes/data/search/?regex=true&q=${encodeURIComponent('(')}`,
    );
    expect(bad.status).toBe(400);
  });

  it('deep heartbeat metadata is a 400 naming the field, on REST and on the shared STOMP path', async () => {
    const res = await post(`{"instance_name":"deep-agent","metadata":${nestedJson(4_200)}}`);
    expect(res.status).toBe(400);
    expect(Object.keys((await res.json()) as object)).toEqual(['metadata']);
    // The recorder hands STOMP heartbeats to the same service.
    expect(() =>
      t.core.heartbeats.submit(
        { instance_name: 'deep-stomp', metadata: JSON.parse(nestedJson(100)) as unknown },
        'stomp',
      ),
    ).toThrow(/nested deeper than 64/);
    const list = await t.api('/api/systemagents/');
    expect(list.status).toBe(200);
    expect(JSON.stringify(await list.json())).not.toMatch(/deep-agent|deep-stomp/);
  });

  it('deep heartbeats among 400 good ones fail alone', async () => {
    const good = Array.from({ length: 400 }, (_, i) =>
      t.api('/api/systemagents/heartbeat/', {
        method: 'POST',
        json: { instance_name: `good-${i}`, metadata: { i } },
      }),
    );
    const bad = Array.from({ length: 4 }, () =>
      post(`{"instance_name":"bad","metadata":${nestedJson(4_200)}}`),
    );
    const goodStatuses = (await Promise.all(good)).map((r) => r.status);
    const badStatuses = (await Promise.all(bad)).map((r) => r.status);
    expect(goodStatuses.filter((s) => s !== 201 && s !== 200)).toEqual([]);
    expect(badStatuses).toEqual([400, 400, 400, 400]);
  });

  it('a row the store refuses inside a group commit fails alone; its batch neighbours commit', async () => {
    // A trigger stands in for any store-time failure of one row.
    t.core.store.db.exec(`CREATE TRIGGER poison BEFORE INSERT ON agents
      WHEN NEW.instance_name = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned row'); END`);
    try {
      const results = await Promise.allSettled([
        ...Array.from({ length: 50 }, (_, i) =>
          t.core.heartbeats.submit({ instance_name: `batch-${i}` }, 'stomp'),
        ),
        t.core.heartbeats.submit({ instance_name: 'poison' }, 'stomp'),
      ]);
      expect(results.slice(0, 50).every((r) => r.status === 'fulfilled')).toBe(true);
      expect(results[50]!.status).toBe('rejected');
      expect(t.core.store.agents.get('batch-49')).toBeDefined();
    } finally {
      t.core.store.db.exec('DROP TRIGGER poison');
    }
  });

  it('a deep value already in an old database breaks neither a read nor the UI snapshot', async () => {
    const deep = '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000);
    t.core.store.db
      .prepare(
        `INSERT INTO agents (instance_name, agent_type, description, status, metadata, created_at, updated_at)
         VALUES ('legacy-deep', 'DATA', '', 'OK', ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
      )
      .run(deep);
    t.core.store.db
      .prepare(
        `INSERT INTO agents (instance_name, agent_type, description, status, metadata, created_at, updated_at)
         VALUES ('legacy-garbled', 'DATA', '', 'OK', '{not json', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
      )
      .run();
    const list = await t.api('/api/systemagents/');
    expect(list.status).toBe(200);
    const text = await list.text();
    expect(text).toMatch(/legacy-deep/);
    expect(text).toMatch(/legacy-garbled/);
    const ui = await RawUi.open(t);
    try {
      const snap = await ui.next((f) => f.type === 'snapshot');
      expect(JSON.stringify(snap)).toMatch(/legacy-deep/);
    } finally {
      ui.close();
    }
  });

  it('MCP tools/call with 50,000-deep arguments is a JSON-RPC error, not a 500', async () => {
    const sid = await mcpSession(t);
    const call = (headers: Record<string, string>) =>
      mcpPost(
        t,
        `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"swf_list_agents","arguments":${nestedJson(50_000)}}}`,
        headers,
      );
    const variants: Record<string, string>[] = [{ 'mcp-session-id': sid }, {}];
    for (const headers of variants) {
      const res = await call(headers);
      expect(res.status).toBe(400);
      const body = JSON.parse(res.body) as { error: { code: number; message: string } };
      expect(body.error.code).toBe(-32600);
      expect(body.error.message).toMatch(/nested deeper than 64/);
    }
  });

  it('/ws/ui refuses a deep command with a result naming the limit and keeps the session', async () => {
    const ui = await RawUi.open(t);
    try {
      await ui.next((f) => f.type === 'snapshot');
      ui.sendText(
        `{"type":"command","id":"deep","command":"logs.query","args":${nestedJson(5_000)}}`,
      );
      const refused = await ui.next((f) => f.type === 'result' && f.ok === false);
      expect(refused.error).toMatch(/nested deeper than 64/);
      const ok = await ui.command('logs.query', {});
      expect(ok.ok).toBe(true);
    } finally {
      ui.close();
    }
  });

  it('acting MCP tools refuse unknown arguments and out-of-range numbers without acting', async () => {
    const client = await connect(t, 'http', 'legacy', 'abuse');
    try {
      const text = (r: { content?: unknown }) => JSON.stringify(r.content);
      const stopAll = await client.callTool({
        name: 'swf_stop_all_agents',
        arguments: { no_such_argument: 1 },
      });
      expect(stopAll.isError).toBe(true);
      expect(text(stopAll)).toMatch(/no_such_argument/);
      const huge = await client.callTool({
        name: 'swf_start_workflow',
        arguments: { duration: 1e308 },
      });
      expect(huge.isError).toBe(true);
      expect(text(huge)).toMatch(/duration/);
      const ns = await client.callTool({
        name: 'swf_start_workflow',
        arguments: { namespace: '../../etc' },
      });
      expect(ns.isError).toBe(true);
      expect(text(ns)).toMatch(/namespace/);
      // The refused calls never reached the workflow queue.
      expect(t.core.store.workflowMessages.query({ messageType: 'run_workflow' }).total).toBe(0);
    } finally {
      await client.close();
    }
  });

  it('/ws/ui commands and settings refuse unknown keys, prototype keys and a CA file that is not PEM', async () => {
    const ui = await RawUi.open(t);
    try {
      await ui.next((f) => f.type === 'snapshot');
      const extra = await ui.command('logs.query', { no_such_argument: 1 });
      expect(extra.ok).toBe(false);
      expect(extra.error).toMatch(/no_such_argument/);
      for (const values of [
        { constructor: { x: 1 } },
        { toString: 1 },
        JSON.parse('{"__proto__": {"polluted": 1}}') as unknown,
        { namespace: 'bad namespace!' },
        { broker: { caFile: '/etc/shadow' } },
        { broker: { caFile: '/etc/hostname' } },
      ]) {
        const r = await ui.command('settings.set', { values });
        expect(r.ok, JSON.stringify(values)).toBe(false);
        expect(r.error, JSON.stringify(values)).not.toMatch(/is not a function/);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      const ok = await ui.command('settings.set', { values: { namespace: 'good.ns-1' } });
      expect(ok.ok).toBe(true);
    } finally {
      ui.close();
    }
  });

  it('a deep workflow message reaching the store is kept with a note, and reads stay whole', async () => {
    const rec = t.core.store.workflowMessages.append(
      {
        message_type: 'deep_test',
        sender_agent: 'abuse',
        recipient_agent: null,
        namespace: 'test-ns',
        execution_id: null,
        run_id: null,
        queue_name: '/topic/epictopic',
        message_content: JSON.parse(nestedJson(5_000)) as unknown,
      },
      new Date().toISOString(),
    );
    expect(JSON.stringify(rec.message_content)).toMatch(/nested deeper than 64/);
    const ui = await RawUi.open(t);
    try {
      await ui.next((f) => f.type === 'snapshot');
      const r = await ui.command('messages.query', { limit: 5 });
      expect(r.ok).toBe(true);
      expect(JSON.stringify(r)).toMatch(/deep_test/);
    } finally {
      ui.close();
    }
  });

  it('MCP over WebSocket answers 50,000-deep arguments with a JSON-RPC error and serves on', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${t.core.port}/ws/mcp/`, ['mcp'], {
      headers: { authorization: `Bearer ${t.core.token}` },
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    try {
      const reply = new Promise<string>((resolve) => ws.once('message', (d) => resolve(String(d))));
      ws.send(
        `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"swf_list_agents","arguments":${nestedJson(50_000)}}}`,
      );
      const body = JSON.parse(await reply) as { error: { code: number; message: string } };
      expect(body.error.code).toBe(-32600);
      expect(body.error.message).toMatch(/nested deeper than 64/);
      expect(ws.readyState).toBe(WebSocket.OPEN);
    } finally {
      ws.close();
    }
  });
});

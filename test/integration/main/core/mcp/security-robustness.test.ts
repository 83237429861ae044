import { request } from 'node:http';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';
import { connect } from '../../../../helpers/mcp-client.js';
import { openRaw } from '../../../../helpers/raw-ws.js';

let t: TestCore;
const MAX = 64 * 1024;
beforeAll(async () => {
  t = await startTestCore({ mcp: { maxMessageBytes: MAX } });
});
afterAll(() => t.close());

const init = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'raw', version: '1' },
  },
};

function post(path: string, headers: Record<string, string>, body: string) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: t.core.port,
          path,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            ...headers,
          },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += String(c)));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    },
  );
}

function upgrade(path: string, headers: Record<string, string> = {}) {
  return new Promise<number>((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${t.core.port}${path}`, 'mcp', { headers });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

describe('MCP endpoints: token, Host and Origin', () => {
  it('/mcp answers 401 without or with a wrong token, 403 for a foreign Host or Origin', async () => {
    const body = JSON.stringify(init);
    const none = await post('/mcp', {}, body);
    expect(none.status).toBe(401);
    expect(String(none.headers['www-authenticate'])).toMatch(/^Bearer/);
    expect((await post('/mcp', { authorization: 'Bearer wrong' }, body)).status).toBe(401);
    const auth = { authorization: `Bearer ${t.core.token}` };
    expect((await post('/mcp', { ...auth, host: 'evil.example:80' }, body)).status).toBe(403);
    expect((await post('/mcp', { ...auth, origin: 'http://evil.example' }, body)).status).toBe(403);
    expect((await post('/mcp', auth, body)).status).toBe(200);
    // The production subpath of the monitor reaches the same endpoint.
    expect((await post('/swf-monitor/mcp/', auth, body)).status).toBe(200);
  });

  it('/ws/mcp/ upgrades only with the token (header or ?token=) and a loopback Host/Origin', async () => {
    expect(await upgrade('/ws/mcp/')).toBe(401);
    expect(await upgrade('/ws/mcp/?token=wrong')).toBe(401);
    expect(await upgrade('/ws/mcp/', { Authorization: 'Bearer wrong' })).toBe(401);
    expect(await upgrade(`/ws/mcp/?token=${t.core.token}`, { Origin: 'http://evil.example' })).toBe(
      403,
    );
    expect(
      await upgrade(`/ws/mcp/?token=${t.core.token}`, { Host: `evil.example:${t.core.port}` }),
    ).toBe(403);
    expect(await upgrade(`/ws/mcp/?token=${t.core.token}`)).toBe(101);
    expect(await upgrade('/ws/mcp/', { Authorization: `Bearer ${t.core.token}` })).toBe(101);
  });
});

describe('bad input leaves the server serving', () => {
  it('JSON-RPC over WebSocket: bad JSON, a non-message, unknown methods and an oversized frame', async () => {
    const c = await openRaw(t.core.port, t.core.token, { protocol: 'mcp' });
    c.send(JSON.stringify(init));
    expect(await c.next()).toMatchObject({ id: 1, result: { protocolVersion: '2025-11-25' } });
    c.send(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));

    c.send('{"jsonrpc": "2.0", "id": 2, "method": ');
    expect(await c.next()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } });
    c.send(JSON.stringify({ jsonrpc: '2.0', id: 3 }));
    expect(await c.next()).toMatchObject({ id: 3, error: { code: -32600 } });
    c.send(JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'no/such/method' }));
    expect(await c.next()).toMatchObject({ id: 4, error: { code: -32601 } });
    c.send(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 5,
        method: 'tools/call',
        params: { name: 'swf_nope', arguments: {} },
      }),
    );
    const unknownTool = await c.next();
    expect(JSON.stringify(unknownTool)).toMatch(/swf_nope/);
    c.send(JSON.stringify({ jsonrpc: '2.0', id: 6, method: 'tools/list' }));
    expect(((await c.next()).result as { tools: unknown[] }).tools.length).toBeGreaterThan(5);

    // A frame over the limit closes this connection with 1009 (message too big) ...
    const other = await openRaw(t.core.port, t.core.token, { protocol: 'mcp' });
    c.send(
      JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'ping', params: { pad: 'x'.repeat(MAX) } }),
    );
    await expect.poll(() => c.closed()?.code, { timeout: 10_000 }).toBe(1009);
    // ... and nothing else: another open connection and new ones keep working.
    other.send(JSON.stringify(init));
    expect(await other.next()).toMatchObject({ id: 1, result: {} });
    other.close();
    const client = await connect(t, 'ws', 'modern');
    const r = await client.callTool({ name: 'swf_get_agent_liveness', arguments: {} });
    expect(r.isError).toBeFalsy();
    await client.close();
  });

  it('Streamable HTTP: bad JSON, unknown methods and an oversized body', async () => {
    const auth = { authorization: `Bearer ${t.core.token}`, 'mcp-protocol-version': '2025-11-25' };
    const bad = await post('/mcp', auth, '{"jsonrpc": "2.0",');
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.body).toMatch(/-32700|Parse error/);
    const unknown = await post(
      '/mcp',
      auth,
      JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'no/such/method' }),
    );
    expect(unknown.body).toMatch(/-32601/);
    const stale = await post(
      '/mcp',
      { ...auth, 'mcp-session-id': 'no-such-session' },
      JSON.stringify({ jsonrpc: '2.0', id: 10, method: 'tools/list' }),
    );
    expect(stale.status).toBe(404);
    expect(JSON.parse(stale.body)).toMatchObject({ error: { code: -32001 } });
    const big = await post('/mcp', auth, JSON.stringify({ ...init, pad: 'x'.repeat(MAX + 10) }));
    expect(big.status).toBe(413);
    const client = await connect(t, 'http', 'legacy');
    const r = await client.callTool({ name: 'swf_list_agents', arguments: {} });
    expect(r.isError).toBeFalsy();
    await client.close();
  });
});

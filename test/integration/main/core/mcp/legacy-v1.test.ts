import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';
import { openRaw } from '../../../../helpers/raw-ws.js';

let t: TestCore;
beforeAll(async () => {
  t = await startTestCore();
  await t.api('/api/systemagents/heartbeat/', {
    method: 'POST',
    json: { instance_name: 'agent1', agent_type: 'data' },
  });
  await t.api('/api/systemagents/heartbeat/', {
    method: 'POST',
    json: { instance_name: 'agent2', agent_type: 'data' },
  });
});
afterAll(() => t.close());

const req = (command: string, payload: unknown = {}, id = 'req-1') =>
  JSON.stringify({ mcp_version: '1.0', message_id: id, command, payload });

describe('seed MCP v1.0 envelope on /ws/mcp/', () => {
  it('discover_capabilities lists exactly the three commands in a success envelope', async () => {
    const c = await openRaw(t.core.port, t.core.token);
    c.send(req('discover_capabilities', {}, 'm-1'));
    const r = await c.next();
    expect(r).toMatchObject({ mcp_version: '1.0', in_reply_to: 'm-1', status: 'success' });
    expect(r.message_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.message_id).not.toBe('m-1');
    expect(Object.keys(r.payload as object).sort()).toEqual([
      'discover_capabilities',
      'get_agent_liveness',
      'heartbeat',
    ]);
    expect(r).not.toHaveProperty('error');
    c.close();
  });

  it('answers every error code in the seed validation order', async () => {
    const c = await openRaw(t.core.port, t.core.token);
    c.send('{not json');
    const e4000 = await c.next();
    expect(e4000).toMatchObject({
      status: 'error',
      error: { code: 4000, message: 'Invalid JSON format.' },
    });
    expect(e4000).not.toHaveProperty('in_reply_to');
    expect(e4000).not.toHaveProperty('payload');

    c.send(JSON.stringify({ message_id: 'x1', command: 'discover_capabilities', payload: {} }));
    expect(await c.next()).toMatchObject({ in_reply_to: 'x1', error: { code: 4001 } });

    // Version before fields: a wrong version with missing fields is 4002, not 4000.
    c.send(JSON.stringify({ mcp_version: '2.0', message_id: 'x2' }));
    expect(await c.next()).toMatchObject({
      in_reply_to: 'x2',
      error: { code: 4002, message: 'Unsupported MCP version. Server supports 1.0.' },
    });
    c.send(
      JSON.stringify({ mcp_version: 1.0, message_id: 'x2b', command: 'heartbeat', payload: {} }),
    );
    expect(await c.next()).toMatchObject({ error: { code: 4002 } });

    c.send(
      JSON.stringify({ mcp_version: '1.0', message_id: 'x3', command: 'discover_capabilities' }),
    );
    const e4000b = await c.next();
    expect(e4000b).toMatchObject({ in_reply_to: 'x3', error: { code: 4000 } });
    expect((e4000b.error as { message: string }).message).toMatch(/payload/);

    // No readable message_id: the error carries no in_reply_to.
    c.send(JSON.stringify({ mcp_version: '1.0', message_id: '', command: 'x', payload: {} }));
    const e4004 = await c.next();
    expect(e4004).toMatchObject({ error: { code: 4004, message: 'Unknown command: x' } });
    expect(e4004).not.toHaveProperty('in_reply_to');
    c.close();
  });

  it('answers 5000 when the command fails unexpectedly, and keeps serving', async () => {
    // A missing table makes reading the agents throw (corrupt rows are read as notes instead).
    t.core.store.db.exec('ALTER TABLE agents RENAME TO agents_away');
    const c = await openRaw(t.core.port, t.core.token);
    try {
      c.send(req('get_agent_liveness', {}, 'boom'));
      const r = await c.next();
      expect(r).toMatchObject({ in_reply_to: 'boom', status: 'error', error: { code: 5000 } });
      expect((r.error as { message: string }).message).toMatch(
        /^An unexpected server error occurred: /,
      );
    } finally {
      t.core.store.db.exec('ALTER TABLE agents_away RENAME TO agents');
    }
    c.send(req('get_agent_liveness', {}, 'after'));
    expect(await c.next()).toMatchObject({ in_reply_to: 'after', status: 'success' });
    c.close();
  });

  it('heartbeat never replies, updates known agents with the client timestamp, and creates none', async () => {
    const c = await openRaw(t.core.port, t.core.token);
    const stamp = new Date(Date.now() - 10 * 60_000).toISOString().replace('Z', '+00:00');
    c.send(req('heartbeat', { name: 'agent1', timestamp: stamp, status: 'WARNING' }, 'hb-1'));
    c.send(req('heartbeat', { name: 'ghost', timestamp: stamp, status: 'OK' }, 'hb-2'));
    c.send(req('heartbeat', { name: 'agent2', status: 'OK' }, 'hb-3'));
    c.send(req('heartbeat', { name: 'agent2', timestamp: 'not a time', status: 'OK' }, 'hb-4'));
    // A request after the heartbeats: its reply is the first frame, so none of them answered.
    c.send(req('get_agent_liveness', {}, 'probe'));
    const r = await c.next();
    expect(r.in_reply_to).toBe('probe');
    expect(c.frames).toHaveLength(1);
    // 5-minute rule: agent1's client-supplied time is 10 minutes old, so it is dead now.
    expect(r.payload).toEqual({ agent1: 'dead', agent2: 'alive' });
    const agent1 = t.core.store.agents.get('agent1')!;
    expect(agent1.status).toBe('WARNING');
    expect(Date.parse(agent1.last_heartbeat!)).toBe(Date.parse(stamp));
    expect(t.core.store.agents.get('ghost')).toBeUndefined();
    expect(t.core.store.agents.get('agent2')!.status).toBe('OK');
    c.close();
  });

  it('a first frame that is valid JSON but not an object speaks v1.0 (4001)', async () => {
    const c = await openRaw(t.core.port, t.core.token);
    c.send('42');
    expect(await c.next()).toMatchObject({
      mcp_version: '1.0',
      status: 'error',
      error: { code: 4001 },
    });
    c.send(req('discover_capabilities', {}, 'then'));
    expect(await c.next()).toMatchObject({ in_reply_to: 'then', status: 'success' });
    c.close();
  });

  it('a connection that opened with v1.0 never switches to JSON-RPC, and the reverse', async () => {
    const v1 = await openRaw(t.core.port, t.core.token);
    v1.send(req('discover_capabilities'));
    await v1.next();
    v1.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }));
    expect(await v1.next()).toMatchObject({ mcp_version: '1.0', error: { code: 4001 } });
    v1.close();

    const rpc = await openRaw(t.core.port, t.core.token, { protocol: 'mcp' });
    rpc.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }));
    expect(await rpc.next()).toMatchObject({ jsonrpc: '2.0', id: 1 });
    rpc.send(req('discover_capabilities'));
    const r = await rpc.next();
    expect(r).toMatchObject({ jsonrpc: '2.0', error: { code: -32600 } });
    expect(r).not.toHaveProperty('mcp_version');
    rpc.close();
  });
});

import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';
import { waitFor } from '../../../../helpers/wait-for.js';

/** Slow-header and session floods against a core with small caps, so each case stays bounded. */
describe('abuse: connection and session caps', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await startTestCore({
      http: {
        maxConnections: 40,
        headersTimeoutMs: 1_000,
        requestTimeoutMs: 2_000,
        maxUiSessions: 4,
        maxMcpWebSockets: 3,
      },
    });
  });
  afterAll(() => t.close());

  function slowHeader(): Promise<{ socket: Socket; reply: Promise<string> }> {
    return new Promise((resolve, reject) => {
      const socket = connect(t.core.port, '127.0.0.1', () => {
        socket.write('GET /api/systemagents/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
        const reply = new Promise<string>((done) => {
          let buf = '';
          socket.on('data', (d) => (buf += String(d)));
          socket.on('close', () => done(buf));
        });
        resolve({ socket, reply });
      });
      socket.on('error', () => undefined);
      socket.once('error', reject);
    });
  }

  it('slow-header connections past the cap are refused with 503 and the held ones time out', async () => {
    const held = await Promise.all(Array.from({ length: 40 }, slowHeader));
    await waitFor('40 open connections', () => t.core.http.openConnections() >= 40, 5_000);
    const extra = await Promise.all(Array.from({ length: 5 }, slowHeader));
    for (const e of extra)
      expect(await e.reply).toMatch(/^HTTP\/1.1 503[\s\S]*Too many connections/);
    // The held ones are closed by the header deadline (Node answers 408), freeing the slots.
    const replies = await Promise.all(held.map((h) => h.reply));
    expect(
      replies.filter((r) => r !== '' && !r.startsWith('HTTP/1.1 408')),
      JSON.stringify(replies.slice(0, 3)),
    ).toEqual([]);
    await waitFor('held connections closed', () => t.core.http.openConnections() === 0, 5_000);
    const res = await t.api('/api/systemagents/');
    expect(res.status).toBe(200);
  });

  async function openWs(path: string, protocol?: string): Promise<WebSocket | number> {
    const ws = new WebSocket(`ws://127.0.0.1:${t.core.port}${path}`, protocol ? [protocol] : [], {
      headers: { authorization: `Bearer ${t.core.token}` },
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(ws));
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('error', reject);
    });
  }

  it('/ws/ui and MCP WebSocket sessions past their caps are refused with 503', async () => {
    for (const [path, cap, protocol] of [
      ['/ws/ui', 4, undefined],
      ['/ws/mcp/', 3, 'mcp'],
    ] as const) {
      const open: WebSocket[] = [];
      for (let i = 0; i < cap; i++) {
        const ws = await openWs(path, protocol);
        expect(ws, path).toBeInstanceOf(WebSocket);
        open.push(ws as WebSocket);
      }
      expect(await openWs(path, protocol), path).toBe(503);
      const closed = open.pop()!;
      const gone = new Promise((r) => closed.once('close', r));
      closed.close();
      await gone;
      const again = await waitFor(`a free ${path} slot`, async () => {
        const ws = await openWs(path, protocol);
        return ws instanceof WebSocket ? ws : undefined;
      });
      open.push(again);
      for (const ws of open) ws.close();
    }
  });
});

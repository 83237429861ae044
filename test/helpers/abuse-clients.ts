import { request } from 'node:http';
import WebSocket from 'ws';
import type { TestCore } from './core.js';

/** JSON text of `{"a":{"a":...}}` nested `depth` levels (`JSON.stringify` cannot build it). */
export const nestedJson = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw MCP Streamable HTTP POST (the SDK client would refuse to send what these tests send). */
export function mcpPost(t: TestCore, body: string, headers: Record<string, string> = {}) {
  return new Promise<RawReply>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: t.core.port,
        path: '/mcp',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          authorization: `Bearer ${t.core.token}`,
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
  });
}

/** Opens an MCP session over HTTP; answers its id. */
export async function mcpSession(t: TestCore): Promise<string> {
  const res = await mcpPost(
    t,
    JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: 'abuse', version: '1' },
      },
    }),
  );
  const sid = res.headers['mcp-session-id'];
  if (typeof sid !== 'string') throw new Error(`no session: ${res.status} ${res.body}`);
  await mcpPost(t, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }), {
    'mcp-session-id': sid,
  });
  return sid;
}

export interface UiFrame {
  type: string;
  id?: string;
  ok?: boolean;
  error?: string;
  result?: unknown;
}

/** A `/ws/ui` client that keeps every frame and answers the first one matching a predicate. */
export class RawUi {
  readonly frames: UiFrame[] = [];
  private waiters: { pred: (f: UiFrame) => boolean; resolve: (f: UiFrame) => void }[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as UiFrame;
      this.frames.push(f);
      this.waiters = this.waiters.filter((w) => !(w.pred(f) && (w.resolve(f), true)));
    });
  }

  static open(t: TestCore): Promise<RawUi> {
    const ws = new WebSocket(`ws://127.0.0.1:${t.core.port}/ws/ui?token=${t.core.token}`);
    const ui = new RawUi(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(ui));
      ws.once('error', reject);
    });
  }

  next(pred: (f: UiFrame) => boolean, ms = 10_000): Promise<UiFrame> {
    const found = this.frames.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching /ws/ui frame')), ms);
      this.waiters.push({
        pred,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      });
    });
  }

  sendText(text: string) {
    this.ws.send(text);
  }

  async command(command: string, args: unknown, id = `c${Math.random()}`): Promise<UiFrame> {
    this.ws.send(JSON.stringify({ type: 'command', id, command, args }));
    return this.next((f) => f.type === 'result' && f.id === id);
  }

  close() {
    this.ws.close();
  }
}

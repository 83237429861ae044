import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/client';
import WebSocket from 'ws';

/**
 * A client-side MCP transport over one WebSocket (subprotocol `mcp`, one JSON-RPC message per
 * text frame): the SDK ships none, and the core serves `/ws/mcp/`.
 */
export class WebSocketClientTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;
  private ws?: WebSocket;

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, 'mcp', { headers: this.headers });
      this.ws = ws;
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`WebSocket upgrade refused: ${res.statusCode}`)),
      );
      ws.on('error', (err) => {
        reject(err);
        this.onerror?.(err);
      });
      ws.on('message', (data) => {
        try {
          this.onmessage?.(JSON.parse(String(data)) as JSONRPCMessage);
        } catch (err) {
          this.onerror?.(err as Error);
        }
      });
      ws.on('close', () => this.onclose?.());
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return reject(new Error('not open'));
      this.ws.send(JSON.stringify(message), (err) => (err ? reject(err) : resolve()));
    });
  }

  close(): Promise<void> {
    this.ws?.close();
    return Promise.resolve();
  }
}

import {
  parseJSONRPCMessage,
  type JSONRPCMessage,
  type Transport,
} from '@modelcontextprotocol/server';
import WebSocket from 'ws';
import { JsonLimitError, parseJsonWithinLimits } from '../../../shared/json-limits.js';

/**
 * MCP over one WebSocket: one JSON-RPC message per text frame, both directions.
 * The endpoint reads the socket (it must see the first frame to pick the protocol) and hands
 * each frame to `receive`; frames that arrive before `start()` wait in order.
 */
export class WebSocketServerTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;

  /** Who is on the other end, from `initialize` (2025) or any request's `_meta` envelope (2026). */
  client?: { name: string; version?: string };
  /** Called when the client names itself (or another name), so lists of clients can refresh. */
  onClientNamed?: () => void;
  private started = false;
  private closed = false;
  private readonly early: string[] = [];

  constructor(private readonly ws: WebSocket) {
    ws.on('close', () => this.finish());
  }

  start(): Promise<void> {
    if (this.started) throw new Error('WebSocketServerTransport already started');
    this.started = true;
    for (const text of this.early.splice(0)) this.deliver(text);
    return Promise.resolve();
  }

  /** One text frame from the client. */
  receive(text: string): void {
    if (!this.started) this.early.push(text);
    else this.deliver(text);
  }

  private deliver(text: string) {
    let value: unknown;
    try {
      value = parseJsonWithinLimits(text);
    } catch (err) {
      if (err instanceof JsonLimitError) {
        this.reply(-32600, `Invalid Request: ${err.message}`);
        return;
      }
      this.reply(-32700, `Parse error: ${(err as Error).message}`);
      this.onerror?.(new Error(`unparseable frame: ${(err as Error).message}`));
      return;
    }
    let message: JSONRPCMessage;
    try {
      message = parseJSONRPCMessage(value);
    } catch {
      const id =
        typeof value === 'object' && value !== null && 'id' in value
          ? (value as { id: unknown }).id
          : null;
      this.reply(
        -32600,
        'Invalid Request: a frame must hold one JSON-RPC 2.0 message ({"jsonrpc":"2.0", "method", "id"?, "params"?})',
        typeof id === 'string' || typeof id === 'number' ? id : null,
      );
      return;
    }
    this.noteClient(message);
    this.onmessage?.(message);
  }

  private noteClient(message: JSONRPCMessage) {
    if (!('method' in message) || typeof message.params !== 'object' || message.params === null)
      return;
    const params = message.params as Record<string, unknown>;
    const meta = params._meta as Record<string, unknown> | undefined;
    const info =
      (message.method === 'initialize' ? params.clientInfo : undefined) ??
      meta?.['io.modelcontextprotocol/clientInfo'];
    if (
      typeof info === 'object' &&
      info !== null &&
      typeof (info as { name?: unknown }).name === 'string'
    ) {
      const { name, version } = info as { name: string; version?: unknown };
      const renamed = this.client?.name !== name.slice(0, 200);
      this.client = {
        name: name.slice(0, 200),
        ...(typeof version === 'string' && { version: version.slice(0, 100) }),
      };
      if (renamed) this.onClientNamed?.();
    }
  }

  private reply(code: number, message: string, id: string | number | null = null) {
    if (this.ws.readyState === WebSocket.OPEN)
      this.ws.send(JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } }));
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN)
      return Promise.reject(new Error('WebSocket is closed'));
    return new Promise((resolve, reject) =>
      this.ws.send(JSON.stringify(message), (err) => (err ? reject(err) : resolve())),
    );
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.close(1000);
    this.finish();
    return Promise.resolve();
  }

  private finish() {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }
}

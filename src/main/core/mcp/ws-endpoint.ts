import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { serveStdio, type StdioServerHandle } from '@modelcontextprotocol/server/stdio';
import type { McpServerFactory } from '@modelcontextprotocol/server';
import WebSocket, { WebSocketServer } from 'ws';
import { refuseSocket } from '../http/connection-caps.js';
import type { Logger } from '../logger.js';
import { looksLikeV1 } from './legacy-v1.js';
import { WebSocketServerTransport } from './ws-transport.js';

export interface WsEndpointOptions {
  maxMessageBytes: number;
  /** WebSocket sessions open at once; one more is refused with a 503. */
  maxSessions: number;
  /** Builds the JSON-RPC side for one connection (both protocol eras, via the SDK's serving entry). */
  factoryFor(
    req: IncomingMessage,
    transport: WebSocketServerTransport,
  ): { factory: McpServerFactory; dispose(): void };
  /** The seed's v1.0 envelope: one frame in, at most one frame out. */
  v1: (text: string) => string | undefined;
  log: Logger;
}

type Mode =
  | { kind: 'undecided' }
  | { kind: 'v1' }
  | {
      kind: 'jsonrpc';
      transport: WebSocketServerTransport;
      handle: StdioServerHandle;
      dispose(): void;
    };

/**
 * `/ws/mcp/`: the first frame of a connection decides what it speaks for its whole life. An
 * object with `jsonrpc` (or an array) is JSON-RPC 2.0 and goes to the SDK; any other frame is the
 * seed's v1.0 envelope. A frame that is not JSON decides nothing (it gets v1.0's 4000, which is
 * also what the seed answered) so a client can still open with either protocol afterwards.
 */
export function createWsEndpoint(opts: WsEndpointOptions) {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: opts.maxMessageBytes,
    // Subprotocol `mcp` when offered; seed clients offer none and are accepted without one.
    handleProtocols: (protocols) => (protocols.has('mcp') ? 'mcp' : false),
  });
  const sockets = new Set<WebSocket>();

  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    sockets.add(ws);
    let mode: Mode = { kind: 'undecided' };
    ws.on('error', (err) => opts.log.debug('mcp websocket error', err.message));
    ws.on('close', () => {
      sockets.delete(ws);
      if (mode.kind === 'jsonrpc') {
        mode.dispose();
        mode.handle.close().catch(() => undefined);
      }
    });
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (isBinary) {
        const text =
          mode.kind === 'jsonrpc'
            ? JSON.stringify({
                jsonrpc: '2.0',
                id: null,
                error: { code: -32600, message: 'Invalid Request: send JSON-RPC as text frames' },
              })
            : opts.v1('\u0000');
        if (text) ws.send(text);
        return;
      }
      const text = Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : data.toString('utf8');
      if (mode.kind === 'undecided') {
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          const reply = opts.v1(text);
          if (reply) ws.send(reply);
          return;
        }
        if (looksLikeV1(value)) mode = { kind: 'v1' };
        else {
          const transport = new WebSocketServerTransport(ws);
          const { factory, dispose } = opts.factoryFor(req, transport);
          const handle = serveStdio(factory, {
            transport,
            onerror: (err) => opts.log.debug('mcp connection', err.message),
          });
          mode = { kind: 'jsonrpc', transport, handle, dispose };
        }
      }
      if (mode.kind === 'v1') {
        const reply = opts.v1(text);
        if (reply && ws.readyState === WebSocket.OPEN) ws.send(reply);
      } else if (mode.kind === 'jsonrpc') mode.transport.receive(text);
    });
  });

  return {
    /** Takes one upgrade request (already past the HTTP server's Host, Origin and token checks). */
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
      if (sockets.size >= opts.maxSessions) {
        refuseSocket(
          socket,
          503,
          `Too many MCP WebSocket sessions: ${opts.maxSessions} are open; close one and retry.`,
        );
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    connections: () => sockets.size,
    close(): Promise<void> {
      for (const ws of sockets) ws.terminate();
      return new Promise((resolve) => wss.close(() => resolve()));
    },
  };
}

import type { Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

export interface ConnectionCaps {
  maxConnections: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

/** Answers a raw socket (before or instead of HTTP) with a JSON error and closes it. */
export function refuseSocket(socket: Duplex, status: number, detail: string) {
  const body = JSON.stringify({ detail });
  socket.on('error', () => socket.destroy());
  if (!socket.writable) return socket.destroy();
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  // A peer that never reads must not keep the refused socket open.
  setTimeout(() => socket.destroy(), 1_000).unref();
}

/**
 * Bounds what one local process can hold: connections past `maxConnections` get a 503 at once
 * (WebSocket sessions count, they ride on a connection), and headers or a body that trickle in
 * slower than the timeouts end the connection (Node answers 408).
 */
export function capConnections(server: Server, caps: ConnectionCaps) {
  let open = 0;
  server.headersTimeout = caps.headersTimeoutMs;
  server.requestTimeout = caps.requestTimeoutMs;
  server.on('connection', (socket) => {
    if (open >= caps.maxConnections) {
      refuseSocket(
        socket,
        503,
        `Too many connections: ${caps.maxConnections} are open; try again when one closes.`,
      );
      return;
    }
    open++;
    socket.once('close', () => open--);
  });
  return { open: () => open };
}

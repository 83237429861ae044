import {
  Client,
  StreamableHTTPClientTransport,
  type Transport,
} from '@modelcontextprotocol/client';
import type { TestCore } from './core.js';
import { WebSocketClientTransport } from './ws-client-transport.js';

export type Era = 'legacy' | 'modern';
export type Wire = 'ws' | 'http';

/** The two protocol eras a client can offer: the 2025-11-25 handshake, or 2026-07-28 pinned. */
export function newClient(era: Era, name = 'vitest') {
  return new Client(
    { name, version: '9.9.9' },
    era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {},
  );
}

export function transportFor(t: TestCore, wire: Wire): Transport {
  return wire === 'ws'
    ? new WebSocketClientTransport(`ws://127.0.0.1:${t.core.port}/ws/mcp/`, {
        Authorization: `Bearer ${t.core.token}`,
      })
    : new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${t.core.port}/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${t.core.token}` } },
      });
}

export async function connect(t: TestCore, wire: Wire, era: Era, name?: string) {
  const client = newClient(era, name);
  await client.connect(transportFor(t, wire));
  return client;
}

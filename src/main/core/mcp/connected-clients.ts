import { randomUUID } from 'node:crypto';
import type { McpConnectedClient } from '../../../shared/mcp-activity.js';
import type { EventBus } from '../events.js';

export type { McpConnectedClient };

/**
 * The MCP clients holding a connection (WebSocket, and the stdio bridge over it). A client's name
 * is known only after its `initialize`, so it is read when the list is asked for.
 */
export function createConnectedClients(bus: EventBus) {
  const live = new Map<
    string,
    { transport: string; since: string; name: () => string | undefined }
  >();
  const list = (): McpConnectedClient[] =>
    [...live].map(([id, c]) => ({
      id,
      name: c.name() ?? 'unknown',
      transport: c.transport,
      since: c.since,
    }));
  const announce = () => bus.emit('mcp.clients', { clients: list() });
  return {
    list,
    /** A client's name became known: the list goes out again. */
    renamed: announce,
    /** Registers a connection; the returned function removes it. */
    add(transport: string, name: () => string | undefined): () => void {
      const id = randomUUID();
      live.set(id, { transport, since: new Date().toISOString(), name });
      announce();
      return () => {
        if (live.delete(id)) announce();
      };
    },
  };
}

export type ConnectedClients = ReturnType<typeof createConnectedClients>;

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  McpServer,
  type McpRequestContext,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { ConnectedClients } from './connected-clients.js';
import type { ChangeNotifier } from './change-notifier.js';
import type { McpDeps } from './deps.js';
import { createHttpEndpoint } from './http-endpoint.js';
import { MCP_INSTRUCTIONS } from './instructions.js';
import { createLegacyV1Handler } from './legacy-v1.js';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';
import { registerTool, type AnyToolDef, type ToolCallRecord } from './tool-kit.js';
import { createWsEndpoint } from './ws-endpoint.js';

const MCP_SERVER_NAME = 'swf-control-center';
const MCP_SERVER_VERSION = '0.1.0';

/** How a call arrived: the stdio bridge rides the WebSocket but is recorded as itself. */
export type McpTransportName = 'ws' | 'http' | 'stdio';

export interface BuildOptions {
  transport: McpTransportName;
  era: McpRequestContext['era'];
  /** Long-lived connections (WebSocket, stdio) get resource-change pushes. */
  push: boolean;
  userAgent?: string;
  /** The client a long-lived connection has announced (covers calls rejected before they run). */
  connectionClient?: () => { name: string; version?: string } | undefined;
}

const clientInfoSchema = z.object({ name: z.string(), version: z.string().optional() });

export interface McpRuntimeParts {
  deps: McpDeps;
  tools: AnyToolDef[];
  changes: ChangeNotifier;
  connected: ConnectedClients;
  log: Logger;
}

export interface McpRuntime {
  /** Serves one request on `/mcp` (Streamable HTTP). */
  handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Takes one WebSocket upgrade on `/ws/mcp/` (JSON-RPC or the seed's v1.0). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

/**
 * The MCP endpoints proper: everything that needs the MCP SDK. `server-factory.ts` loads this module
 * on the first MCP request or connection, so a core that no assistant talks to never loads the SDK
 * (about 30 MB of RSS).
 */
export function createMcpRuntime(parts: McpRuntimeParts): McpRuntime {
  const { deps, tools, changes, connected, log } = parts;

  function clientOf(server: McpServer, ctx: ServerContext | undefined, opts: BuildOptions) {
    const fromEnvelope = clientInfoSchema.safeParse(
      (ctx?.mcpReq.envelope as Record<string, unknown> | undefined)?.[
        'io.modelcontextprotocol/clientInfo'
      ],
    );
    if (fromEnvelope.success) return fromEnvelope.data;
    const fromInit = server.server.getClientVersion();
    if (fromInit) return { name: fromInit.name, version: fromInit.version };
    const fromConnection = opts.connectionClient?.();
    if (fromConnection) return fromConnection;
    return opts.userAgent
      ? { name: `user-agent: ${opts.userAgent.slice(0, 100)}`, version: undefined }
      : null;
  }

  function build(opts: BuildOptions) {
    const subscribable = opts.push || opts.era === 'modern';
    const server = new McpServer(
      { name: MCP_SERVER_NAME, version: MCP_SERVER_VERSION },
      {
        instructions: MCP_INSTRUCTIONS,
        capabilities: { resources: { subscribe: subscribable, listChanged: false } },
      },
    );
    const record = (entry: ToolCallRecord) => {
      try {
        const client = clientOf(server, entry.ctx, opts);
        const row = deps.store.mcpAudit.append({
          at: new Date().toISOString(),
          clientName: client?.name ?? null,
          clientVersion: client?.version ?? null,
          transport: opts.transport,
          tool: entry.tool,
          arguments: entry.arguments,
          outcome: entry.outcome,
          error: entry.error,
          durationMs: Math.round(entry.durationMs * 1000) / 1000,
        });
        deps.bus.emit('mcp.activity', row);
      } catch (err) {
        log.error('could not record an MCP tool call', err);
      }
    };
    for (const tool of tools) registerTool(server, tool, record);
    registerResources(server, deps);
    registerPrompts(server, deps);

    let dispose = () => {};
    if (opts.push) {
      // 2025 clients ask per URI with resources/subscribe; 2026 clients open subscriptions/listen,
      // which the SDK's serving entry filters itself, so every change is offered to it.
      const subscribed = new Set<string>();
      if (opts.era === 'legacy') {
        server.server.setRequestHandler('resources/subscribe', (req) => {
          subscribed.add(req.params.uri);
          return {};
        });
        server.server.setRequestHandler('resources/unsubscribe', (req) => {
          subscribed.delete(req.params.uri);
          return {};
        });
      }
      dispose = changes.subscribe((uri) => {
        if (!server.isConnected()) return;
        if (opts.era === 'legacy' && !subscribed.has(uri)) return;
        server.server.sendResourceUpdated({ uri }).catch(() => undefined);
      });
    }
    return { server, dispose };
  }

  const maxBytes = deps.config.mcp.maxMessageBytes;
  const httpEndpoint = createHttpEndpoint({
    build: (o) => build({ transport: 'http', ...o }),
    changes,
    maxBytes,
    maxSessions: deps.config.mcp.maxHttpSessions,
    sessionIdleMs: deps.config.mcp.httpSessionIdleSeconds * 1000,
    log,
  });

  const v1 = createLegacyV1Handler(deps, log.child('mcp-v1'));
  const ws = createWsEndpoint({
    maxMessageBytes: maxBytes,
    maxSessions: deps.config.http.maxMcpWebSockets,
    v1,
    log,
    factoryFor(req: IncomingMessage, wsTransport) {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const transport: McpTransportName = url.searchParams.get('via') === 'stdio' ? 'stdio' : 'ws';
      const disposers: (() => void)[] = [connected.add(transport, () => wsTransport.client?.name)];
      wsTransport.onClientNamed = () => connected.renamed();
      return {
        factory: (ctx) => {
          const built = build({
            transport,
            era: ctx.era,
            push: true,
            userAgent: req.headers['user-agent'],
            connectionClient: () => wsTransport.client,
          });
          disposers.push(built.dispose);
          return built.server;
        },
        dispose: () => disposers.splice(0).forEach((d) => d()),
      };
    },
  });
  return {
    handleHttp: httpEndpoint.handle,
    upgrade: ws.upgrade,
    async close() {
      await ws.close();
      await httpEndpoint.close();
    },
  };
}

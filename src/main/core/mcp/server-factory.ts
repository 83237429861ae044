import type { IncomingMessage } from 'node:http';
import {
  McpServer,
  type McpRequestContext,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { HttpServer } from '../http/server.js';
import { silentLogger } from '../logger.js';
import { createConnectedClients, type McpConnectedClient } from './connected-clients.js';
import { createChangeNotifier, type ChangeNotifier } from './change-notifier.js';
import type { McpDeps } from './deps.js';
import { createHttpEndpoint } from './http-endpoint.js';
import { MCP_INSTRUCTIONS } from './instructions.js';
import { createLegacyV1Handler } from './legacy-v1.js';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';
import { registerTool, type AnyToolDef, type ToolCallRecord } from './tool-kit.js';
import { discoveryTools } from './tools/discovery-tools.js';
import { monitorTools } from './tools/monitor-tools.js';
import { processTools } from './tools/process-tools.js';
import { workflowTools } from './tools/workflow-tools.js';
import { attachWsEndpoint } from './ws-endpoint.js';

const MCP_SERVER_NAME = 'swf-control-center';
const MCP_SERVER_VERSION = '0.1.0';
const MCP_HTTP_PATH = '/mcp';
const MCP_WS_PATH = '/ws/mcp/';

/** How a call arrived: the stdio bridge rides the WebSocket but is recorded as itself. */
export type McpTransportName = 'ws' | 'http' | 'stdio';

const clientInfoSchema = z.object({ name: z.string(), version: z.string().optional() });

interface BuildOptions {
  transport: McpTransportName;
  era: McpRequestContext['era'];
  /** Long-lived connections (WebSocket, stdio) get resource-change pushes. */
  push: boolean;
  userAgent?: string;
  /** The client a long-lived connection has announced (covers calls rejected before they run). */
  connectionClient?: () => { name: string; version?: string } | undefined;
}

export interface McpServerFactory {
  tools: string[];
  changes: ChangeNotifier;
  /** A fresh server instance with every tool, resource and prompt (used per request or connection). */
  build(opts: BuildOptions): { server: McpServer; dispose(): void };
  /** Serves `/mcp` (Streamable HTTP) and `/ws/mcp/` (WebSocket + v1.0) on the core's HTTP server. */
  attach(http: HttpServer): { close(): Promise<void> };
  close(): void;
  /** MCP clients connected over WebSocket or the stdio bridge. */
  clients(): McpConnectedClient[];
}

export function createMcpServerFactory(deps: McpDeps): McpServerFactory {
  const log = deps.logger ?? silentLogger;
  const changes = createChangeNotifier(deps.bus, deps.config.mcp.notifyDebounceMs);
  const connected = createConnectedClients(deps.bus);
  const tools: AnyToolDef[] = [
    ...monitorTools(deps),
    ...processTools(deps.processControl),
    ...workflowTools(deps.messageSender, deps.workflow, deps.config, deps.store),
  ];
  tools.push(...discoveryTools(() => tools, MCP_INSTRUCTIONS));

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

  function attach(http: HttpServer) {
    const maxBytes = deps.config.mcp.maxMessageBytes;
    const httpEndpoint = createHttpEndpoint({
      build: (o) => build({ transport: 'http', ...o }),
      changes,
      maxBytes,
      maxSessions: deps.config.mcp.maxHttpSessions,
      sessionIdleMs: deps.config.mcp.httpSessionIdleSeconds * 1000,
      log,
    });
    http.onRaw(MCP_HTTP_PATH, httpEndpoint.handle);

    const v1 = createLegacyV1Handler(deps, log.child('mcp-v1'));
    const ws = attachWsEndpoint(http, {
      path: MCP_WS_PATH,
      maxMessageBytes: maxBytes,
      maxSessions: deps.config.http.maxMcpWebSockets,
      v1,
      log,
      factoryFor(req: IncomingMessage, wsTransport) {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const transport: McpTransportName =
          url.searchParams.get('via') === 'stdio' ? 'stdio' : 'ws';
        const disposers: (() => void)[] = [
          connected.add(transport, () => wsTransport.client?.name),
        ];
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
      async close() {
        await ws.close();
        await httpEndpoint.close();
      },
    };
  }

  return {
    tools: tools.map((t) => t.name),
    changes,
    clients: connected.list,
    build,
    attach,
    close: () => changes.close(),
  };
}

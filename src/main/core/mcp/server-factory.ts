import type { HttpServer } from '../http/server.js';
import { silentLogger } from '../logger.js';
import { createConnectedClients, type McpConnectedClient } from './connected-clients.js';
import { createChangeNotifier, type ChangeNotifier } from './change-notifier.js';
import type { McpDeps } from './deps.js';
import { MCP_INSTRUCTIONS } from './instructions.js';
import type { McpRuntime } from './mcp-runtime.js';
import type { AnyToolDef } from './tool-kit.js';
import { discoveryTools } from './tools/discovery-tools.js';
import { monitorTools } from './tools/monitor-tools.js';
import { processTools } from './tools/process-tools.js';
import { workflowTools } from './tools/workflow-tools.js';

const MCP_HTTP_PATH = '/mcp';
const MCP_WS_PATH = '/ws/mcp/';

export interface McpServerFactory {
  tools: string[];
  changes: ChangeNotifier;
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

  function attach(http: HttpServer) {
    let runtime: Promise<McpRuntime> | undefined;
    let closed = false;
    // The SDK and everything built on it load with the first MCP request or connection.
    const load = () =>
      (runtime ??= import('./mcp-runtime.js').then((m) =>
        m.createMcpRuntime({ deps, tools, changes, connected, log }),
      ));
    http.onRaw(MCP_HTTP_PATH, async (req, res) => (await load()).handleHttp(req, res));
    http.onUpgrade(MCP_WS_PATH, (req, socket, head) => {
      load().then(
        (rt) => (closed ? socket.destroy() : rt.upgrade(req, socket, head)),
        (err: unknown) => {
          log.error('the MCP endpoint could not be loaded', err);
          socket.destroy();
        },
      );
    });
    return {
      async close() {
        closed = true;
        await runtime?.then(
          (rt) => rt.close(),
          () => undefined,
        );
      },
    };
  }

  return {
    tools: tools.map((t) => t.name),
    changes,
    clients: connected.list,
    attach,
    close: () => changes.close(),
  };
}

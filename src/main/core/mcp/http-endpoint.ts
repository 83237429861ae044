import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  NodeStreamableHTTPServerTransport,
  toNodeHandler,
  toWebRequest,
} from '@modelcontextprotocol/node';
import {
  createMcpHandler,
  isInitializeRequest,
  isLegacyRequest,
  legacyStatelessFallback,
  type McpServer,
} from '@modelcontextprotocol/server';
import { BodyTooDeepError, readJsonBody } from '../http/body.js';
import { HttpError } from '../http/http-error.js';
import type { Logger } from '../logger.js';
import type { ChangeNotifier } from './change-notifier.js';

export interface HttpBuild {
  (opts: { era: 'legacy' | 'modern'; push: boolean; userAgent?: string }): {
    server: McpServer;
    dispose(): void;
  };
}

interface Session {
  transport: NodeStreamableHTTPServerTransport;
  server: McpServer;
  dispose(): void;
  lastSeen: number;
}

const rpcError = (status: number, code: number, message: string) =>
  new HttpError(status, message, { jsonrpc: '2.0', id: null, error: { code, message } });

/**
 * `/mcp`, Streamable HTTP for both protocol eras from one factory:
 * - 2026-07-28 requests (per-request `_meta` envelope) go to the SDK's stateless modern handler,
 *   which also serves `subscriptions/listen` streams for resource updates;
 * - a 2025 `initialize` opens a session (`Mcp-Session-Id`), so 2025 clients keep their identity
 *   for the audit and get `resources/subscribe` pushes on their GET stream;
 * - 2025 requests without a session fall back to the SDK's stateless legacy serving.
 */
export function createHttpEndpoint(opts: {
  build: HttpBuild;
  changes: ChangeNotifier;
  maxBytes: number;
  maxSessions: number;
  sessionIdleMs: number;
  log: Logger;
}) {
  const { build, maxBytes, log } = opts;
  const onerror = (err: Error) => log.debug('mcp http', err.message);
  const ua = (req: IncomingMessage) => req.headers['user-agent'];

  const modern = createMcpHandler(
    (ctx) =>
      build({
        era: ctx.era,
        push: false,
        userAgent: ctx.requestInfo?.headers.get('user-agent') ?? undefined,
      }).server,
    { legacy: 'reject', maxRequestBodySize: maxBytes, onerror },
  );
  const modernNode = toNodeHandler(modern, { maxRequestBodySize: maxBytes, onerror });
  const stateless = legacyStatelessFallback(
    (ctx) =>
      build({
        era: 'legacy',
        push: false,
        userAgent: ctx.requestInfo?.headers.get('user-agent') ?? undefined,
      }).server,
    onerror,
    { maxRequestBodySize: maxBytes },
  );
  const statelessNode = toNodeHandler(
    { fetch: stateless },
    { maxRequestBodySize: maxBytes, onerror },
  );
  const offChanges = opts.changes.subscribe((uri) => modern.notify.resourceUpdated(uri));

  const sessions = new Map<string, Session>();
  const drop = (id: string | undefined) => {
    const s = id === undefined ? undefined : sessions.get(id);
    if (!s || id === undefined) return;
    sessions.delete(id);
    s.dispose();
    s.server.close().catch(() => undefined);
  };
  const sweep = setInterval(
    () => {
      const cutoff = Date.now() - opts.sessionIdleMs;
      for (const [id, s] of sessions) if (s.lastSeen < cutoff) drop(id);
    },
    Math.min(60_000, opts.sessionIdleMs),
  );
  sweep.unref();

  async function openSession(req: IncomingMessage, res: ServerResponse, body: unknown) {
    if (sessions.size >= opts.maxSessions) {
      // The least recently used session makes room: a restarted client never comes back for it.
      const oldest = [...sessions.entries()].sort((a, b) => a[1].lastSeen - b[1].lastSeen)[0];
      drop(oldest?.[0]);
    }
    const built = build({ era: 'legacy', push: true, userAgent: ua(req) });
    const transport: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      maxRequestBodySize: maxBytes,
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, ...built, lastSeen: Date.now() });
      },
      onsessionclosed: (id) => drop(id),
    });
    built.server.server.onclose = () => drop(transport.sessionId);
    await built.server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  /** Every POST body is read here, so depth and size limits hold for session requests too. */
  async function readRpcBody(req: IncomingMessage): Promise<unknown> {
    let body: unknown;
    try {
      body = await readJsonBody(req, maxBytes);
    } catch (err) {
      if (err instanceof BodyTooDeepError)
        throw rpcError(400, -32600, `Invalid Request: ${err.message}`);
      if (err instanceof HttpError && err.status === 400)
        throw rpcError(400, -32700, `Parse error: ${err.message}`);
      throw err;
    }
    if (body === undefined)
      throw rpcError(400, -32600, 'Invalid Request: the body must be one JSON-RPC message.');
    return body;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const sid = req.headers['mcp-session-id'];
    const body = req.method === 'POST' ? await readRpcBody(req) : undefined;
    if (typeof sid === 'string') {
      const s = sessions.get(sid);
      if (!s)
        throw rpcError(
          404,
          -32001,
          'Session not found: it expired or the core restarted; send initialize again.',
        );
      s.lastSeen = Date.now();
      return s.transport.handleRequest(req, res, body);
    }
    if (req.method !== 'POST') return modernNode(req, res);
    const web = await toWebRequest(req, body);
    if (!(await isLegacyRequest(web, body, { maxRequestBodySize: maxBytes })))
      return modernNode(req, res, body);
    if (isInitializeRequest(body)) return openSession(req, res, body);
    return statelessNode(req, res, body);
  }

  return {
    handle,
    sessions: () => sessions.size,
    async close() {
      clearInterval(sweep);
      offChanges();
      for (const id of [...sessions.keys()]) drop(id);
      await modern.close();
    },
  };
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ZodError } from 'zod';
import { JsonLimitError } from '../../../shared/json-limits.js';
import { ResourceError } from '../store/resource.js';
import { readJsonBody } from './body.js';
import {
  hostAllowed,
  isLoopbackAddress,
  originAllowed,
  tokenFromHeaders,
  tokenMatches,
} from './guard.js';
import { capConnections, type ConnectionCaps, refuseSocket } from './connection-caps.js';
import { HttpError } from './http-error.js';
import type { HttpRouter } from './router.js';
import { serveStatic } from './static-files.js';

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
/** Serves one request itself (the MCP Streamable HTTP transport); runs after the Host/Origin/token guard. */
export type RawHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HttpServerOptions {
  host: string;
  port: number;
  token: string;
  router: HttpRouter;
  maxBodyBytes: number;
  staticDir?: string;
  /** Connection count and header/body deadlines (defaults: the config's). */
  caps?: ConnectionCaps;
  onError?: (err: unknown, where: string) => void;
}

const DEFAULT_CAPS: ConnectionCaps = {
  maxConnections: 512,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
};

export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} is already in use`);
  }
}

/** `/swf-monitor/api/...` (production subpath) and `/api/v1/...` (mid-2025) are the same API. */
function canonicalPath(pathname: string): string {
  let p = pathname.replace(/\/{2,}/g, '/');
  if (p === '/swf-monitor' || p.startsWith('/swf-monitor/'))
    p = p.slice('/swf-monitor'.length) || '/';
  if (p.startsWith('/api/v1/')) p = '/api' + p.slice('/api/v1'.length);
  return p;
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

/** DRF's shape for field errors: `{field: ["message"]}`. */
function zodToDrf(error: ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : 'non_field_errors';
    const message =
      issue.code === 'invalid_type' && issue.input === undefined
        ? 'This field is required.'
        : issue.message;
    (out[key] ??= []).push(message);
  }
  return out;
}

export interface HttpServer {
  server: Server;
  port: number;
  onUpgrade(path: string, handler: UpgradeHandler): void;
  /** Hands every request for `path` (with or without a trailing slash) to `handler`, token required. */
  onRaw(path: string, handler: RawHandler): void;
  /** Connections open now (WebSocket sessions included). */
  openConnections(): number;
  close(): Promise<void>;
}

/** The single HTTP server of the core, bound to loopback only; every request passes the guard first. */
export async function startHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const upgrades = new Map<string, UpgradeHandler>();
  const raws = new Map<string, RawHandler>();
  let port = opts.port;
  const report = opts.onError ?? (() => {});

  async function handle(req: IncomingMessage, res: ServerResponse) {
    if (!hostAllowed(req.headers.host, port)) {
      return sendJson(res, 403, {
        detail: `Host "${req.headers.host ?? ''}" is not allowed; use 127.0.0.1:${port}.`,
      });
    }
    if (!originAllowed(req.headers.origin, port)) {
      return sendJson(res, 403, { detail: `Origin "${req.headers.origin}" is not allowed.` });
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const path = canonicalPath(url.pathname);
    const method = req.method ?? 'GET';

    const raw = raws.get(path.endsWith('/') && path.length > 1 ? path.slice(0, -1) : path);
    if (raw) {
      const given = tokenFromHeaders(req.headers);
      if (!tokenMatches(given, opts.token)) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="swf-control-center"');
        return sendJson(res, 401, {
          detail:
            given === undefined
              ? 'Authentication credentials were not provided.'
              : 'Invalid token.',
        });
      }
      return await raw(req, res);
    }

    if (!path.startsWith('/api/')) {
      if (
        (method === 'GET' || method === 'HEAD') &&
        opts.staticDir &&
        serveStatic(opts.staticDir, path, res, method === 'HEAD')
      )
        return;
      return sendJson(res, 404, { detail: 'Not found.' });
    }

    const match = opts.router.match(method, path);
    if (match === undefined) return sendJson(res, 404, { detail: 'Not found.' });
    if (match === 'method') {
      res.setHeader('Allow', opts.router.allowed(path).join(', '));
      return sendJson(res, 405, { detail: `Method "${method}" not allowed.` });
    }
    if (match.access === 'loopback') {
      if (!isLoopbackAddress(req.socket.remoteAddress))
        return sendJson(res, 403, { detail: 'Only local clients may post here.' });
    } else {
      const given = tokenFromHeaders(req.headers);
      if (given === undefined)
        return sendJson(res, 401, { detail: 'Authentication credentials were not provided.' });
      if (!tokenMatches(given, opts.token)) return sendJson(res, 401, { detail: 'Invalid token.' });
    }
    const body =
      method === 'GET' || method === 'HEAD' || method === 'DELETE'
        ? undefined
        : await readJsonBody(req, opts.maxBodyBytes);
    const out = await match.handler({
      method,
      path,
      params: match.params,
      query: url.searchParams,
      body,
      headers: req.headers,
    });
    sendJson(res, out.status, out.body);
  }

  const caps = opts.caps ?? DEFAULT_CAPS;
  // Header and body deadlines are checked this often; Node's default (30 s) lets slow clients
  // keep sockets far past the deadline.
  const server = createServer({ connectionsCheckingInterval: 1_000 }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof HttpError) sendJson(res, err.status, err.body ?? { detail: err.message });
      else if (err instanceof ResourceError) sendJson(res, err.status, err.fields);
      else if (err instanceof ZodError) sendJson(res, 400, zodToDrf(err));
      else if (err instanceof JsonLimitError) sendJson(res, 400, { [err.field]: [err.message] });
      else {
        report(err, `${req.method} ${req.url}`);
        sendJson(res, 500, { detail: 'Internal server error; the core logged the cause.' });
      }
      // A body we stopped reading must not be parsed as the next request on this connection.
      if (err instanceof HttpError && err.status === 413)
        res.once('finish', () => req.socket.destroy());
    });
  });
  server.keepAliveTimeout = 65_000;
  const connections = capConnections(server, caps);
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT')
      return refuseSocket(socket, 408, 'The request headers or body arrived too slowly.');
    if (socket.writable)
      socket.end(
        'HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"detail":"Malformed HTTP request."}',
      );
    else socket.destroy();
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const reject = (status: number, text: string) => {
      const body = JSON.stringify({ detail: text });
      socket.end(
        `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : 'Forbidden'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    socket.on('error', () => socket.destroy());
    if (!hostAllowed(req.headers.host, port)) return reject(403, 'Host not allowed.');
    if (!originAllowed(req.headers.origin, port)) return reject(403, 'Origin not allowed.');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const path = canonicalPath(url.pathname);
    const handler =
      upgrades.get(path) ?? upgrades.get(path.endsWith('/') ? path.slice(0, -1) : `${path}/`);
    if (!handler) return reject(404, 'No WebSocket endpoint here.');
    // Browsers and the SDK's WebSocket client cannot set headers: the token may ride in the query.
    const given = tokenFromHeaders(req.headers) ?? url.searchParams.get('token') ?? undefined;
    if (!tokenMatches(given, opts.token))
      return reject(401, given === undefined ? 'Token required.' : 'Invalid token.');
    try {
      handler(req, socket, head);
    } catch (err) {
      report(err, `upgrade ${path}`);
      socket.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(opts.port) : err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(opts.port, opts.host);
  });
  const address = server.address();
  if (address && typeof address === 'object') port = address.port;

  return {
    server,
    port,
    onUpgrade(path, handler) {
      upgrades.set(path, handler);
    },
    onRaw(path, handler) {
      raws.set(path.endsWith('/') && path.length > 1 ? path.slice(0, -1) : path, handler);
    },
    openConnections: connections.open,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

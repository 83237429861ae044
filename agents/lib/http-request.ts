import http from 'node:http';
import https from 'node:https';

/**
 * One HTTP(S) request on `node:http` with keep-alive. The agents' REST traffic (heartbeats, logs,
 * per-STF registrations) goes through here rather than `fetch`: undici's fetch costs an idle agent
 * about 15 MB of RSS and several times the CPU per call, which is most of an agent's footprint.
 * Redirects are returned, never followed; the reply body is bounded.
 */
export interface HttpReply {
  status: number;
  text: string;
}

export interface HttpRequestOptions {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  timeoutMs: number;
  /** A longer reply is an error: a monitor answers a few kB, a hostile peer could answer GBs. */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
// Idle keep-alive sockets are dropped after this long, well inside the servers' keep-alive window,
// so an idle agent holds no socket a server is about to close under it.
const IDLE_SOCKET_MS = 15_000;
const agents = {
  'http:': new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS, maxSockets: 16 }),
  'https:': new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS, maxSockets: 16 }),
};

export class HttpTimeoutError extends Error {}

/** The request was cancelled through its signal (the agent is shutting down). */
export class AbortError extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('the request was aborted');
  }
}

function once(url: URL, opts: HttpRequestOptions): Promise<HttpReply & { reused: boolean }> {
  const mod = url.protocol === 'https:' ? https : http;
  const agent = url.protocol === 'https:' ? agents['https:'] : agents['http:'];
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...opts.headers };
    if (opts.body !== undefined) headers['content-length'] = Buffer.byteLength(opts.body);
    // The signal is watched here rather than handed to `http.request`, whose own handling hooks
    // end-of-stream listeners onto every request: measured as a tenth of a busy agent's CPU.
    const signal = opts.signal;
    if (signal?.aborted) {
      reject(new AbortError());
      return;
    }
    const req = mod.request(url, { method: opts.method, headers, agent });
    const onAbort = () => req.destroy(new AbortError());
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      req.destroy(new HttpTimeoutError(`no reply within ${opts.timeoutMs} ms`));
    }, opts.timeoutMs);
    const settle = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (err: Error) => {
      settle();
      reject(Object.assign(err, { reused: req.reusedSocket }));
    };
    req.on('error', fail);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          req.destroy(new Error(`reply larger than ${maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      let ended = false;
      res.on('error', fail);
      res.on('close', () => {
        if (!ended) fail(new Error('connection closed before the reply ended'));
      });
      res.on('end', () => {
        ended = true;
        settle();
        resolve({
          status: res.statusCode ?? 0,
          text: Buffer.concat(chunks).toString('utf8'),
          reused: req.reusedSocket,
        });
      });
    });
    req.end(opts.body);
  });
}

/**
 * Sends the request; a keep-alive socket the server closed just before we wrote on it (a reset
 * with no reply on a reused socket) is retried once on a fresh one, as browsers do.
 */
export async function httpRequest(url: string, opts: HttpRequestOptions): Promise<HttpReply> {
  const u = new URL(url);
  try {
    const { status, text } = await once(u, opts);
    return { status, text };
  } catch (err) {
    const e = err as Error & { reused?: boolean; code?: string };
    if (!e.reused || opts.signal?.aborted || (e.code !== 'ECONNRESET' && e.code !== 'EPIPE'))
      throw err;
    const { status, text } = await once(u, opts);
    return { status, text };
  }
}

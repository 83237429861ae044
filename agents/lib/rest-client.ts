import { httpRequest } from './http-request.js';
import { errorText } from './settings.js';

/** A failed monitor call after its retries, with the status and body when there was a reply. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

export interface ApiReply {
  status: number;
  body: unknown;
}

export interface RequestOptions {
  /**
   * Retry HTTP 404 like the originals do. Off for look-ups where a 404
   * is an answer, not a missing endpoint.
   */
  retry404?: boolean;
  /** Override the retry delays (ms); [] = a single attempt. */
  delaysMs?: number[];
  /** Accept these non-2xx statuses as a reply instead of an error (e.g. 400 "already exists"). */
  accept?: (status: number, body: unknown) => boolean;
}

const TRANSIENT = new Set([500, 502, 503, 504]);

/**
 * The monitor REST client of `api_utils.api_request_with_retry`: `{base}/api{endpoint}`, Token
 * header, 10 s timeout, retries on connection errors, timeouts, 404 and 5xx after the configured
 * delays, redirects reported as errors (never followed). `abort()` cancels waits on shutdown.
 */
export class RestClient {
  private readonly controller = new AbortController();

  constructor(
    private readonly baseUrl: string,
    private readonly token: string | undefined,
    private readonly delaysMs: number[],
    private readonly timeoutMs = 10_000,
  ) {}

  abort(): void {
    this.controller.abort();
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.aborted) return reject(new ApiError('shutting down'));
      const t = setTimeout(() => {
        this.controller.signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(t);
        reject(new ApiError('shutting down'));
      };
      this.controller.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  async request(
    method: string,
    endpoint: string,
    body?: unknown,
    opts: RequestOptions = {},
  ): Promise<ApiReply> {
    const url = `${this.baseUrl}/api${endpoint}`;
    const delays = opts.delaysMs ?? this.delaysMs;
    let lastError: string;
    for (let attempt = 0; ; attempt++) {
      try {
        const headers: Record<string, string> = { accept: 'application/json' };
        if (this.token) headers.authorization = `Token ${this.token}`;
        if (body !== undefined) headers['content-type'] = 'application/json';
        const res = await httpRequest(url, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: this.controller.signal,
          timeoutMs: this.timeoutMs,
        });
        const text = res.text;
        let parsed: unknown = text;
        try {
          parsed = text === '' ? null : JSON.parse(text);
        } catch {
          // not JSON: keep the text for the error message
        }
        if (res.status >= 200 && res.status < 300) return { status: res.status, body: parsed };
        if (opts.accept?.(res.status, parsed)) return { status: res.status, body: parsed };
        lastError = `${method} ${url} -> HTTP ${res.status}: ${text.slice(0, 300)}`;
        if (res.status >= 300 && res.status < 400) {
          throw new ApiError(
            `${method} ${url} answered a redirect (${res.status}); an auth proxy in the way?`,
            res.status,
            parsed,
          );
        }
        const retryable =
          TRANSIENT.has(res.status) || (res.status === 404 && opts.retry404 !== false);
        if (!retryable) throw new ApiError(lastError, res.status, parsed);
      } catch (err) {
        if (err instanceof ApiError) throw err;
        if (this.aborted) throw new ApiError('shutting down');
        lastError = `${method} ${url}: ${errorText(err)}`;
      }
      const delay = delays[attempt];
      if (delay === undefined) throw new ApiError(`${lastError} (after ${attempt + 1} attempts)`);
      await this.wait(delay);
    }
  }

  /** Retries for ever with a growing pause, as the originals do for the agent ID. */
  async requestForever(
    method: string,
    endpoint: string,
    onFailure: (err: unknown, nextMs: number) => void,
    pausesMs = [5_000, 10_000, 20_000, 40_000, 60_000],
  ): Promise<ApiReply> {
    for (let i = 0; ; i++) {
      try {
        return await this.request(method, endpoint, undefined);
      } catch (err) {
        if (this.aborted) throw err;
        const pause = pausesMs[Math.min(i, pausesMs.length - 1)]!;
        onFailure(err, pause);
        await this.wait(pause);
      }
    }
  }
}

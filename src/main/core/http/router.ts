import type { IncomingHttpHeaders } from 'node:http';

export interface ApiRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  headers: IncomingHttpHeaders;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
}

export type Handler = (req: ApiRequest) => ApiResponse | Promise<ApiResponse>;

/** Who may call a route: the token holder, or (the agents' log sink) any loopback peer. */
export type Access = 'token' | 'loopback';

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
  access: Access;
}

export interface Match {
  handler: Handler;
  params: Record<string, string>;
  access: Access;
}

/**
 * Paths are matched on segments with `:name` captures. A trailing slash is optional, because
 * Django would redirect the other spelling and the agents treat any redirect as a failure.
 */
export class HttpRouter {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler, access: Access = 'token'): this {
    this.routes.push({ method, segments: split(pattern), handler, access });
    return this;
  }

  /** `undefined` when nothing matches the path; `'method'` when the path exists with other methods. */
  match(method: string, path: string): Match | 'method' | undefined {
    const segments = split(path);
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      pathMatched = true;
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) {
        return { handler: route.handler, params, access: route.access };
      }
    }
    return pathMatched ? 'method' : undefined;
  }

  allowed(path: string): string[] {
    const segments = split(path);
    return this.routes.filter((r) => matchSegments(r.segments, segments)).map((r) => r.method);
  }
}

function split(path: string): string[] {
  return path.split('/').filter(Boolean);
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const a = actual[i]!;
    if (p.startsWith(':')) {
      try {
        params[p.slice(1)] = decodeURIComponent(a);
      } catch {
        return undefined;
      }
    } else if (p !== a) return undefined;
  }
  return params;
}

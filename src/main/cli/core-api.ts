import { readFileSync } from 'node:fs';
import { coreInfoPath } from '../core/control-center.js';
import { readToken } from '../core/token.js';
import { fail } from './common.js';

/** The running core of a data folder, as `serve` announced it in `core.json`. */
export interface CoreApi {
  url: string;
  /** One request to the core's API; a core that cannot be reached is one line and exit 1. */
  request(path: string, init?: { method?: string; json?: unknown }): Promise<Response>;
}

export function findCore(dataDir: string): CoreApi {
  let url: string;
  let token: string;
  try {
    url = (JSON.parse(readFileSync(coreInfoPath(dataDir), 'utf8')) as { url: string }).url;
    token = readToken(dataDir);
  } catch {
    fail(
      `no running core found in ${dataDir} (start one with \`swf-control-center serve\`, or pass --data-dir)`,
    );
  }
  return {
    url,
    async request(path, init = {}) {
      const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
      if (init.json !== undefined) headers['content-type'] = 'application/json';
      try {
        return await fetch(new URL(path, url), {
          method: init.method ?? 'GET',
          headers,
          body: init.json === undefined ? undefined : JSON.stringify(init.json),
        });
      } catch (err) {
        fail(`cannot reach the core at ${url}: ${(err as Error).message}`);
      }
    },
  };
}

/** The `detail` (or whole body) of an error answer, for one line on stderr. */
export async function errorDetail(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { detail?: unknown };
    if (typeof body.detail === 'string') return body.detail;
  } catch {
    // not JSON: the text as it is
  }
  return text.slice(0, 500) || `HTTP ${res.status}`;
}

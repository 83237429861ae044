import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const tokenPath = (dataDir: string) => join(dataDir, 'token');

/**
 * 32 random bytes, base64url, in `path`: made once and kept (mode 0600, tightened if loosened)
 * so that whoever was configured with it stays configured.
 */
export function loadOrCreateSecret(path: string): string {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    const existing = readFileSync(path, 'utf8').trim();
    if (existing.length >= 32) {
      if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0)
        chmodSync(path, 0o600);
      return existing;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  if (process.platform !== 'win32') chmodSync(path, 0o600);
  return secret;
}

/** The API token every client presents, made on first start. */
export const loadOrCreateToken = (dataDir: string): string =>
  loadOrCreateSecret(tokenPath(dataDir));

/** For clients on the same machine (status, the MCP stdio bridge). */
export function readToken(dataDir: string): string {
  return readFileSync(tokenPath(dataDir), 'utf8').trim();
}

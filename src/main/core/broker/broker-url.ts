/**
 * An external broker address: `stomp://host:port` or `stomp+ssl://host:port` (BNL runs
 * Artemis with TLS). Also accepted as the agents' spelling `stomp+tls://` and `ssl://`. No path,
 * no credentials in the URL (login/passcode are their own keys, so they never end up in logs).
 */
export interface BrokerAddress {
  tls: boolean;
  host: string;
  port: number;
  /** Canonical form, safe to show. */
  url: string;
}

export class BrokerUrlError extends Error {
  override name = 'BrokerUrlError';
}

const SCHEMES: Record<string, boolean> = {
  'stomp:': false,
  'tcp:': false,
  'stomp+ssl:': true,
  'stomp+tls:': true,
  'ssl:': true,
};

export function parseBrokerUrl(text: string): BrokerAddress {
  const example = 'expected stomp://host:port or stomp+ssl://host:port';
  let u: URL;
  try {
    u = new URL(text.trim());
  } catch {
    throw new BrokerUrlError(`"${text}" is not a URL (${example})`);
  }
  const tls = SCHEMES[u.protocol];
  if (tls === undefined) {
    throw new BrokerUrlError(
      `unsupported scheme "${u.protocol.slice(0, -1)}" in "${text}" (${example})`,
    );
  }
  if (u.username || u.password) {
    throw new BrokerUrlError(
      `"${text}" carries credentials; put them in broker.login and broker.passcode instead`,
    );
  }
  // WHATWG URL keeps IPv6 hosts bracketed; net/tls want them bare.
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new BrokerUrlError(`"${text}" has no host (${example})`);
  if (!u.port) throw new BrokerUrlError(`"${text}" has no port (${example})`);
  const port = Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new BrokerUrlError(`"${text}": port must be 1-65535`);
  }
  if ((u.pathname && u.pathname !== '/') || u.search || u.hash) {
    throw new BrokerUrlError(`"${text}" has a path or query; ${example}`);
  }
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { tls, host, port, url: `${tls ? 'stomp+ssl' : 'stomp'}://${shownHost}:${port}` };
}

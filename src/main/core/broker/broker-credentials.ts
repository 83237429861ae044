import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the embedded broker's generated passcode is kept (mode 0600, like the API token). */
export const brokerPasscodePath = (dataDir: string) => join(dataDir, 'broker-passcode');

/** The login the embedded broker expects when none is configured. */
const DEFAULT_EMBEDDED_LOGIN = 'swf';

/** What an external ActiveMQ is offered when nothing is configured (its own default, as the agents'). */
const EXTERNAL_DEFAULT = 'admin';

export interface BrokerCredentials {
  login: string;
  passcode: string;
  /** The file holding a generated passcode (embedded mode without a configured passcode). */
  passcodeFile?: string;
}

/**
 * The credentials the core's broker side uses and hands to supervised agents. The embedded
 * broker never falls back to a well-known pair: without a configured passcode it uses a random
 * per-install one, made on first start and kept in the data folder, so only this user's
 * processes (which can read that file) can log in.
 */
export function resolveBrokerCredentials(config: {
  dataDir: string;
  broker: { mode: 'embedded' | 'external'; login?: string; passcode?: string };
}): BrokerCredentials {
  const { broker } = config;
  if (broker.mode === 'external')
    return {
      login: broker.login ?? EXTERNAL_DEFAULT,
      passcode: broker.passcode ?? EXTERNAL_DEFAULT,
    };
  const login = broker.login ?? DEFAULT_EMBEDDED_LOGIN;
  if (broker.passcode !== undefined) return { login, passcode: broker.passcode };
  return {
    login,
    passcode: loadOrCreateBrokerPasscode(config.dataDir),
    passcodeFile: brokerPasscodePath(config.dataDir),
  };
}

function loadOrCreateBrokerPasscode(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = brokerPasscodePath(dataDir);
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
  const passcode = randomBytes(32).toString('base64url');
  writeFileSync(path, `${passcode}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return passcode;
}

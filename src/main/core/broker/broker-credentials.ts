import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadOrCreateSecret } from '../token.js';

/** Where the embedded broker's generated passcode is kept (mode 0600, like the API token). */
export const brokerPasscodePath = (dataDir: string) => join(dataDir, 'broker-passcode');

/** The login the embedded broker expects when none is configured. */
const DEFAULT_EMBEDDED_LOGIN = 'swf';

/** The login of the pair only supervised programs get (embedded mode). */
export const SUPERVISED_LOGIN = 'swf-supervised';

/** What an external ActiveMQ is offered when nothing is configured (its own default, as the agents'). */
const EXTERNAL_DEFAULT = 'admin';

export interface LoginPair {
  login: string;
  passcode: string;
}

export interface BrokerCredentials extends LoginPair {
  /** The file holding a generated passcode (embedded mode without a configured passcode). */
  passcodeFile?: string;
  /**
   * What the supervisor hands its programs. With the embedded broker it is a second pair, made
   * fresh at every start, kept in memory and in the supervised programs' environment only (never
   * in a file or the UI), whose connections may also take the broker's reserved slots: whoever
   * holds the user-visible pair cannot lock the supervised agents out. With an external broker it
   * is the configured pair.
   */
  supervised: LoginPair;
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
  if (broker.mode === 'external') {
    const pair = {
      login: broker.login ?? EXTERNAL_DEFAULT,
      passcode: broker.passcode ?? EXTERNAL_DEFAULT,
    };
    return { ...pair, supervised: pair };
  }
  const login = broker.login ?? DEFAULT_EMBEDDED_LOGIN;
  const supervised = {
    // Distinct from a configured login, so the two pairs never differ by passcode alone.
    login: login === SUPERVISED_LOGIN ? `${SUPERVISED_LOGIN}-core` : SUPERVISED_LOGIN,
    passcode: randomBytes(32).toString('base64url'),
  };
  if (broker.passcode !== undefined) return { login, passcode: broker.passcode, supervised };
  return {
    login,
    passcode: loadOrCreateSecret(brokerPasscodePath(config.dataDir)),
    passcodeFile: brokerPasscodePath(config.dataDir),
    supervised,
  };
}

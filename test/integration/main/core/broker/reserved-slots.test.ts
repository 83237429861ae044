import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { brokerPasscodePath } from '../../../../../src/main/core/broker/broker-credentials.js';
import { startEmbeddedBroker } from '../../../../../src/main/core/broker/embedded-broker.js';
import { DEFAULT_LIMITS, resolveLimits } from '../../../../../src/main/core/broker/limits.js';
import { ensureAgentsBuilt } from '../../../../helpers/agent-fleet.js';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';
import { connectFrame, rawConnect, type RawStomp } from '../../../../helpers/raw-stomp.js';
import { tempDir } from '../../../../helpers/temp-dir.js';
import { waitFor } from '../../../../helpers/wait-for.js';

/**
 * A local process holding the user-visible broker pair (the passcode file, as for agents started
 * by hand) takes every logged-in slot it may: the supervised programs, which get their own pair
 * from the supervisor, still connect.
 */

const fleetDir = tempDir('swf-cc-fleet-');
let tc: TestCore;
let port: number;
const open: RawStomp[] = [];

beforeAll(async () => {
  ensureAgentsBuilt();
  const fleetFile = join(fleetDir.path, 'fleet.toml');
  writeFileSync(
    fleetFile,
    '[programs.fastmon]\nagent = "fastmon"\nautostart = false\nautorestart = "unexpected"\nstartsecs = 1\nstopsignal = "TERM"\nstopwaitsecs = 10\n',
  );
  tc = await startTestCore({ fleetFile });
  port = tc.core.broker!.port;
}, 60_000);

afterAll(async () => {
  for (const raw of open.splice(0)) raw.destroy();
  await tc?.close();
  fleetDir.remove();
}, 60_000);

afterEach(async () => {
  for (const raw of open.splice(0)) raw.destroy();
  await waitFor('the held sockets to close', () => tc.core.broker!.stats().authenticated === 0);
});

/** Logs in with `login`/`passcode`: 'CONNECTED' or the ERROR frame's text. */
async function logIn(login: string, passcode: string, to = port): Promise<'CONNECTED' | string> {
  const raw = await rawConnect(to);
  open.push(raw);
  raw.write(connectFrame(login, passcode));
  await waitFor('an answer to CONNECT', () => /CONNECTED|ERROR/.test(raw.received()), 10_000, 5);
  return raw.received().startsWith('CONNECTED') ? 'CONNECTED' : raw.received();
}

/** Takes logged-in slots with the user-visible pair until refused (at most `maxConnections`). */
async function fillUserSlots(): Promise<{ held: number; refusal: string }> {
  const login = tc.core.brokerCredentials.login;
  const passcode = readFileSync(brokerPasscodePath(tc.dataDir), 'utf8').trim();
  let held = 0;
  const width = 50;
  while (held < DEFAULT_LIMITS.maxConnections) {
    const answers = await Promise.all(Array.from({ length: width }, () => logIn(login, passcode)));
    held += answers.filter((a) => a === 'CONNECTED').length;
    const refusal = answers.find((a) => a !== 'CONNECTED');
    if (refusal !== undefined) return { held, refusal };
  }
  return { held, refusal: '' };
}

/** Every file under `dir`, for a search of their bytes. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("the broker's reserved slots (composed core)", () => {
  it('keeps the supervised pair apart from the user-visible one and out of the data folder', () => {
    const { login, passcode, supervised } = tc.core.brokerCredentials;
    expect(supervised.login).not.toBe(login);
    expect(supervised.passcode).not.toBe(passcode);
    expect(supervised.passcode.length).toBeGreaterThanOrEqual(32);
    for (const file of filesUnder(tc.dataDir))
      expect(readFileSync(file).includes(supervised.passcode), file).toBe(false);
  });

  it('lets a client with the supervised pair in while the user-visible pair holds every slot it may', async () => {
    const broker = tc.core.broker!;
    const { held, refusal } = await fillUserSlots();
    expect(held).toBe(DEFAULT_LIMITS.maxConnections - DEFAULT_LIMITS.reservedConnections);
    expect(refusal).toMatch(/too many connections/);
    expect(await logIn('admin', 'admin')).toMatch(/login or passcode is invalid/);

    const { login, passcode } = tc.core.brokerCredentials.supervised;
    const started = Date.now();
    expect(await logIn(login, passcode)).toBe('CONNECTED');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(broker.stats().supervised).toBe(1);
  }, 60_000);

  it('lets the built-in agent started by the supervisor connect while the user-visible pair holds every slot it may', async () => {
    const broker = tc.core.broker!;
    const { held } = await fillUserSlots();
    expect(held).toBe(DEFAULT_LIMITS.maxConnections - DEFAULT_LIMITS.reservedConnections);

    const started = Date.now();
    await tc.core.supervisor.start('fastmon');
    await waitFor('fastmon to log in to the broker', () => broker.stats().supervised >= 1, 10_000);
    await waitFor(
      'fastmon to report READY',
      () =>
        tc.core.store.agents
          .list({})
          .items.some(
            (a) => a.instance_name.startsWith('fastmon') && a.operational_state === 'READY',
          ),
      10_000,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(broker.stats().authenticated).toBe(held + broker.stats().supervised);
    await tc.core.supervisor.stop('fastmon');
  }, 60_000);
});

describe("the broker's reserved slots (limits made small)", () => {
  it('gives the user pair the unreserved slots, the supervised pair every slot, and no one more', async () => {
    const b = await startEmbeddedBroker({
      port: 0,
      login: 'u',
      passcode: 'p',
      supervised: { login: 's', passcode: 'q' },
      limits: { maxConnections: 5, reservedConnections: 2 },
    });
    try {
      const user = () => logIn('u', 'p', b.port);
      const sup = () => logIn('s', 'q', b.port);
      expect(await sup()).toBe('CONNECTED');
      for (let i = 0; i < 3; i++) expect(await user()).toBe('CONNECTED');
      expect(await user()).toMatch(/too many connections \(3\)/);
      // The user pair may not pass as the supervised one with either half of it.
      expect(await logIn('u', 'q', b.port)).toMatch(/login or passcode is invalid/);
      expect(await logIn('s', 'p', b.port)).toMatch(/login or passcode is invalid/);
      expect(await sup()).toBe('CONNECTED');
      expect(await sup()).toMatch(/too many connections \(5\)/);
      expect(b.stats()).toMatchObject({ authenticated: 5, supervised: 2 });
    } finally {
      for (const raw of open.splice(0)) raw.destroy();
      await b.close();
    }
  });

  it('refuses a reserve that leaves nothing for the user pair', () => {
    expect(() => resolveLimits({ maxConnections: 10, reservedConnections: 10 })).toThrow(
      /reservedConnections/,
    );
  });
});

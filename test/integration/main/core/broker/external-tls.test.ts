import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerState } from '../../../../../src/shared/broker-state.js';
import {
  createExternalBrokerClient,
  type ExternalBrokerClient,
} from '../../../../../src/main/core/broker/external-client.js';
import type { DeliveredMessage } from '../../../../../src/main/core/broker/delivered-message.js';
import { startActiveMq, type ActiveMq } from '../../../../helpers/activemq.js';
import { tempDir } from '../../../../helpers/temp-dir.js';
import { makeTlsMaterial, type TlsMaterial } from '../../../../helpers/tls-material.js';
import { waitFor } from '../../../../helpers/wait-for.js';

/** External mode over TLS against a real ActiveMQ with a stomp+ssl connector and a test CA. */
describe('external broker client over TLS (ActiveMQ stomp+ssl)', { timeout: 90_000 }, () => {
  const dir = tempDir('swf-cc-tls-');
  let tls: TlsMaterial;
  let amq: ActiveMq;
  const clients: ExternalBrokerClient[] = [];

  beforeAll(async () => {
    tls = makeTlsMaterial(dir.path);
    amq = await startActiveMq({ tls, startTimeoutMs: 90_000 });
  }, 150_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.stop()));
    await amq?.stop();
    dir.remove();
  }, 60_000);

  function client(caFile: string | undefined, url = amq.sslUrl!, passcode = 'admin') {
    const states: BrokerState[] = [];
    const c = createExternalBrokerClient({
      url,
      login: 'admin',
      passcode,
      caFile,
      subscriptions: ['/topic/epictopic'],
      reconnectInitialMs: 50,
      reconnectMaxMs: 200,
      onState: (s) => states.push(s),
    });
    clients.push(c);
    return { c, states };
  }

  it('accepts the broker signed by the configured CA and delivers messages', async () => {
    const { c, states } = client(tls.caFile);
    const got: DeliveredMessage[] = [];
    c.observe((m) => got.push(m));
    c.start();
    await waitFor('connected', () => c.state().state === 'connected', 60_000);
    expect(states[0]).toMatchObject({ mode: 'external', state: 'reconnecting' });
    expect(c.state()).toMatchObject({ url: amq.sslUrl });

    const body = JSON.stringify({ msg_type: 'announcement', namespace: 'tls-ns', n: 1 });
    await c.send('/topic/epictopic', body);
    const m = await waitFor('the message back over TLS', () => got[0], 60_000);
    expect(m.destination).toBe('/topic/epictopic');
    expect(JSON.parse(m.body as string)).toEqual({
      msg_type: 'announcement',
      namespace: 'tls-ns',
      n: 1,
    });
  });

  it('refuses a broker whose certificate the configured CA did not sign, naming the CA problem', async () => {
    const { c, states } = client(tls.wrongCaFile);
    c.start();
    await waitFor('failed', () => c.state().state === 'failed', 60_000);
    const detail = c.state().detail ?? '';
    expect(detail).toContain("the broker's certificate is not signed by the CA in");
    expect(detail).toContain(tls.wrongCaFile);
    expect(detail).toMatch(
      /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/,
    );
    // Permanent: no retry loop after the verdict.
    expect(states.filter((s) => s.state === 'failed')).toHaveLength(1);
    await expect(c.send('/topic/epictopic', '{}')).rejects.toThrow(/not connected.*failed/);
  });

  it('without a CA file, checks against the system CAs and refuses the test CA', async () => {
    const { c } = client(undefined);
    c.start();
    await waitFor('failed', () => c.state().state === 'failed', 60_000);
    expect(c.state().detail).toMatch(/not signed by the system's trusted CAs/);
  });

  it('reports a login the broker refuses as a permanent failure with the broker reason', async () => {
    const { c, states } = client(tls.caFile, amq.sslUrl, 'wrong-passcode');
    c.start();
    await waitFor('failed', () => c.state().state === 'failed', 60_000);
    expect(c.state().detail).toMatch(
      /^the broker refused the connection: .*(password|credentials|invalid)/i,
    );
    expect(states.filter((s) => s.state === 'failed')).toHaveLength(1);
  });

  it('reports an unreadable CA file as a permanent failure', async () => {
    const { c } = client(`${dir.path}/no-such-ca.pem`);
    c.start();
    await waitFor('failed', () => c.state().state === 'failed', 60_000);
    expect(c.state().detail).toMatch(/cannot read the CA file .*no-such-ca\.pem: ENOENT/);
  });
});

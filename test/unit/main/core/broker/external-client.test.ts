import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { BrokerState } from '../../../../../src/shared/broker-state.js';
import {
  createExternalBrokerClient,
  type ExternalBrokerClient,
} from '../../../../../src/main/core/broker/external-client.js';
import { waitFor } from '../../../../helpers/wait-for.js';

/** A port nothing listens on: bind, read the port, close. */
async function closedPort(): Promise<number> {
  const s: Server = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}

describe('external broker client: reconnect schedule', () => {
  let client: ExternalBrokerClient | undefined;
  afterEach(async () => {
    await client?.stop();
  });

  it('retries a refused connection with exponential back-off, capped, with jitter inside [half, full] step', async () => {
    const port = await closedPort();
    const states: BrokerState[] = [];
    let r = 0;
    const randoms = [0, 1, 0.5, 0, 1, 0.25, 0, 1];
    client = createExternalBrokerClient({
      url: `stomp://127.0.0.1:${port}`,
      login: 'admin',
      passcode: 'admin',
      subscriptions: ['/topic/epictopic'],
      reconnectInitialMs: 20,
      reconnectMaxMs: 100,
      random: () => randoms[r++ % randoms.length]!,
      onState: (s) => states.push(s),
    });
    client.start();
    await waitFor(
      'six retries scheduled',
      () => states.filter((s) => s.state === 'reconnecting').length >= 7,
    );
    const delays = states
      .slice(1)
      .filter((s) => s.state === 'reconnecting')
      .map((s) => /attempt \d+ in (\d+\.\d\d) s/.exec(s.detail ?? '')![1]);
    // Steps 20, 40, 80, 100 (cap), 100...; delay = step/2 + random * step/2.
    expect(delays.slice(0, 6)).toEqual(['0.01', '0.04', '0.06', '0.05', '0.10', '0.06']);
    expect(states[1]!.detail).toMatch(/ECONNREFUSED/);
    expect(
      states.every((s) => s.mode === 'external' && s.url === `stomp://127.0.0.1:${port}`),
    ).toBe(true);
    await client.stop();
    expect(client.state().state).toBe('stopped');
    const n = states.length;
    // Stopped means stopped: over more than twice the longest back-off step, nothing is retried.
    await new Promise((ok) => setTimeout(ok, 250));
    expect(states.length).toBe(n);
  });
});

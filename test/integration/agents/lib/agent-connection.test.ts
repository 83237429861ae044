import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publish } from '../../../../agents/lib/agent-connection.js';
import { AgentStompClient } from '../../../../agents/lib/agent-stomp-client.js';
import { startTestCore, type TestCore } from '../../../helpers/core.js';
import { startStompRelay } from '../../../helpers/stomp-relay.js';
import { waitFor } from '../../../helpers/wait-for.js';

/**
 * The relay in front of the core's broker counts the SEND frames passing and whether each asked
 * for a receipt; told to, it cuts the connection right after passing the next SEND that asks for
 * none, as when the connection drops in the middle of a group of messages.
 */
async function startRelay(brokerPort: number) {
  const state = { sends: [] as { receipt: boolean }[], cutAfterNextUnconfirmed: false };
  const { server, port } = await startStompRelay(brokerPort, (f) => {
    if (!/^\s*SEND\n/.test(f)) return 'pass';
    const receipt = /\nreceipt:/.test(f.slice(0, f.indexOf('\n\n')));
    state.sends.push({ receipt });
    if (receipt || !state.cutAfterNextUnconfirmed) return 'pass';
    state.cutAfterNextUnconfirmed = false;
    return 'pass-then-cut';
  });
  return Object.assign(state, { server, port });
}
type Relay = Awaited<ReturnType<typeof startRelay>>;

const TOPIC = '/topic/test.grouped';

describe('publishing several messages with one receipt', () => {
  let tc: TestCore;
  let relay: Relay;
  let publisher: AgentStompClient;
  let observer: AgentStompClient;
  const seen: Record<string, unknown>[] = [];

  const client = (port: number) => {
    const { login, passcode } = tc.core.brokerCredentials;
    return new AgentStompClient({
      host: '127.0.0.1',
      port,
      login,
      passcode,
      ssl: false,
      heartbeatMs: 0,
      reconnectInitialMs: 50,
      reconnectMaxMs: 200,
    });
  };
  const send = (bodies: Record<string, unknown>[]) =>
    publish(publisher, TOPIC, bodies, {
      sender: 'tester',
      namespace: 'test-ns',
      deadlineMs: 10_000,
      beforePublish: () => Promise.resolve(),
    });

  beforeAll(async () => {
    tc = await startTestCore();
    relay = await startRelay(tc.core.broker!.port);
    observer = client(tc.core.broker!.port);
    observer.subscribe(TOPIC, (body) => seen.push(JSON.parse(body) as Record<string, unknown>));
    observer.start();
    await observer.waitUp(10_000);
    publisher = client(relay.port);
    publisher.start();
    await publisher.waitUp(10_000);
  });
  afterAll(async () => {
    await publisher?.close();
    await observer?.close();
    relay?.server.close();
    await tc?.close();
  });

  it('sends them in order and asks for a receipt on the last only', async () => {
    relay.sends.length = 0;
    await send([1, 2, 3].map((n) => ({ msg_type: 'grouped', n })));
    expect(relay.sends).toEqual([{ receipt: false }, { receipt: false }, { receipt: true }]);
    await waitFor('all three delivered', () => seen.length >= 3);
    expect(seen.map((m) => [m.n, m.sender, m.namespace])).toEqual([
      [1, 'tester', 'test-ns'],
      [2, 'tester', 'test-ns'],
      [3, 'tester', 'test-ns'],
    ]);
  });

  it('sends the whole group again when the connection drops before its receipt', async () => {
    seen.length = 0;
    relay.sends.length = 0;
    relay.cutAfterNextUnconfirmed = true;
    await send([4, 5, 6].map((n) => ({ msg_type: 'grouped', n })));
    // The first went through before the cut, then all three again on the new connection.
    expect(relay.sends.map((s) => s.receipt)).toEqual([false, false, false, true]);
    await waitFor('the group delivered after the reconnect', () =>
      [4, 5, 6].every((n) => seen.some((m) => m.n === n)),
    );
    expect(seen.map((m) => m.n as number).sort()).toEqual([4, 4, 5, 6]);
  });
});

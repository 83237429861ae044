import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { HEARTBEAT_TOPIC } from '../../../../../src/shared/workflow-messages.js';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';
import { connectClient, type StompTestClient } from '../../../../helpers/stomp-clients.js';
import { waitFor } from '../../../../helpers/wait-for.js';

let core: TestCore | undefined;
let stomp: StompTestClient | undefined;
afterEach(async () => {
  await stomp?.kill();
  stomp = undefined;
  await core?.close();
  core = undefined;
});

const N = 6;

/** An agent that sends each beat over REST and over STOMP, as the built-in agents do. */
async function beatBothWays(name: string, beatId: () => string | undefined) {
  core = await startTestCore();
  const { login, passcode } = core.core.brokerCredentials;
  stomp = await connectClient('stompit', { port: core.core.broker!.port, login, passcode });
  const events: string[] = [];
  core.core.bus.on('agent.heartbeat', (e) => {
    if (e.instanceName === name) events.push(e.source);
  });
  for (let i = 0; i < N; i++) {
    const body = { instance_name: name, agent_type: 'data', status: 'OK', beat_id: beatId() };
    const res = await core.api('/api/systemagents/heartbeat/', { method: 'POST', json: body });
    expect(res.status).toBeLessThan(300);
    const before = core.core.recorder.stats().heartbeats;
    await stomp.send(HEARTBEAT_TOPIC, JSON.stringify({ msg_type: 'heartbeat', ...body }));
    await waitFor('the STOMP copy to be handled', () =>
      core!.core.recorder.stats().heartbeats > before ? true : false,
    );
  }
  const rows = core.core.store.heartbeats.query({ instanceName: name, limit: 1000 });
  return { rows: rows.total, sources: rows.items.map((r) => r.source), events };
}

describe('each heartbeat is stored once', () => {
  it('a beat sent over REST and over STOMP with one id is one row and one event', async () => {
    const { rows, sources, events } = await beatBothWays('dual-agent-1', () => randomUUID());
    expect(rows).toBe(N);
    expect(new Set(sources)).toEqual(new Set(['rest']));
    expect(events).toHaveLength(N);
  });

  it('beats without an id are each stored (distinct beats are never merged)', async () => {
    const { rows, events } = await beatBothWays('dual-agent-2', () => undefined);
    expect(rows).toBe(2 * N);
    expect(events).toHaveLength(2 * N);
  });

  it('a STOMP copy that arrives first is the one stored; the REST copy is not added', async () => {
    core = await startTestCore();
    const { login, passcode } = core.core.brokerCredentials;
    stomp = await connectClient('stompit', { port: core.core.broker!.port, login, passcode });
    const name = 'dual-agent-3';
    for (let i = 0; i < N; i++) {
      const body = { instance_name: name, agent_type: 'data', status: 'OK', beat_id: randomUUID() };
      const before = core.core.recorder.stats().heartbeats;
      await stomp.send(HEARTBEAT_TOPIC, JSON.stringify({ msg_type: 'heartbeat', ...body }));
      await waitFor('the STOMP beat', () =>
        core!.core.recorder.stats().heartbeats > before ? true : false,
      );
      const res = await core.api('/api/systemagents/heartbeat/', { method: 'POST', json: body });
      expect(res.status).toBeLessThan(300);
    }
    const rows = core.core.store.heartbeats.query({ instanceName: name, limit: 1000 });
    expect(rows.total).toBe(N);
    expect(new Set(rows.items.map((r) => r.source))).toEqual(new Set(['stomp']));
  });
});

import type { Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AgentProcess,
  agentEnv,
  ensureAgentsBuilt,
  spawnAgent,
  stopAgent,
} from '../../helpers/agent-fleet.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { startStompRelay } from '../../helpers/stomp-relay.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

/**
 * The relay passes every frame on except the data agent's SEND of `stf_ready`, which it swallows:
 * the broker never sees it and never confirms it, as when the broker is unreachable at that moment.
 */
const swallowStfReady = (f: string) =>
  /^\s*SEND\n/.test(f) && f.includes('"msg_type":"stf_ready"') ? 'drop' : 'pass';

/**
 * The data agent stores each STF row as `processed` in one request and touches it again only when
 * the announcement fails: then the row says `failed` and why, instead of claiming an STF the
 * stages will never hear of.
 */
describe('the data agent marks an STF it could not announce as failed', () => {
  let tc: TestCore;
  let relay: Server;
  let agent: AgentProcess;
  const data = tempDir('swf-cc-data-announce-');

  beforeAll(async () => {
    ensureAgentsBuilt();
    tc = await startTestCore();
    const broker = tc.core.broker!;
    const r = await startStompRelay(broker.port, swallowStfReady);
    relay = r.server;
    const { login, passcode } = tc.core.brokerCredentials;
    agent = spawnAgent(
      'data',
      agentEnv(
        tc,
        { host: '127.0.0.1', port: r.port },
        {
          ACTIVEMQ_USER: login,
          ACTIVEMQ_PASSWORD: passcode,
          SWF_DATA_DIR: data.path,
          SWF_PUBLISH_DEADLINE_S: '5',
        },
      ),
    );
    await waitFor(
      'the data agent subscribed',
      () => broker.stats().topics.some((t) => t.name === '/topic/epictopic' && t.subscribers > 0),
      30_000,
    );
  }, 60_000);

  afterAll(async () => {
    if (agent) await stopAgent(agent);
    relay?.close();
    await tc?.close();
    data.remove();
  });

  it('stores the row processed, then failed with the reason once the publish deadline passes', async () => {
    const filename = 'swf.41.000001.stf';
    await tc.core.broker!.send(
      '/topic/epictopic',
      JSON.stringify({
        msg_type: 'stf_gen',
        namespace: 'test-ns',
        run_id: 41,
        filename,
        sequence: 1,
        size_bytes: 1024,
        state: 'physics',
        substate: 'running',
      }),
    );
    interface Row {
      status: string;
      metadata: Record<string, unknown>;
    }
    const row = async () =>
      ((await (await tc.api(`/api/stf-files/?stf_filename=${filename}`)).json()) as Row[])[0];
    // Stored at once as processed (one request), long before the 5 s deadline.
    expect((await waitFor('the STF row', row, 10_000)).status).toBe('processed');
    const failed = await waitFor(
      'the row marked failed',
      async () => {
        const r = await row();
        return r?.status === 'failed' && r;
      },
      20_000,
    );
    expect(String(failed.metadata.error)).toMatch(/^stf_ready not sent: /);
  }, 40_000);
});

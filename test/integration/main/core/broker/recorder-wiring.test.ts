import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageListener } from '../../../../../src/main/core/broker/delivered-message.js';
import { wireRecorder } from '../../../../../src/main/core/broker/recorder.js';
import { openStore } from '../../../../../src/main/core/store/index.js';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';
import { waitFor } from '../../../../helpers/wait-for.js';

/**
 * The embedded-mode contract: the embedded broker exposes `observe(listener)` (every delivered
 * SEND, queues included) and announces itself with `broker.state`; the composition root passes
 * it to `wireRecorder`. Here a minimal in-process source stands in for that interface; what is
 * checked is the core's wiring, REST and status.
 */
describe('recorder wiring in the core (embedded mode contract)', () => {
  let t: TestCore | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('records what an observed source delivers and shows the embedded broker state in status', async () => {
    t = await startTestCore();
    const status = async () =>
      (await (await t!.api('/api/cc/status/')).json()) as {
        broker: { mode: string; state: string };
        recorder: { stored: number };
      };
    // The core's own embedded broker is listening from the start.
    expect((await status()).broker).toEqual({
      mode: 'embedded',
      state: 'listening',
      detail: `127.0.0.1:${t.core.broker!.port}`,
    });

    const listeners = new Set<MessageListener>();
    const embedded = {
      observe(l: MessageListener) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
    const unwire = wireRecorder(t.core.recorder, embedded);
    t.core.bus.emit('broker.state', {
      mode: 'embedded',
      state: 'listening',
      url: 'stomp://127.0.0.1:61612',
    });
    expect((await status()).broker).toMatchObject({ mode: 'embedded', state: 'listening' });

    const deliver = (destination: string, body: unknown) =>
      listeners.forEach((l) =>
        l({ destination, headers: { destination }, body: JSON.stringify(body) }),
      );
    deliver('/queue/workflow_control', {
      msg_type: 'run_workflow',
      namespace: 'test-ns',
      workflow_name: 'stf_datataking',
      config: 'fast_processing_default',
      realtime: true,
      duration: 0,
      params: { stf_count: 5 },
      source: 'cli',
    });
    deliver('/topic/epictopic', {
      msg_type: 'run_imminent',
      run_id: 100200,
      state: 'beam',
      substate: 'not_ready',
      namespace: 'test-ns',
    });
    await waitFor('stored', async () => (await status()).recorder.stored === 2);

    const res = await t.api('/api/workflow-messages/?message_type=run_workflow');
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json())).toContain('/queue/workflow_control');
    const rs = await t.api('/api/run-states/100200/');
    expect(rs.status).toBe(200);
    expect(await rs.json()).toMatchObject({
      state: 'beam',
      substate: 'not_ready',
      phase: 'initializing',
    });
    unwire();
    expect(listeners.size).toBe(0);
  });

  it('stores what is still queued when the core stops', async () => {
    t = await startTestCore({ recorder: { flushIntervalMs: 60_000, maxBatch: 100_000 } });
    for (let i = 0; i < 50; i++) {
      t.core.recorder.ingest({
        destination: '/topic/epictopic',
        headers: {},
        body: JSON.stringify({ msg_type: 'announcement', i }),
      });
    }
    expect(t.core.recorder.stats().queued).toBe(50);
    const dataDir = t.dataDir;
    await t.core.stop();
    const store = openStore(join(dataDir, 'swf-control-center.sqlite'));
    try {
      expect(store.workflowMessages.query({ messageType: 'announcement' }).total).toBe(50);
    } finally {
      store.close();
    }
  });
});

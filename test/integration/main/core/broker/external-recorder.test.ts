import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import stompit from 'stompit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerState } from '../../../../../src/shared/broker-state.js';
import { startActiveMq, type ActiveMq } from '../../../../helpers/activemq.js';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';
import { waitFor } from '../../../../helpers/wait-for.js';
import { runMessages } from '../../../../helpers/workflow-run.js';

/**
 * External mode end to end: a real ActiveMQ 5.17, the core configured with `broker.mode =
 * 'external'`, agents' messages published by a separate STOMP connection (as the Python agents'
 * stomp.py would), recorded into SQLite; the broker restarted under the running core.
 */
const ROOT = resolve(import.meta.dirname, '../../../../..');
const run = promisify(execFile);

async function publish(port: number, messages: { destination: string; body: unknown }[]) {
  const client = await new Promise<stompit.Client>((ok, fail) =>
    stompit.connect(
      {
        host: '127.0.0.1',
        port,
        connectHeaders: { login: 'admin', passcode: 'admin', host: '127.0.0.1' },
      },
      (err, c) => (err ? fail(err) : ok(c)),
    ),
  );
  // The last SEND asks for a receipt: once it arrives the broker has taken every message before it.
  await new Promise<void>((ok, fail) => {
    messages.forEach((m, i) => {
      const last = i === messages.length - 1;
      const frame = client.send(
        { destination: m.destination },
        last ? { onReceipt: () => ok(), onError: fail } : undefined,
      );
      frame.write(typeof m.body === 'string' ? m.body : JSON.stringify(m.body));
      frame.end();
    });
  });
  await new Promise<void>((ok) => client.disconnect(() => ok()));
}

async function cliStatus(dataDir: string): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'src/main/cli.ts', 'status', '--data-dir', dataDir],
    { cwd: ROOT, env: { ...process.env, SWF_CC_LOG_LEVEL: 'error' } },
  );
  return stdout;
}

// Generous limits: real java, a spawned CLI, and a 2-core machine shared with other suites.
describe(
  'external broker mode: recorder on ActiveMQ, status, broker restart',
  { timeout: 120_000 },
  () => {
    let amq: ActiveMq;
    let t: TestCore;
    const states: BrokerState[] = [];

    beforeAll(async () => {
      amq = await startActiveMq({ startTimeoutMs: 90_000 });
      t = await startTestCore({
        broker: {
          port: 0,
          mode: 'external',
          url: amq.url,
          reconnectInitialMs: 100,
          reconnectMaxMs: 400,
        },
      });
      t.core.bus.on('broker.state', (s) => states.push(s));
    }, 120_000);

    afterAll(async () => {
      await t?.close();
      await amq?.stop();
    }, 60_000);

    const brokerStatus = async () =>
      ((await (await t.api('/api/cc/status/')).json()) as { broker: BrokerState }).broker;

    it('connects, reports it in /api/cc/status/ and `swf-control-center status`', async () => {
      await waitFor(
        'broker connected in status',
        async () => (await brokerStatus()).state === 'connected',
      );
      expect(await brokerStatus()).toMatchObject({
        mode: 'external',
        state: 'connected',
        url: amq.url,
        detail:
          'subscribed to /topic/epictopic, /topic/swf.heartbeat, /topic/swf_control_center.replies.>',
      });
      const out = await cliStatus(t.dataDir);
      expect(out).toContain(
        `broker: external connected ${amq.url} (subscribed to /topic/epictopic, /topic/swf.heartbeat, /topic/swf_control_center.replies.>)`,
      );
      expect(out).toMatch(/^recorder: \d+ messages stored, \d+ STOMP heartbeats, 0 problems$/m);
    });

    it('records what the agents publish on the workflow and heartbeat topics', async () => {
      const runMsgs = runMessages({ runNumber: 100123, stfPerPeriod: 3, tfPerStf: 1 }).filter(
        // A queue is not observed in external mode (subscribing would steal from its consumer).
        (m) => m.destination === '/topic/epictopic',
      );
      await publish(amq.port, [
        ...runMsgs,
        { destination: '/topic/epictopic', body: { agent_name: 'seed-agent', status: 'OK' } },
        {
          destination: '/topic/swf.heartbeat',
          body: {
            msg_type: 'heartbeat',
            instance_name: 'ts-agent-1',
            agent_type: 'fastmon',
            status: 'OK',
            pid: 77,
          },
        },
        { destination: '/topic/epictopic', body: 'this is not json' },
      ]);
      await waitFor('all recorded', () => {
        const s = t.core.recorder.stats();
        return s.stored === runMsgs.length && s.heartbeats === 2 && s.problems.invalid_json === 1;
      });
      expect(t.core.store.runStates.get('100123')).toMatchObject({
        state: 'ended',
        phase: 'completed',
      });
      expect(t.core.store.stfProgress.countsForRun(100123)).toMatchObject({
        generated: 6,
        ready: 6,
        fastmon: 6,
      });
      expect(t.core.store.agents.get('seed-agent')).toMatchObject({ agent_type: 'Unknown' });
      expect(t.core.store.agents.get('ts-agent-1')).toMatchObject({
        agent_type: 'fastmon',
        pid: 77,
      });
      const res = await t.api('/api/cc/status/');
      const body = (await res.json()) as {
        recorder: { stored: number; problems: Record<string, number> };
      };
      expect(body.recorder).toMatchObject({
        stored: runMsgs.length,
        problems: { invalid_json: 1 },
      });
    });

    it('reports the broker going away, reconnects and resubscribes by itself after a restart', async () => {
      const before = states.length;
      await amq.halt();
      await waitFor(
        'reconnecting in status',
        async () => (await brokerStatus()).state === 'reconnecting',
      );
      const down = await brokerStatus();
      expect(down.detail).toMatch(/attempt \d+ in \d+\.\d\d s/);
      expect(await cliStatus(t.dataDir)).toMatch(
        /^broker: external reconnecting stomp:\/\/127\.0\.0\.1:\d+ \(.*attempt \d+ in/m,
      );

      await amq.startAgain();
      await waitFor(
        'connected again',
        () => states.slice(before).some((s) => s.state === 'connected'),
        90_000,
      );
      const seen = states.slice(before).map((s) => s.state);
      expect(seen[0]).toBe('reconnecting');
      expect(seen.at(-1)).toBe('connected');

      const storedBefore = t.core.recorder.stats().stored;
      await publish(amq.port, [
        {
          destination: '/topic/epictopic',
          body: {
            msg_type: 'start_run',
            run_id: 100124,
            state: 'run',
            substate: 'physics',
            namespace: 'test-ns',
          },
        },
        {
          destination: '/topic/swf.heartbeat',
          body: {
            msg_type: 'heartbeat',
            instance_name: 'ts-agent-after-restart',
            agent_type: 'data',
          },
        },
      ]);
      await waitFor(
        'messages flow again',
        () =>
          t.core.recorder.stats().stored === storedBefore + 1 &&
          t.core.store.agents.get('ts-agent-after-restart'),
      );
      expect(t.core.store.runStates.get('100124')).toMatchObject({
        state: 'run',
        phase: 'physics',
      });
    });

    it('records the commands the core itself sends to a queue it cannot observe', async () => {
      const client = t.core.brokerClient!;
      await client.send(
        '/queue/workflow_control',
        JSON.stringify({
          msg_type: 'run_workflow',
          workflow_name: 'stf_datataking',
          namespace: 'test-ns',
        }),
      );
      await waitFor(
        'command recorded',
        () => t.core.store.workflowMessages.query({ messageType: 'run_workflow' }).items[0],
      );
      expect(
        t.core.store.workflowMessages.query({ messageType: 'run_workflow' }).items[0],
      ).toMatchObject({
        queue_name: '/queue/workflow_control',
      });
    });
  },
);

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Client } from '@modelcontextprotocol/client';
import {
  applyEvents,
  applySnapshot,
  setNotifier,
  useUi,
} from '../../../../../src/renderer/src/store/ui-store.js';
import { CORE_EVENT_NAMES } from '../../../../../src/shared/core-events.js';
import { serverMessageSchema } from '../../../../../src/shared/ui-protocol.js';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';
import { connectClient, type StompTestClient } from '../../../../helpers/stomp-clients.js';
import { nodeProgram } from '../../../../helpers/supervisor.js';
import { tempDir } from '../../../../helpers/temp-dir.js';
import { waitFor } from '../../../../helpers/wait-for.js';
import { runMessages } from '../../../../helpers/workflow-run.js';
import { connect } from '../../../../helpers/mcp-client.js';

/**
 * The composed core and the renderer's own store, joined by a real `/ws/ui` socket: every frame
 * the core sends goes through the store's reducer, so an event the renderer would reject shows up
 * as a bad event, and an event the core never sends leaves the store unchanged. Each event kind is
 * caused through the client that causes it in use (agents' REST and STOMP heartbeats, workflow
 * messages on the broker, the supervisor, an MCP client, the broker going away).
 *
 * The core under test uses an external broker (a second core's embedded one) so that the broker's
 * connection state can change while the UI watches.
 */
describe(
  '/ws/ui event contract: the composed core drives the UI store',
  { timeout: 90_000 },
  () => {
    const fleetDir = tempDir();
    let brokerCore: TestCore;
    let t: TestCore;
    let ws: WebSocket;
    let stomp: StompTestClient | undefined;
    let mcp: Client | undefined;
    const received = new Map<string, number>();
    const notifications: string[] = [];
    let frameErrors = 0;

    beforeAll(async () => {
      brokerCore = await startTestCore();
      const fleetFile = join(fleetDir.path, 'fleet.toml');
      writeFileSync(
        fleetFile,
        [
          `[programs.idle]\n${nodeProgram('sleep.js')}\nautostart = false\nstartsecs = 0.2\n`,
          `[programs.crasher]\n${nodeProgram('exit.js', '3')}\nautostart = false\nstartsecs = 1\nstartretries = 0\n`,
        ].join('\n'),
      );
      t = await startTestCore({
        fleetFile,
        processMetricsSeconds: 0.2,
        broker: {
          port: 0,
          mode: 'external',
          url: `stomp://127.0.0.1:${brokerCore.core.broker!.port}`,
          login: brokerCore.core.brokerCredentials.login,
          passcode: brokerCore.core.brokerCredentials.passcode,
          reconnectInitialMs: 100,
          reconnectMaxMs: 400,
        },
      });
      setNotifier((title) => notifications.push(title));
      ws = new WebSocket(`ws://127.0.0.1:${t.core.port}/ws/ui?token=${t.core.token}`);
      ws.on('message', (data) => {
        const parsed = serverMessageSchema.safeParse(JSON.parse(data.toString()));
        if (!parsed.success) {
          frameErrors++;
          return;
        }
        const msg = parsed.data;
        if (msg.type === 'snapshot') applySnapshot(msg);
        const events = msg.type === 'events' ? msg.events : msg.type === 'event' ? [msg] : [];
        for (const e of events) received.set(e.name, (received.get(e.name) ?? 0) + 1);
        applyEvents(events);
      });
      await waitFor('the first snapshot', () => useUi.getState().synced, 10_000);
      await waitFor('the broker connection', () => useUi.getState().broker?.state === 'connected');
      stomp = await connectClient('stompit', {
        port: brokerCore.core.broker!.port,
        login: brokerCore.core.brokerCredentials.login,
        passcode: brokerCore.core.brokerCredentials.passcode,
      });
    }, 60_000);

    afterAll(async () => {
      await mcp?.close();
      await stomp?.disconnect().catch(() => undefined);
      ws?.close();
      await t?.close();
      await brokerCore?.close();
      fleetDir.remove();
    }, 60_000);

    const ui = () => useUi.getState();
    const publish = (destination: string, body: string) => {
      if (!stomp) throw new Error('the STOMP client is disconnected');
      return stomp.send(destination, body);
    };

    it('applies a REST heartbeat: agent row and heartbeat entry', async () => {
      const res = await t.api('/api/systemagents/heartbeat/', {
        method: 'POST',
        json: {
          instance_name: 'rest-agent-1',
          agent_type: 'data',
          status: 'OK',
          operational_state: 'READY',
        },
      });
      expect(res.status).toBeLessThan(300);
      await waitFor('the REST agent in the store', () => ui().agents['rest-agent-1']);
      await waitFor('the REST heartbeat entry', () =>
        ui().heartbeats.find((h) => h.instanceName === 'rest-agent-1' && h.source === 'rest'),
      );
    });

    it('applies an agent log record', async () => {
      const res = await t.api('/api/logs/', {
        method: 'POST',
        json: {
          app_name: 'data',
          instance_name: 'rest-agent-1',
          levelname: 'WARNING',
          message: 'contract log line',
        },
      });
      expect(res.status).toBe(201);
      await waitFor('the log record', () =>
        ui().logs.find((l) => l.message === 'contract log line'),
      );
    });

    it('applies a STOMP heartbeat from the broker', async () => {
      await publish(
        '/topic/swf.heartbeat',
        JSON.stringify({
          msg_type: 'heartbeat',
          instance_name: 'stomp-agent-1',
          agent_type: 'fastmon',
          status: 'OK',
          operational_state: 'READY',
        }),
      );
      await waitFor('the STOMP heartbeat entry', () =>
        ui().heartbeats.find((h) => h.instanceName === 'stomp-agent-1' && h.source === 'stomp'),
      );
      expect(ui().agents['stomp-agent-1']?.agent_type).toBe('fastmon');
    });

    it('a run appears, progresses and ends live; its execution state follows', async () => {
      const runNumber = 4711;
      const executionId = 'stf_datataking-contract-0001';
      const created = await t.api('/api/workflow-executions/', {
        method: 'POST',
        json: {
          execution_id: executionId,
          status: 'running',
          start_time: new Date().toISOString(),
        },
      });
      expect(created.status).toBe(201);
      await waitFor('the execution in the store', () => ui().executions[executionId]);
      expect(ui().executions[executionId]?.status).toBe('running');

      // External mode records topics only (a queue subscriber would steal from its consumer).
      const messages = runMessages({ runNumber, executionId, stfPerPeriod: 2, tfPerStf: 1 }).filter(
        (m) => m.destination.startsWith('/topic/'),
      );
      const endIndex = messages.findIndex((m) => m.body.msg_type === 'end_run');
      for (const m of messages.slice(0, endIndex))
        await publish(m.destination, JSON.stringify(m.body));
      const run = await waitFor('the new run in the Runs list', () =>
        ui().runs.find((r) => r.run_number === runNumber),
      );
      expect(run.end_time).toBeNull();
      await waitFor(
        'STF progress for the run',
        () => (ui().runProgress[runNumber]?.stf.generated ?? 0) >= 4,
      );
      expect(ui().messages.some((m) => m.run_id === String(runNumber))).toBe(true);

      for (const m of messages.slice(endIndex))
        await publish(m.destination, JSON.stringify(m.body));
      const ended = await waitFor('the run ended in the Runs list', () =>
        ui().runs.find((r) => r.run_number === runNumber && r.end_time !== null),
      );
      expect(ended.state).toBe('ended');
      expect(ui().runProgress[runNumber]?.state).toBe('ended');

      const patched = await t.api(`/api/workflow-executions/${executionId}/`, {
        method: 'PATCH',
        json: { status: 'completed', end_time: new Date().toISOString() },
      });
      expect(patched.status).toBe(200);
      await waitFor(
        'the execution completed',
        () => ui().executions[executionId]?.status === 'completed',
      );
    });

    it('process state and metrics follow the supervisor; a FATAL program notifies', async () => {
      await t.core.supervisor.start('idle');
      const running = await waitFor('idle RUNNING with its pid', () => {
        const p = ui().processes?.idle;
        return p?.state === 'RUNNING' && p.pid ? p : undefined;
      });
      expect(running.pid).toBe(t.core.supervisor.get('idle')?.pid);
      await waitFor('a metrics sample for idle', () => ui().processes?.idle?.rssBytes);
      await t.core.supervisor.stop('idle');
      await waitFor('idle STOPPED', () => ui().processes?.idle?.state === 'STOPPED');
      expect(ui().processHistory.idle?.map((h) => h.state)).toEqual(
        expect.arrayContaining(['STARTING', 'RUNNING', 'STOPPING', 'STOPPED']),
      );

      await t.core.supervisor.start('crasher').catch(() => undefined);
      await waitFor('crasher FATAL', () => ui().processes?.crasher?.state === 'FATAL');
      await waitFor('a FATAL notification', () => notifications.includes('crasher is FATAL'));
      await waitFor('crasher output', () => ui().outputs.crasher?.length);
    });

    it('an MCP tool call and the MCP client list reach the MCP view', async () => {
      mcp = await connect(t, 'ws', 'legacy', 'contract-client');
      await waitFor('the connected client', () =>
        ui().mcpClients?.find((c) => c.name === 'contract-client'),
      );
      await mcp.callTool({ name: 'swf_list_agents', arguments: {} });
      const call = await waitFor('the tool call in the activity list', () =>
        ui().mcpActivity.find((a) => a.tool === 'swf_list_agents'),
      );
      expect(call.clientName).toBe('contract-client');
      expect(call.outcome).toBe('ok');
    });

    it('a broker that goes away is shown as reconnecting', async () => {
      await stomp?.disconnect();
      stomp = undefined;
      await brokerCore.core.stop();
      await waitFor('broker reconnecting', () => ui().broker?.state === 'reconnecting');
    });

    it('received every event kind the UI consumes and rejected none', () => {
      // Liveness needs minutes without a heartbeat, and the core's own start/stop is not shown.
      const consumed = CORE_EVENT_NAMES.filter((n) => n !== 'agent.liveness' && n !== 'core.state');
      for (const name of consumed) expect(received.get(name) ?? 0, name).toBeGreaterThan(0);
      expect(frameErrors).toBe(0);
      expect(ui().badEvents).toBe(0);
    });
  },
);

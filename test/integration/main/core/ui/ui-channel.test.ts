import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { silentLogger } from '../../../../../src/main/core/logger.js';
import { createUiChannel } from '../../../../../src/main/core/ui/ui-channel.js';
import {
  type ServerMessage,
  serverMessageSchema,
  snapshotSchema,
} from '../../../../../src/shared/ui-protocol.js';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';

/** A /ws/ui client that validates every frame against the protocol and lets tests await one. */
class UiClient {
  readonly messages: ServerMessage[] = [];
  private waiters: { pred: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] =
    [];
  private seq = 0;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = serverMessageSchema.parse(JSON.parse(data.toString()));
      this.messages.push(msg);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(msg)) return true;
        w.resolve(msg);
        return false;
      });
    });
  }

  static async open(core: TestCore, token = core.core.token): Promise<UiClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${core.core.port}/ws/ui?token=${token}`);
    const client = new UiClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  /** Resolves with the first message (already received or future) that matches. */
  next<T extends ServerMessage>(pred: (m: ServerMessage) => m is T, afterIndex = 0): Promise<T> {
    const found = this.messages.slice(afterIndex).find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching UI message within 5 s')), 5000);
      this.waiters.push({
        pred,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as T);
        },
      });
    });
  }

  async command(command: string, args?: unknown) {
    const id = `t${++this.seq}`;
    this.ws.send(JSON.stringify({ type: 'command', id, command, args }));
    return this.next(
      (m): m is Extract<ServerMessage, { type: 'result' }> => m.type === 'result' && m.id === id,
    );
  }

  close() {
    this.ws.close();
  }
}

const isSnapshot = (m: ServerMessage): m is Extract<ServerMessage, { type: 'snapshot' }> =>
  m.type === 'snapshot';

describe('/ws/ui', () => {
  let t: TestCore;
  let clients: UiClient[] = [];
  const open = async () => {
    const c = await UiClient.open(t);
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    // No DAQ simulator runs here: workflow commands give up after a short wait.
    t = await startTestCore({ workflowReplyTimeoutSeconds: 0.3 });
  });
  afterEach(async () => {
    for (const c of clients) c.close();
    clients = [];
    await t.close();
  });

  it('refuses a connection without the token', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${t.core.port}/ws/ui?token=wrong`);
    const status = await new Promise<number | undefined>((resolve) => {
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode));
      ws.once('open', () => resolve(undefined));
    });
    expect(status).toBe(401);
  });

  it('starts with a snapshot of the fleet with liveness, heartbeats and config', async () => {
    const res = await t.api('/api/systemagents/heartbeat/', {
      method: 'POST',
      json: { instance_name: 'agent-a', agent_type: 'data', status: 'OK' },
    });
    expect(res.status).toBe(201);
    const c = await open();
    const snap = snapshotSchema.parse(await c.next(isSnapshot));
    expect(snap.agents.map((a) => [a.instance_name, a.liveness])).toEqual([['agent-a', 'alive']]);
    expect(snap.heartbeats.at(-1)?.instanceName).toBe('agent-a');
    expect(snap.config.namespace).toBe('test-ns');
    expect(snap.config.mcpUrl).toBe(`http://127.0.0.1:${t.core.port}/mcp`);
    // The core's supervisor is attached (with an empty fleet): its programs and commands are there.
    expect(snap.processes).toEqual([]);
    expect(snap.commands).toContain('settings.set');
    expect(snap.commands).toContain('process.start');
    expect(snap.commands).toContain('mcp.clients');
  });

  it('forwards bus events as they happen, batched', async () => {
    const c = await open();
    await c.next(isSnapshot);
    await t.api('/api/systemagents/heartbeat/', {
      method: 'POST',
      json: { instance_name: 'agent-b', agent_type: 'fastmon', status: 'OK' },
    });
    const batch = await c.next(
      (m): m is Extract<ServerMessage, { type: 'events' }> =>
        m.type === 'events' && m.events.some((e) => e.name === 'agent.heartbeat'),
    );
    const names = batch.events.map((e) => e.name);
    expect(names).toContain('agent.changed');
    expect(names).toContain('agent.heartbeat');
    const hb = batch.events.find((e) => e.name === 'agent.heartbeat')!.payload as {
      instanceName: string;
      source: string;
    };
    expect(hb).toMatchObject({ instanceName: 'agent-b', source: 'rest' });
  });

  it('answers commands by id; commands without a backend say so', async () => {
    const c = await open();
    await c.next(isSnapshot);
    await t.api('/api/systemagents/heartbeat/', {
      method: 'POST',
      json: { instance_name: 'agent-c', agent_type: 'data', status: 'OK' },
    });
    const q = await c.command('heartbeats.query', { instanceName: 'agent-c' });
    expect(q.ok).toBe(true);
    expect((q.data as { items: { instance_name: string }[] }).items[0]?.instance_name).toBe(
      'agent-c',
    );

    // A supervisor command for a name the fleet file does not have fails with the reason.
    const start = await c.command('process.start', { target: 'agent-c' });
    expect(start).toMatchObject({ ok: false });
    expect(start.error).toMatch(/no process, program or group named "agent-c"/);
    // run.start publishes run_workflow through the embedded broker and, with no DAQ simulator
    // to answer, fails saying so.
    const run = await c.command('run.start', { stfCount: 5 });
    expect(run).toMatchObject({ ok: false });
    expect(run.error).toMatch(/^no DAQ simulator answered in 0.3 s and no run started/);
    const [sentRun] = t.core.store.workflowMessages.query({ messageType: 'run_workflow' }).items;
    expect(sentRun).toMatchObject({
      queue_name: '/queue/workflow_control',
      message_content: { params: { stf_count: 5 }, source: 'ui' },
    });
    // No MCP client is connected yet.
    const clients = await c.command('mcp.clients', {});
    expect(clients).toMatchObject({ ok: true, data: { clients: [] } });

    expect((await c.command('no.such')).error).toBe('unknown command "no.such"');
    expect((await c.command('toString')).error).toBe('unknown command "toString"');
    const bad = await c.command('heartbeats.query', { limit: -1 });
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatch(/^invalid arguments: limit/);

    c.ws.send('{not json');
    const notJson = await c.next(
      (m): m is Extract<ServerMessage, { type: 'result' }> => m.type === 'result' && m.id === '',
    );
    expect(notJson.error).toBe('not JSON');
  });

  it('runs a registered handler and reports what it throws', async () => {
    t.core.ui.registerCommand('process.stop', (a) => {
      throw new Error(`no program named "${a.target}" in the fleet config`);
    });
    const c = await open();
    const r = await c.command('process.stop', { target: 'ghost' });
    expect(r).toMatchObject({ ok: false, error: 'no program named "ghost" in the fleet config' });
  });

  it('validates settings with the config schema and writes config.toml', async () => {
    const c = await open();
    const bad = await c.command('settings.set', { values: { port: 99999 } });
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatch(/"port"/);
    const unknown = await c.command('settings.set', { values: { dataDir: '/tmp/x' } });
    expect(unknown.error).toMatch(/"dataDir" cannot be changed here/);
    const external = await c.command('settings.set', { values: { broker: { mode: 'external' } } });
    expect(external.error).toMatch(/broker\.url/);

    const ok = await c.command('settings.set', {
      values: { namespace: 'alice-laptop', liveness: { aliveSeconds: 120 } },
    });
    expect(ok.ok).toBe(true);
    const data = ok.data as { restartRequired: string[]; saved: Record<string, unknown> };
    expect(data.restartRequired.sort()).toEqual(['liveness.aliveSeconds', 'namespace']);
    const text = readFileSync(join(t.dataDir, 'config.toml'), 'utf8');
    expect(text).toMatch(/namespace = "alice-laptop"/);
    expect(text).toMatch(/aliveSeconds = 120/);
    const got = await c.command('settings.get');
    expect((got.data as { saved: { namespace: string } }).saved.namespace).toBe('alice-laptop');
  });

  it('drops events for a client that falls behind, then resyncs it with a snapshot', async () => {
    // A channel with a tiny queue replaces the default one on /ws/ui for this core.
    const small = createUiChannel({
      bus: t.core.bus,
      store: t.core.store,
      config: t.core.config,
      http: t.core.http,
      startedAt: t.core.startedAt,
      log: silentLogger,
      maxQueuedEvents: 5,
    });
    try {
      const c = await open();
      await c.next(isSnapshot);
      const before = c.messages.length;
      for (let i = 0; i < 50; i++)
        t.core.bus.emit('agent.liveness', {
          instanceName: `x${i}`,
          liveness: 'dead',
          markedExited: false,
        });
      const resync = await c.next(
        (m): m is Extract<ServerMessage, { type: 'resync' }> => m.type === 'resync',
        before,
      );
      expect(resync.reason).toMatch(/fell behind/);
      const idx = c.messages.indexOf(resync);
      await c.next(isSnapshot, idx);
      // Nothing from the overflowing burst was delivered piecemeal.
      expect(c.messages.slice(before, idx).some((m) => m.type === 'events')).toBe(false);
    } finally {
      await small.close();
    }
  });
});

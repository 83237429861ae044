import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { browseResultSchemas } from '../../../../../src/shared/browse-protocol.js';
import { serverMessageSchema } from '../../../../../src/shared/ui-protocol.js';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';
import { connectClient, type StompTestClient } from '../../../../helpers/stomp-clients.js';
import { waitFor } from '../../../../helpers/wait-for.js';

// The browsers' commands against a real core: records arrive through the broker and REST as the
// agents send them; every answer is checked against the shared result schema.
const MESSAGES = 1100;
let core: TestCore;
let stomp: StompTestClient;
let ws: WebSocket;
let seq = 0;
const waiting = new Map<string, (r: { ok: boolean; data?: unknown; error?: string }) => void>();

async function command<K extends keyof typeof browseResultSchemas>(name: K, args: unknown) {
  const id = `b${++seq}`;
  const result = await new Promise<{ ok: boolean; data?: unknown; error?: string }>((resolve) => {
    waiting.set(id, resolve);
    ws.send(JSON.stringify({ type: 'command', id, command: name, args }));
  });
  if (!result.ok) throw new Error(result.error);
  return browseResultSchemas[name].parse(result.data) as ReturnType<
    (typeof browseResultSchemas)[K]['parse']
  >;
}

async function rawCommand(name: string, args: unknown) {
  const id = `b${++seq}`;
  return new Promise<{ ok: boolean; error?: string }>((resolve) => {
    waiting.set(id, resolve);
    ws.send(JSON.stringify({ type: 'command', id, command: name, args }));
  });
}

beforeAll(async () => {
  core = await startTestCore();
  const { login, passcode } = core.core.brokerCredentials;
  stomp = await connectClient('stompit', { port: core.core.broker!.port, login, passcode });
  const topic = core.core.config.workflowTopic;
  for (let i = 0; i < MESSAGES; i++)
    await stomp.send(
      topic,
      JSON.stringify({
        msg_type: i % 2 ? 'stf_ready' : 'stf_gen',
        run_id: 7,
        filename: `swf.000007.${String(i >> 1).padStart(6, '0')}.stf`,
        namespace: 'test-ns',
      }),
    );
  await waitFor(
    'the recorder to store every message',
    () => core.core.store.workflowMessages.query({ limit: 1 }).total >= MESSAGES,
  );
  for (const [i, level] of ['INFO', 'WARNING', 'ERROR', 'DEBUG', 'INFO'].entries()) {
    const res = await core.api('/api/logs/', {
      method: 'POST',
      json: {
        app_name: 'data',
        instance_name: `agent-${i % 2}`,
        levelname: level,
        message: `m${i}`,
      },
    });
    expect(res.status).toBe(201);
  }
  for (let i = 0; i < 3; i++) {
    const res = await core.api('/api/stf-files/', {
      method: 'POST',
      json: { stf_filename: `swf.000007.00000${i}.stf`, run_number: 7, file_size_bytes: 1000 + i },
    });
    expect(res.status).toBe(201);
  }
  ws = new WebSocket(`ws://127.0.0.1:${core.core.port}/ws/ui?token=${core.core.token}`);
  ws.on('message', (data) => {
    const msg = serverMessageSchema.parse(JSON.parse(data.toString()));
    if (msg.type !== 'result') return;
    waiting.get(msg.id)?.({ ok: msg.ok, data: msg.data, error: msg.error });
    waiting.delete(msg.id);
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
}, 120_000);

afterAll(async () => {
  ws?.close();
  await stomp?.kill();
  await core?.close();
});

describe('browse commands on /ws/ui', () => {
  it('pages messages over the whole store, past the newest 1,000', async () => {
    const last = await command('browse.messages', { limit: 50, offset: MESSAGES - 50 });
    expect(last.total).toBe(MESSAGES);
    expect(last.items).toHaveLength(50);
    // Newest first: the last page holds the oldest messages, the very first one at its end.
    expect(last.items.at(-1)!.message_content).toMatchObject({ filename: 'swf.000007.000000.stf' });
    const first = await command('browse.messages', { limit: 50 });
    expect(first.items[0]!.id).toBeGreaterThan(last.items[0]!.id);
  });

  it('filters messages by type, run, sender and STF file', async () => {
    const gen = await command('browse.messages', { messageType: 'stf_gen', runId: '7', limit: 5 });
    expect(gen.total).toBe(MESSAGES / 2);
    expect(new Set(gen.items.map((m) => m.message_type))).toEqual(new Set(['stf_gen']));
    const one = await command('browse.messages', { stfFilename: 'swf.000007.000003.stf' });
    expect(one.items.map((m) => m.message_type).sort()).toEqual(['stf_gen', 'stf_ready']);
    const none = await command('browse.messages', { sender: 'nobody' });
    expect(none.total).toBe(0);
  });

  it('filters logs by level and agent', async () => {
    const warn = await command('browse.logs', { minLevel: 30 });
    expect(warn.items.map((l) => l.levelname).sort()).toEqual(['ERROR', 'WARNING']);
    const agent = await command('browse.logs', { instanceName: 'agent-1' });
    expect(agent.total).toBe(2);
  });

  it('lists the STF files of a run and their TF samples, paged', async () => {
    const files = await command('browse.stfFiles', { runNumber: 7, limit: 2 });
    expect(files.total).toBe(3);
    expect(files.items).toHaveLength(2);
    const next = await command('browse.stfFiles', { runNumber: 7, limit: 2, offset: 2 });
    expect(next.items).toHaveLength(1);
    const samples = await command('browse.tfSamples', { stfFilename: 'swf.000007.000000.stf' });
    expect(samples.total).toBe(0);
  });

  it('plots message rate and stage throughput from the store', async () => {
    const series = await command('plots.series', { windowSeconds: 600, bucketSeconds: 10 });
    const messages = series.messages.reduce((a, b) => a + b, 0) * 10;
    expect(Math.round(messages)).toBe(MESSAGES);
    expect(series.t).toHaveLength(60);
  });

  it('refuses bad arguments and an unknown execution with a clear error', async () => {
    expect((await rawCommand('browse.messages', { limit: 100_000 })).error).toMatch(/limit/);
    expect((await rawCommand('browse.logs', { bogus: 1 })).error).toMatch(/bogus|unrecognized/i);
    expect((await rawCommand('browse.execution', { executionId: 'nope' })).error).toMatch(
      /no workflow execution "nope"/,
    );
  });
});

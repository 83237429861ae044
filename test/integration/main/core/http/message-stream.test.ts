import { spawn } from 'node:child_process';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';
import { connectClient, PYTHON, type StompTestClient } from '../../../../helpers/stomp-clients.js';
import { waitFor } from '../../../../helpers/wait-for.js';

const RECEIVER = join(import.meta.dirname, '../../../../fixtures/python/sse_receiver.py');
const TOPIC = '/topic/epictopic';

let t: TestCore;
let stomp: StompTestClient;
beforeAll(async () => {
  t = await startTestCore();
  const { login, passcode } = t.core.brokerCredentials;
  stomp = await connectClient('stompit', { port: t.core.broker!.port, login, passcode });
});
afterAll(async () => {
  await stomp.disconnect();
  await t.close();
});

let runId = 200_000;
const publish = (body: Record<string, unknown>) => stomp.send(TOPIC, JSON.stringify(body));

/** A run's messages as the DAQ simulator sends them, `stfs` STF files long. */
async function publishRun(stfs: number, pad = '') {
  const run_id = ++runId;
  const base = { namespace: 'test-ns', execution_id: `exe-${run_id}`, run_id };
  await publish({ msg_type: 'run_imminent', ...base, processed_by: 'daq-simulator' });
  await publish({ msg_type: 'start_run', ...base, processed_by: 'daq-simulator' });
  for (let i = 1; i <= stfs; i++)
    await publish({
      msg_type: 'stf_gen',
      ...base,
      filename: `swf.${run_id}.${i}.stf`,
      sequence: i,
      processed_by: 'daq-simulator',
      pad,
    });
  await publish({ msg_type: 'end_run', ...base, processed_by: 'daq-simulator' });
  return run_id;
}

/** An SSE reader over fetch that counts the events of each type it received. */
async function openStream(query = '') {
  const res = await t.api(`/api/messages/stream/${query}`, {
    headers: { Accept: 'text/event-stream' },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const counts = new Map<string, number>();
  let buffer = '';
  let closed = false;
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const type = /^event: (.*)$/m.exec(buffer.slice(0, end))?.[1] ?? 'message';
        counts.set(type, (counts.get(type) ?? 0) + 1);
        buffer = buffer.slice(end + 2);
      }
    }
    closed = true;
  })();
  return {
    count: (type: string) => counts.get(type) ?? 0,
    closed: () => closed,
    close: () => reader.cancel(),
  };
}

describe('SSE relay /api/messages/stream/', { timeout: 120_000 }, () => {
  it('a receiver that behaves as the testbed receiver gets every message of a run through its filters', async () => {
    const child = spawn(PYTHON, ['-u', RECEIVER, '--message', 'stf_gen,end_run', '--count', '6'], {
      env: { ...process.env, SWF_MONITOR_URL: t.core.url, SWF_API_TOKEN: t.core.token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    await waitFor('the receiver to connect', () => out.includes('"connected"'), 30_000);

    const run = await publishRun(5);
    expect(await exited, err).toBe(0);
    const events = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event?: string; data?: Record<string, unknown> })
      .filter((e) => e.event);
    expect(events.map((e) => e.event)).toEqual([...Array(5).fill('stf_gen'), 'end_run']);
    expect(events.map((e) => e.data!.run_id)).toEqual(Array(6).fill(run));
    expect(events[0]!.data).toMatchObject({
      msg_type: 'stf_gen',
      filename: `swf.${run}.1.stf`,
      queue_name: TOPIC,
      namespace: 'test-ns',
    });
  });

  it('filters by agent and run id, and reports live clients in status/', async () => {
    const byRun = await openStream(`?run_ids=${runId + 1}&msg_types=stf_gen`);
    const byAgent = await openStream('?agents=nobody');
    const status = (await (await t.api('/api/messages/stream/status/')).json()) as {
      connected_clients: number;
      client_filters: Record<string, unknown>;
    };
    expect(status.connected_clients).toBe(2);
    expect(Object.values(status.client_filters)).toContainEqual({
      run_ids: [String(runId + 1)],
      msg_types: ['stf_gen'],
    });
    await publishRun(3); // runId + 1
    await publishRun(2); // another run: filtered out
    await waitFor('the run filter to pass 3 STFs', () => byRun.count('stf_gen') === 3);
    expect(byAgent.count('stf_gen')).toBe(0);
    await byRun.close();
    await byAgent.close();
    await waitFor('status to count 0 clients', async () => {
      const s = (await (await t.api('/api/messages/stream/status/')).json()) as {
        connected_clients: number;
      };
      return s.connected_clients === 0;
    });
  });

  it('needs the token', async () => {
    const res = await fetch(`${t.core.url}api/messages/stream/`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { detail: string }).detail).toBe(
      'Authentication credentials were not provided.',
    );
  });

  it('serves 50 streams at once', async () => {
    const run = runId + 1;
    const streams = await Promise.all(
      Array.from({ length: 50 }, () => openStream(`?run_ids=${run}`)),
    );
    await publishRun(20);
    await waitFor('every stream to receive the run', () =>
      streams.every((s) => s.count('stf_gen') === 20 && s.count('end_run') === 1),
    );
    await Promise.all(streams.map((s) => s.close()));
  });

  it('a client that never reads loses its own messages, and neither the broker nor another stream waits for it', async () => {
    const run = runId + 1;
    const stuck = netConnect(t.core.port, '127.0.0.1');
    await new Promise<void>((r) => stuck.once('connect', r));
    stuck.pause();
    stuck.write(
      `GET /api/messages/stream/?run_ids=${run} HTTP/1.1\r\nHost: 127.0.0.1:${t.core.port}\r\nAuthorization: Token ${t.core.token}\r\n\r\n`,
    );
    // The other stream asks only for the run's end, so it cannot fall behind itself.
    const reader = await openStream(`?run_ids=${run}&msg_types=end_run`);
    await waitFor('both streams to be open', async () => {
      const s = (await (await t.api('/api/messages/stream/status/')).json()) as {
        connected_clients: number;
      };
      return s.connected_clients === 2;
    });
    // 12 MB: more than the stuck client's socket buffers and its 1 MiB allowance together.
    const stfs = 1500;
    await publishRun(stfs, 'x'.repeat(8 * 1024));
    await waitFor('the other stream to hear the run end', () => reader.count('end_run') === 1);
    const status = (await (await t.api('/api/messages/stream/status/')).json()) as {
      client_stats: Record<string, { sent: number; dropped: number }>;
    };
    const stuckStats = Object.values(status.client_stats).find((s) => s.sent + s.dropped > 1)!;
    expect(stuckStats.sent + stuckStats.dropped).toBe(stfs + 3);
    expect(stuckStats.dropped).toBeGreaterThan(0);
    expect((await t.api('/api/systemagents/')).status).toBe(200);
    stuck.destroy();
    await reader.close();
  });
});

/**
 * Recorder throughput: how many workflow messages per second end up stored in SQLite on disk.
 *
 *   node --import tsx bench/recorder.ts [N] [--stomp M]
 *
 * 1. Direct: N (default 200,000) realistic bodies (full HEAD runs: lifecycle, stf_gen, stf_ready,
 *    processing_complete, tf_file_registered) handed to the recorder's input in
 *    chunks of 1,000 with a turn of the event loop in between, as a socket delivers them; timed
 *    from the first message to the last one committed.
 * 2. Through a real broker (with --stomp M, default 50,000 when ActiveMQ is installed): an
 *    ActiveMQ 5.17 is started, the external client subscribes to /topic/epictopic and feeds the
 *    recorder; a second STOMP connection publishes M bodies; timed until all are stored.
 * Prints the figures; CI does not time anything.
 */
import { existsSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import { createExternalBrokerClient } from '../src/main/core/broker/external-client.js';
import type { DeliveredMessage } from '../src/main/core/broker/delivered-message.js';
import { createRecorder, wireRecorder } from '../src/main/core/broker/recorder.js';
import { EventBus } from '../src/main/core/events.js';
import { createHeartbeatService } from '../src/main/core/monitor/heartbeat-service.js';
import { openStore } from '../src/main/core/store/index.js';
import { startActiveMq } from '../test/helpers/activemq.js';
import { tempDir } from '../test/helpers/temp-dir.js';
import { runMessages } from '../test/helpers/workflow-run.js';

const args = process.argv.slice(2);
const N = Number(args.find((a) => /^\d+$/.test(a)) ?? 200_000);
const stompIdx = args.indexOf('--stomp');
const M =
  stompIdx >= 0
    ? Number(args[stompIdx + 1] ?? 50_000)
    : existsSync('/usr/share/activemq')
      ? 50_000
      : 0;

function realisticBodies(n: number): DeliveredMessage[] {
  const out: DeliveredMessage[] = [];
  for (let run = 100_010; out.length < n; run++) {
    for (const m of runMessages({ runNumber: run, stfPerPeriod: 50, tfPerStf: 2 })) {
      out.push({ destination: m.destination, headers: {}, body: JSON.stringify(m.body) });
      if (out.length === n) break;
    }
  }
  return out;
}

function setup() {
  const dir = tempDir('swf-cc-bench-');
  const path = join(dir.path, 'swf-control-center.sqlite');
  const store = openStore(path);
  const bus = new EventBus();
  let events = 0;
  bus.on('workflow.message', () => events++);
  const recorder = createRecorder({
    store,
    heartbeats: createHeartbeatService(store, bus, () => {}),
    bus,
    ...(process.env.MAX_BATCH ? { maxBatch: Number(process.env.MAX_BATCH) } : {}),
  });
  return {
    store,
    recorder,
    path,
    events: () => events,
    close() {
      recorder.stop();
      store.close();
      dir.remove();
    },
  };
}

const rate = (n: number, ms: number) => Math.round(n / (ms / 1000)).toLocaleString('en-US');
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

async function direct() {
  const bodies = realisticBodies(N);
  const s = setup();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < bodies.length; i++) {
    s.recorder.ingest(bodies[i]!);
    if (i % 1000 === 999) await yieldToLoop();
  }
  await s.recorder.idle();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const st = s.recorder.stats();
  const rows = (
    s.store.db.prepare('SELECT COUNT(*) AS n FROM workflow_messages').get() as { n: number }
  ).n;
  const size =
    statSync(s.path).size + (existsSync(`${s.path}-wal`) ? statSync(`${s.path}-wal`).size : 0);
  console.log(
    `direct input: ${N.toLocaleString('en-US')} messages stored in ${(ms / 1000).toFixed(2)} s = ${rate(st.stored, ms)} msg/s ` +
      `(rows ${rows}, batches ${st.batches}, slowest batch ${st.maxBatchMs.toFixed(0)} ms, ` +
      `workflow.message events ${s.events()}, problems ${JSON.stringify(st.problems)}, db+wal ${mb(size)} MB)`,
  );
  console.log(
    `  CPU time used ${(cpuMs / 1000).toFixed(2)} s = ${rate(st.stored, cpuMs)} msg per CPU-second; ` +
      `load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores while measuring`,
  );
  if (rows !== N) throw new Error(`expected ${N} rows, found ${rows}`);
  s.close();
}

async function throughStomp() {
  const amq = await startActiveMq();
  const s = setup();
  const client = createExternalBrokerClient({
    url: amq.url,
    login: 'admin',
    passcode: 'admin',
    subscriptions: ['/topic/epictopic'],
  });
  wireRecorder(s.recorder, client);
  const connected = new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (client.state().state === 'connected') {
        clearInterval(check);
        resolve();
      }
    }, 20);
  });
  client.start();
  await connected;
  const publisher = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, 'stomp-publisher.ts'),
      String(amq.port),
      String(M),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  publisher.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const publisherDone = new Promise<void>((resolve) => publisher.once('exit', () => resolve()));
  // Timed from the first message the recorder receives (the publisher's start-up is not ours).
  const deadline = Date.now() + 300_000;
  while (s.recorder.stats().received === 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5));
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  while (s.recorder.stats().stored < M && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  await s.recorder.idle();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await publisherDone;
  const sentMs = Number(/sent \d+ (\d+)/.exec(out)?.[1] ?? NaN);
  const stored = s.recorder.stats().stored;
  console.log(
    `through ActiveMQ 5.17 + stompit: ${stored.toLocaleString('en-US')}/${M.toLocaleString('en-US')} messages stored in ${(ms / 1000).toFixed(2)} s = ${rate(stored, ms)} msg/s ` +
      `(publisher process: ${(sentMs / 1000).toFixed(2)} s from connect to last receipt; ` +
      `recorder process CPU ${rate(stored, (cpu.user + cpu.system) / 1000)} msg per CPU-second; load average ${loadavg()[0]!.toFixed(1)})`,
  );
  await client.stop();
  s.close();
  await amq.stop();
}

await direct();
if (M > 0) await throughStomp();

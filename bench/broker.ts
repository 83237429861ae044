/**
 * Broker throughput: the same client workload against the embedded broker and ActiveMQ 5.17.
 *
 *   node --import tsx bench/broker.ts [messages=100000] [bodyBytes=512]
 *
 * Workload (per broker): one producer sends N messages of B bytes to a topic with 3
 * subscribers, then N to a queue with 2 consumers (auto ack). The clients run in a child process
 * (so they do not share the embedded broker's event loop) and speak plain STOMP 1.2 over TCP with
 * pre-encoded frames, so the figures measure the brokers rather than a client library. A phase
 * ends when every subscriber has all N messages (topic) or the consumers together have N (queue).
 * Prints messages/s per broker and phase, and the ratio embedded / ActiveMQ.
 *
 * A third phase, `stuck`, repeats the topic phase with one more subscriber that never reads its
 * socket; its rate against the plain topic phase of the same run shows what one stuck reader
 * costs the publisher and the others (target: ratio >= 0.8).
 *
 * Credentials: BENCH_LOGIN / BENCH_PASSCODE (default admin/admin, which this bench configures on
 * the embedded broker it starts; the ActiveMQ helper accepts the same).
 */
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startEmbeddedBroker } from '../src/main/core/broker/embedded-broker.js';
import { activeMqAvailable, startActiveMq } from '../test/helpers/activemq.js';

interface PhaseResult {
  messages: number;
  ms: number;
  perSecond: number;
}
interface RunResult {
  topic: PhaseResult;
  queue: PhaseResult;
  stuck: PhaseResult;
}

const LOGIN = process.env.BENCH_LOGIN ?? 'admin';
const PASSCODE = process.env.BENCH_PASSCODE ?? 'admin';

const SELF = fileURLToPath(import.meta.url);

// --- client side (child process) ---------------------------------------------------------------

class RawClient {
  private nuls = 0;
  private waiters: { n: number; resolve: () => void }[] = [];
  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      // Every frame ends with exactly one NUL; bodies here have none, so NULs count frames.
      let at = chunk.indexOf(0);
      while (at !== -1) {
        this.nuls++;
        at = chunk.indexOf(0, at + 1);
      }
      if (this.waiters.length > 0) {
        this.waiters = this.waiters.filter((w) => {
          if (this.nuls >= w.n) w.resolve();
          return this.nuls < w.n;
        });
      }
    });
  }

  static async open(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new RawClient(socket);
    socket.write(
      `STOMP\naccept-version:1.2\nhost:127.0.0.1\nlogin:${LOGIN}\npasscode:${PASSCODE}\n\n\0`,
    );
    await client.frames(1);
    return client;
  }

  get count(): number {
    return this.nuls;
  }

  frames(n: number): Promise<void> {
    if (this.nuls >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  async subscribe(destination: string, id = '1'): Promise<void> {
    const before = this.nuls;
    this.socket.write(
      `SUBSCRIBE\nid:${id}\ndestination:${destination}\nack:auto\nreceipt:sub\n\n\0`,
    );
    await this.frames(before + 1);
  }

  async produce(destination: string, count: number, bodyBytes: number): Promise<void> {
    const body = 'x'.repeat(bodyBytes);
    const frame = Buffer.from(
      `SEND\ndestination:${destination}\ncontent-length:${bodyBytes}\n\n${body}\0`,
    );
    const perBatch = 64;
    const batch = Buffer.concat(Array.from({ length: perBatch }, () => frame));
    let sent = 0;
    while (sent < count) {
      const n = Math.min(perBatch, count - sent);
      const ok = this.socket.write(n === perBatch ? batch : batch.subarray(0, n * frame.length));
      sent += n;
      if (!ok) await new Promise((resolve) => this.socket.once('drain', resolve));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

async function runWorkload(
  port: number,
  messages: number,
  bodyBytes: number,
  tag: string,
): Promise<RunResult> {
  const phases = process.env.BENCH_PHASES ?? 'topic,queue,stuck';
  // Topic: 3 subscribers, one producer.
  const topic = `/topic/bench.${tag}`;
  const subs = await Promise.all([0, 1, 2].map(() => RawClient.open(port)));
  for (const s of subs) await s.subscribe(topic);
  const base = subs.map((s) => s.count);
  const producer = await RawClient.open(port);
  let t0 = performance.now();
  if (phases.includes('topic')) {
    await producer.produce(topic, messages, bodyBytes);
    await Promise.all(subs.map((s, i) => s.frames(base[i]! + messages)));
  }
  const topicMs = performance.now() - t0;

  // The same with one more subscriber that never reads.
  const stuckTopic = `/topic/bench.${tag}.stuck`;
  const stuck = await RawClient.open(port);
  await stuck.subscribe(stuckTopic);
  stuck.socket.pause();
  for (const s of subs) await s.subscribe(stuckTopic, '2');
  const stuckBase = subs.map((s) => s.count);
  t0 = performance.now();
  if (phases.includes('stuck')) {
    await producer.produce(stuckTopic, messages, bodyBytes);
    await Promise.all(subs.map((s, i) => s.frames(stuckBase[i]! + messages)));
  }
  const stuckMs = performance.now() - t0;
  stuck.close();
  for (const s of subs) s.close();

  // Queue: 2 consumers, one producer.
  const queue = `/queue/bench.${tag}`;
  const consumers = await Promise.all([0, 1].map(() => RawClient.open(port)));
  for (const c of consumers) await c.subscribe(queue);
  const qbase = consumers.map((c) => c.count);
  const received = () => consumers.reduce((t, c, i) => t + c.count - qbase[i]!, 0);
  // Resolves when the consumers together hold N messages (checked on each arriving chunk).
  const allReceived = new Promise<void>((resolve) => {
    const check = () => {
      if (received() < messages) return;
      for (const c of consumers) c.socket.off('data', check);
      resolve();
    };
    for (const c of consumers) c.socket.on('data', check);
  });
  t0 = performance.now();
  if (phases.includes('queue')) {
    await producer.produce(queue, messages, bodyBytes);
    await allReceived;
  }
  const queueMs = performance.now() - t0;
  for (const c of consumers) c.close();
  producer.close();
  const phase = (ms: number): PhaseResult => ({ messages, ms, perSecond: (messages / ms) * 1000 });
  return { topic: phase(topicMs), queue: phase(queueMs), stuck: phase(stuckMs) };
}

// --- parent -----------------------------------------------------------------------------------

function runClientProcess(
  port: number,
  messages: number,
  bodyBytes: number,
  tag: string,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', SELF, '--client', String(port), String(messages), String(bodyBytes), tag],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`bench client exited with ${code}`));
      resolve(JSON.parse(out) as RunResult);
    });
  });
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main() {
  const messages = Number(process.argv[2] ?? 100_000);
  const bodyBytes = Number(process.argv[3] ?? 512);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const warmup = Math.min(20_000, messages);
  console.log(
    `broker bench: ${fmt(messages)} messages of ${bodyBytes} B; topic 1->3, queue 1->2; ` +
      `${rounds} interleaved rounds per broker (best round reported: the machine is shared)`,
  );

  const brokers: { name: string; port: number; stop(): Promise<void>; note?: () => string }[] = [];
  const embedded = await startEmbeddedBroker({ port: 0, login: LOGIN, passcode: PASSCODE });
  brokers.push({
    name: 'embedded',
    port: embedded.port,
    stop: () => embedded.close(),
    note: () => {
      const s = embedded.stats();
      return `slow consumers cut off ${s.cutOff}, refused ${s.refused}`;
    },
  });
  if (process.env.BENCH_EMBEDDED_ONLY) console.log('BENCH_EMBEDDED_ONLY set: skipping ActiveMQ');
  else if (activeMqAvailable()) {
    const amq = await startActiveMq();
    brokers.push({ name: 'activemq', port: amq.port, stop: () => amq.stop() });
  } else console.log('ActiveMQ is not installed (Debian package activemq): embedded figures only');

  const best: Record<string, RunResult> = {};
  try {
    for (const b of brokers) await runClientProcess(b.port, warmup, bodyBytes, 'warmup');
    for (let round = 1; round <= rounds; round++) {
      for (const b of brokers) {
        const r = await runClientProcess(b.port, messages, bodyBytes, `r${round}`);
        console.log(
          `round ${round} ${b.name.padEnd(9)} topic ${fmt(r.topic.perSecond).padStart(8)} msg/s   queue ${fmt(r.queue.perSecond).padStart(8)} msg/s` +
            `   topic+stuck ${fmt(r.stuck.perSecond).padStart(8)} msg/s (ratio ${(r.stuck.perSecond / r.topic.perSecond).toFixed(2)})`,
        );
        const prev = best[b.name];
        best[b.name] = {
          topic: prev && prev.topic.perSecond > r.topic.perSecond ? prev.topic : r.topic,
          queue: prev && prev.queue.perSecond > r.queue.perSecond ? prev.queue : r.queue,
          stuck: prev && prev.stuck.perSecond > r.stuck.perSecond ? prev.stuck : r.stuck,
        };
      }
    }
    for (const b of brokers) if (b.note) console.log(`${b.name} stats: ${b.note()}`);
  } finally {
    for (const b of brokers) await b.stop();
  }

  console.log('best rounds:');
  for (const [name, r] of Object.entries(best)) {
    console.log(
      `${name.padEnd(9)} topic ${fmt(r.topic.perSecond).padStart(9)} msg/s (${fmt(r.topic.perSecond * 3)} deliveries/s)` +
        `   queue ${fmt(r.queue.perSecond).padStart(9)} msg/s` +
        `   topic with one stuck subscriber ${fmt(r.stuck.perSecond).padStart(9)} msg/s` +
        ` (ratio to topic ${(r.stuck.perSecond / r.topic.perSecond).toFixed(2)}, target >= 0.8)`,
    );
  }
  if (best.embedded && best.activemq) {
    const t = best.embedded.topic.perSecond / best.activemq.topic.perSecond;
    const q = best.embedded.queue.perSecond / best.activemq.queue.perSecond;
    console.log(
      `ratio embedded/ActiveMQ: topic ${t.toFixed(2)}, queue ${q.toFixed(2)} (target >= 1.0)`,
    );
  }
}

if (process.argv[2] === '--client') {
  const [, , , port, messages, bodyBytes, tag] = process.argv;
  runWorkload(Number(port), Number(messages), Number(bodyBytes), tag!)
    .then((r) => {
      process.stdout.write(JSON.stringify(r));
      process.exit(0);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
} else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

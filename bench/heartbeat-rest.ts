/**
 * REST heartbeat ingest: N concurrent keep-alive clients on loopback post heartbeats to a real core
 * (the built CLI, its own process) for a fixed count; prints heartbeats/s and p50/p99 latency, then
 * the core's RSS at idle and after 1,000,000 stored heartbeats from 1,000 agents.
 *
 *   node --import tsx bench/heartbeat-rest.ts [--total 1000000] [--measure 100000] [--clients 32] [--agents 1000]
 *
 * Targets (2-core machine): >= 5,000 heartbeats/s, p99 < 20 ms, RSS < 150 MB idle, < 250 MB after 1M.
 */
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnCore } from '../test/helpers/cli-process.js';
import { tempDir } from '../test/helpers/temp-dir.js';
import { fmt, percentile, rssMb } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    total: { type: 'string', default: '1000000' },
    measure: { type: 'string', default: '100000' },
    clients: { type: 'string', default: '32' },
    agents: { type: 'string', default: '1000' },
  },
});
const TOTAL = Number(values.total);
const MEASURE = Math.min(Number(values.measure), TOTAL);
const CLIENTS = Number(values.clients);
const AGENTS = Number(values.agents);

const dir = tempDir('swf-cc-bench-');
const core = await spawnCore(['--port', '0', '--broker-port', '0', '--data-dir', dir.path]);
const token = readFileSync(join(dir.path, 'token'), 'utf8').trim();
const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
const pid = core.child.pid!;

function post(body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request(
      {
        host: '127.0.0.1',
        port: core.port,
        path: '/api/systemagents/heartbeat/',
        method: 'POST',
        agent,
        headers: {
          authorization: `Token ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200 && res.statusCode !== 201)
            reject(new Error(`status ${res.statusCode}`));
          else resolve(Number(process.hrtime.bigint() - started) / 1e6);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const bodies = Array.from({ length: AGENTS }, (_, i) =>
  JSON.stringify({
    instance_name: `bench-agent-${i}`,
    agent_type: ['DAQ_Simulator', 'DATA', 'PROCESSING', 'fastmon'][i % 4],
    status: 'OK',
    description: 'bench agent. MQ: connected',
    mq_connected: true,
    pid: 10_000 + i,
    hostname: 'laptop.local',
    operational_state: 'READY',
    namespace: 'bench',
  }),
);

/** Sends `count` heartbeats with CLIENTS in flight; returns per-request latencies and the wall time. */
async function drive(
  count: number,
  offset: number,
): Promise<{ latencies: Float64Array; seconds: number }> {
  const latencies = new Float64Array(count);
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < count) {
        const i = next++;
        latencies[i] = await post(bodies[(offset + i) % AGENTS]!);
      }
    }),
  );
  return { latencies, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

console.log(`core pid ${pid}, ${CLIENTS} keep-alive clients, ${AGENTS} agents`);
const idle = rssMb(pid);
console.log(`RSS at idle: ${fmt(idle)} MB (target < 150)`);

await drive(2000, 0); // warm-up (JIT, first inserts)
const m = await drive(MEASURE, 2000);
const sorted = m.latencies.slice().sort();
console.log(
  `measured ${MEASURE.toLocaleString('en-US')} heartbeats: ${fmt(MEASURE / m.seconds, 0)} heartbeats/s, ` +
    `p50 ${fmt(percentile(sorted, 50), 2)} ms, p99 ${fmt(percentile(sorted, 99), 2)} ms (targets >= 5,000/s, p99 < 20 ms)`,
);

let sent = 2000 + MEASURE;
const CHUNK = 100_000;
while (sent < TOTAL) {
  const n = Math.min(CHUNK, TOTAL - sent);
  const r = await drive(n, sent);
  sent += n;
  process.stdout.write(
    `  stored ${sent.toLocaleString('en-US')} (${fmt(n / r.seconds, 0)}/s, RSS ${fmt(rssMb(pid))} MB)\n`,
  );
}
const stored = (await (
  await fetch(`${core.url}api/cc/heartbeats/?limit=1`, {
    headers: { authorization: `Bearer ${token}` },
  })
).json()) as { total: number };
console.log(
  `RSS after ${stored.total.toLocaleString('en-US')} stored heartbeats from ${AGENTS} agents: ${fmt(rssMb(pid))} MB (target < 250)`,
);

agent.destroy();
core.child.kill('SIGTERM');
await core.exited;
dir.remove();

/**
 * `node --import tsx bench/mcp.ts`: tools/call latency of swf_list_agents (default page of 50)
 * with 1,000 agents stored, over WebSocket and Streamable HTTP, in both protocol eras, from the
 * official SDK client on loopback. Prints p50/p99 and calls/s. Target: p50 < 2 ms over WebSocket.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Client,
  StreamableHTTPClientTransport,
  type Transport,
} from '@modelcontextprotocol/client';
import { parseConfig } from '../src/main/core/config.js';
import { startControlCenter } from '../src/main/core/control-center.js';
import { silentLogger } from '../src/main/core/logger.js';
import { WebSocketClientTransport } from '../test/helpers/ws-client-transport.js';

const AGENTS = 1000;
const WARMUP = 200;
const CALLS = Number(process.env.BENCH_CALLS ?? 2000);

const dir = mkdtempSync(join(tmpdir(), 'swf-cc-bench-'));
const core = await startControlCenter({
  config: parseConfig({ port: 0, dataDir: dir, namespace: 'bench', broker: { port: 0 } }),
  logger: silentLogger,
});
for (let i = 0; i < AGENTS; i++)
  core.heartbeats.record(
    {
      instance_name: `agent-${String(i).padStart(4, '0')}`,
      agent_type: ['daqsim', 'data', 'processing', 'fastmon'][i % 4],
      namespace: 'bench',
    },
    'rest',
  );

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function bench(label: string, transport: Transport, era: 'legacy' | 'modern') {
  const client = new Client(
    { name: 'bench', version: '1' },
    era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {},
  );
  await client.connect(transport);
  const call = async () => {
    const r = await client.callTool({ name: 'swf_list_agents', arguments: {} });
    if (r.isError || (r.structuredContent as { total_count: number }).total_count !== AGENTS)
      throw new Error(`unexpected result: ${JSON.stringify(r).slice(0, 200)}`);
  };
  for (let i = 0; i < WARMUP; i++) await call();
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const t0 = performance.now();
    await call();
    times.push(performance.now() - t0);
  }
  const total = performance.now() - started;
  await client.close();
  times.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(28)} p50 ${pct(times, 50).toFixed(3)} ms   p99 ${pct(times, 99).toFixed(3)} ms   ${(CALLS / (total / 1000)).toFixed(0)} calls/s   (${CALLS} calls)`,
  );
  return pct(times, 50);
}

const ws = () =>
  new WebSocketClientTransport(`ws://127.0.0.1:${core.port}/ws/mcp/`, {
    Authorization: `Bearer ${core.token}`,
  });
const http = () =>
  new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${core.port}/mcp`), {
    requestInit: { headers: { Authorization: `Bearer ${core.token}` } },
  });

console.log(`swf_list_agents over loopback, ${AGENTS} agents stored, Node ${process.version}`);
try {
  const wsLegacy = await bench('WebSocket 2025-11-25', ws(), 'legacy');
  const wsModern = await bench('WebSocket 2026-07-28', ws(), 'modern');
  await bench('Streamable HTTP 2025-11-25', http(), 'legacy');
  await bench('Streamable HTTP 2026-07-28', http(), 'modern');
  console.log(
    `target p50 < 2 ms over WebSocket: ${wsLegacy < 2 && wsModern < 2 ? 'met' : 'NOT met'} (${wsLegacy.toFixed(3)} / ${wsModern.toFixed(3)} ms)`,
  );
} finally {
  await core.stop();
  rmSync(dir, { recursive: true, force: true });
}

// Supervisor benchmark: start N programs, wait until all are RUNNING, measure the supervisor's own
// CPU while they idle, stop them all. Prints the figures; CI does not time anything.
// usage: node --import tsx bench/supervisor.ts [--count 50] [--idle-seconds 10] [--node]
//   --node  run the idle programs as node scripts (heavier) instead of `sleep`
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EventBus } from '../src/main/core/events.js';
import { silentLogger } from '../src/main/core/logger.js';
import { openStore } from '../src/main/core/store/index.js';
import { createSupervisor } from '../src/main/core/supervisor/supervisor.js';
import { tempDir } from '../test/helpers/temp-dir.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '50' },
    'idle-seconds': { type: 'string', default: '10' },
    node: { type: 'boolean', default: false },
  },
});
const count = Number(values.count);
const idleSeconds = Number(values['idle-seconds']);
const startsecs = 1;
const sleepJs = fileURLToPath(new URL('../test/fixtures/programs/sleep.js', import.meta.url));
const program = values.node
  ? `command = ${JSON.stringify(process.execPath)}\nargs = [${JSON.stringify(sleepJs)}]`
  : `command = "sleep"\nargs = ["3600"]`;

const dir = tempDir('swf-bench-');
const fleetFile = join(dir.path, 'fleet.toml');
writeFileSync(
  fleetFile,
  `[programs.idle]\n${program}\nnumprocs = ${count}\nautostart = false\nstartsecs = ${startsecs}\nstopwaitsecs = 5\n`,
);
const store = openStore(join(dir.path, 'store.sqlite'));
const sup = await createSupervisor({
  store,
  bus: new EventBus(),
  config: { dataDir: dir.path, fleetFile, fleetFileRequired: true },
  env: {},
  logger: silentLogger,
  resolveAgent: () => {
    throw new Error('no agents in the bench');
  },
});

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
async function idleCpu(seconds: number): Promise<number> {
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu = process.cpuUsage(cpu0);
  return ((cpu.user + cpu.system) / 1000 / ms(wall0)) * 100;
}

try {
  // The same process with no program running: the runtime's own idle cost (tsx, GC, timers).
  await new Promise((r) => setTimeout(r, 2000));
  const baselineCpu = await idleCpu(idleSeconds);
  let t0 = process.hrtime.bigint();
  const started = await sup.start('all');
  const startMs = ms(t0);
  if (!started.every((p) => p.state === 'RUNNING')) throw new Error('not all RUNNING');

  // Let the start burst (spawn bookkeeping, JIT, GC) settle before measuring idle.
  await new Promise((r) => setTimeout(r, 3000));
  const idleCpuPercent = await idleCpu(idleSeconds);

  t0 = process.hrtime.bigint();
  const stopped = await sup.stop('all');
  const stopMs = ms(t0);
  if (!stopped.every((p) => p.state === 'STOPPED')) throw new Error('not all STOPPED');

  // Context for the start figure: the same number of bare spawns from this process, no supervisor.
  t0 = process.hrtime.bigint();
  const bare = Array.from({ length: count }, () =>
    spawn('sleep', ['3600'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  const bareMs = ms(t0);
  for (const c of bare) c.kill('SIGKILL');

  const retries = store.processes
    .transitions({ limit: 100_000 })
    .filter((t) => t.to_state === 'BACKOFF');
  const lines = [
    `failed starts (BACKOFF):     ${retries.length}${retries[0] ? ` e.g. ${retries[0].program}: ${retries[0].reason}` : ''}`,
    `programs:                    ${count} (${values.node ? 'node sleep.js' : 'sleep 3600'}), startsecs ${startsecs}`,
    `all RUNNING after:           ${startMs.toFixed(0)} ms  (target <= ${(startsecs + 1) * 1000} ms) ${startMs <= (startsecs + 1) * 1000 ? 'OK' : 'MISSED'}`,
    `baseline, ${count} bare spawn():   ${bareMs.toFixed(0)} ms (machine load ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores)`,
    `supervisor CPU at idle:      ${idleCpuPercent.toFixed(2)} % over ${idleSeconds} s  (target < 1 %) ${idleCpuPercent < 1 ? 'OK' : 'MISSED'}`,
    `same process, no programs:   ${baselineCpu.toFixed(2)} % (runtime baseline, for comparison)`,
    `all STOPPED (SIGTERM) after: ${stopMs.toFixed(0)} ms  (target <= 2000 ms) ${stopMs <= 2000 ? 'OK' : 'MISSED'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await sup.close();
  store.close();
  dir.remove();
}

// Footprint of the whole testbed at rest: the headless core with its default fleet (the four
// built-in agents) and the process watchdog. Prints each process's RSS and CPU over a quiet window,
// then the totals against the targets (< 300 MB RSS, < 0.5 % CPU of one core). CI times nothing.
// usage: node --import tsx bench/footprint.ts [--warmup-seconds 20] [--window-seconds 60]
import { execFileSync, spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pidusage from 'pidusage';
import { tempDir } from '../test/helpers/temp-dir.js';
import { fmt } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    'warmup-seconds': { type: 'string', default: '20' },
    'window-seconds': { type: 'string', default: '60' },
  },
});
const warmupS = Number(values['warmup-seconds']);
const windowS = Number(values['window-seconds']);
const root = join(import.meta.dirname, '..');

const dir = tempDir('swf-footprint-');
const core = spawn(
  process.execPath,
  [
    join(root, 'bin/swf-control-center.js'),
    'serve',
    '--port',
    '0',
    '--broker-port',
    '0',
    '--data-dir',
    dir.path,
  ],
  {
    env: { ...process.env, SWF_CC_NO_DEFAULT_FLEET: '0', SWF_CC_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const url = await new Promise<string>((resolve, reject) => {
  let out = '';
  core.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    const m = /ready (\S+)/.exec(out);
    if (m) resolve(m[1]!);
  });
  core.on('exit', (code) => reject(new Error(`core exited ${code}`)));
});
const token = (await import('node:fs')).readFileSync(join(dir.path, 'token'), 'utf8').trim();

interface Proc {
  name: string;
  pid: number;
  state: string;
}
async function processes(): Promise<Proc[]> {
  const res = await fetch(`${url}api/cc/processes/`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return ((await res.json()) as { processes: Proc[] }).processes;
}

/** Every descendant of the core (agents, watchdog), found from the process table. */
function descendants(pid: number): number[] {
  const table = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of table)
      if (parent === p) {
        out.push(child);
        walk(child);
      }
  };
  walk(pid);
  return out;
}

try {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ps = await processes();
    if (ps.length >= 4 && ps.every((p) => p.state === 'RUNNING')) break;
    if (Date.now() > deadline) throw new Error(`agents not RUNNING: ${JSON.stringify(ps)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  await new Promise((r) => setTimeout(r, warmupS * 1000));

  const agents = await processes();
  const names = new Map<number, string>([[core.pid!, 'core']]);
  for (const a of agents) names.set(a.pid, a.name);
  for (const pid of descendants(core.pid!))
    if (!names.has(pid)) names.set(pid, `other (pid ${pid})`);
  const pids = [...names.keys()];

  const before = await pidusage(pids);
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, windowS * 1000));
  const after = await pidusage(pids);
  const wallMs = Date.now() - t0;

  console.log(
    `footprint at rest: ${warmupS} s after the fleet is RUNNING, CPU over ${windowS} s; load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  let rss = 0;
  let cpu = 0;
  for (const pid of pids) {
    const a = after[pid];
    const b = before[pid];
    if (!a || !b) continue;
    const pct = ((a.ctime - b.ctime) / wallMs) * 100;
    rss += a.memory;
    cpu += pct;
    console.log(
      `  ${names.get(pid)!.padEnd(22)} pid ${String(pid).padStart(7)}  RSS ${fmt(a.memory / 1024 / 1024).padStart(7)} MB  CPU ${fmt(pct, 2).padStart(6)} %`,
    );
  }
  console.log(
    `  ${'total'.padEnd(34)}  RSS ${fmt(rss / 1024 / 1024).padStart(7)} MB  CPU ${fmt(cpu, 2).padStart(6)} %   (targets < 300 MB, < 0.5 %)`,
  );
} finally {
  core.kill('SIGTERM');
  await new Promise((r) => core.once('exit', r));
  dir.remove();
}

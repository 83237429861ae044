import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../../../src/main/core/events.js';
import { silentLogger } from '../../../../../src/main/core/logger.js';
import { openStore } from '../../../../../src/main/core/store/index.js';
import { createSupervisor } from '../../../../../src/main/core/supervisor/supervisor.js';
import { nodeProgram } from '../../../../helpers/supervisor.js';
import { tempDir } from '../../../../helpers/temp-dir.js';
import { waitFor } from '../../../../helpers/wait-for.js';
import { alive } from '../../../../helpers/process-alive.js';

const CORE = fileURLToPath(new URL('../../../../fixtures/supervisor-core.ts', import.meta.url));

interface Ready {
  watchdog: number | null;
  recovered: { name: string; pid: number; outcome: string }[];
  processes: { name: string; pid: number; state: string }[];
}

/** Runs the test core as a real child process and resolves with its `ready` line. */
function runCore(dataDir: string, fleet: string, ...flags: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', CORE, dataDir, fleet, ...flags], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<Ready>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /^ready (.*)$/m.exec(buf);
      if (m) resolve(JSON.parse(m[1]!) as Ready);
    });
    child.once('exit', (code) => reject(new Error(`test core exited (${code}) before ready`)));
  });
  return { child, ready };
}

const exited = (c: ChildProcess) =>
  c.exitCode !== null || c.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((r) => c.once('exit', () => r()));

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup) f();
  cleanup = [];
});

function setup() {
  const dir = tempDir('swf-orphan-');
  const pidFile = join(dir.path, 'pids');
  const fleet = join(dir.path, 'fleet.toml');
  writeFileSync(
    fleet,
    `[programs.stubborn]
${nodeProgram('stubborn.js', pidFile)}
startsecs = 0.2
stopwaitsecs = 1
[programs.sleeper]
${nodeProgram('sleep.js')}
startsecs = 0.2
`,
  );
  const pids: number[] = [];
  cleanup.push(() => {
    for (const p of pids) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // gone
      }
    }
    dir.remove();
  });
  const readPids = () => readFileSync(pidFile, 'utf8').trim().split(' ').map(Number);
  /** RUNNING is "up for startsecs"; the pid file says the grandchild exists too. */
  const waitPids = async () => {
    await waitFor(
      'the pid file',
      () => {
        try {
          return readPids().length === 2;
        } catch {
          return false;
        }
      },
      10_000,
      25,
    );
    const got = readPids();
    pids.push(...got);
    return got;
  };
  return { dir: dir.path, fleet, pids, readPids, waitPids };
}

describe('no orphans', () => {
  it('SIGKILL of the core ends every child and grandchild (even one ignoring SIGTERM)', async () => {
    const s = setup();
    const { child, ready } = runCore(s.dir, s.fleet);
    cleanup.unshift(() => child.kill('SIGKILL'));
    const info = await ready;
    const [stubborn, grandchild] = await s.waitPids();
    const sleeper = info.processes.find((p) => p.name === 'sleeper')!.pid;
    s.pids.push(stubborn!, grandchild!, sleeper, info.watchdog!);
    expect([stubborn, grandchild, sleeper].every((p) => alive(p!))).toBe(true);

    child.kill('SIGKILL');
    await exited(child);
    // The watchdog sends SIGTERM, waits stopwaitsecs (1 s) and SIGKILLs the stubborn group.
    await waitFor('the sleeper to end', () => !alive(sleeper), 5000, 25);
    await waitFor(
      'the stubborn pair to end',
      () => !alive(stubborn!) && !alive(grandchild!),
      8000,
      25,
    );
    await waitFor('the watchdog to exit', () => !alive(info.watchdog!), 5000, 25);
  }, 30_000);

  it('leftovers of a crashed core (watchdog gone too) are found in the store and ended on the next start', async () => {
    const s = setup();
    const { child, ready } = runCore(s.dir, s.fleet, '--no-watchdog');
    cleanup.unshift(() => child.kill('SIGKILL'));
    const info = await ready;
    const [stubborn, grandchild] = await s.waitPids();
    const sleeper = info.processes.find((p) => p.name === 'sleeper')!.pid;
    s.pids.push(stubborn!, grandchild!, sleeper);
    child.kill('SIGKILL');
    await exited(child);
    expect([stubborn, grandchild, sleeper].every((p) => alive(p!))).toBe(true);

    const store = openStore(join(s.dir, 'store.sqlite'));
    const sup = await createSupervisor({
      store,
      bus: new EventBus(),
      config: { dataDir: s.dir },
      env: {},
      logger: silentLogger,
      resolveAgent: () => 'unused',
    });
    try {
      expect(sup.recovered.map((r) => [r.name, r.outcome]).sort()).toEqual([
        ['sleeper', 'ended'],
        ['stubborn', 'ended'],
      ]);
      expect(alive(sleeper)).toBe(false);
      expect(alive(stubborn!)).toBe(false);
      await waitFor('the grandchild to end', () => !alive(grandchild!), 3000, 25);
      expect(store.processes.openInstances()).toEqual([]);
      const note = store.processes.transitions({ program: 'stubborn', limit: 1 })[0]!;
      expect(note.reason).toMatch(/left running by a previous core/);
    } finally {
      await sup.close();
      store.close();
    }
  }, 30_000);

  it('a clean stop of the core stops every program and the watchdog', async () => {
    const s = setup();
    const store = openStore(join(s.dir, 'store.sqlite'));
    const sup = await createSupervisor({
      store,
      bus: new EventBus(),
      config: { dataDir: s.dir, fleetFile: s.fleet },
      env: {},
      logger: silentLogger,
      resolveAgent: () => 'unused',
    });
    const list = await sup.start('all');
    const watchdog = sup.watchdogPid!;
    const [, grandchild] = await s.waitPids();
    await sup.close();
    store.close();
    for (const p of list) expect(alive(p.pid!)).toBe(false);
    expect(alive(grandchild!)).toBe(false);
    await waitFor('the watchdog to exit', () => !alive(watchdog), 3000, 25);
  }, 30_000);
});

import { afterEach, describe, expect, it } from 'vitest';
import {
  nodeProgram,
  startTestSupervisor,
  type TestSupervisor,
} from '../../../../helpers/supervisor.js';
import { waitFor } from '../../../../helpers/wait-for.js';
import { alive } from '../../../../helpers/process-alive.js';

let t: TestSupervisor | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('supervisor state machine with real child processes', () => {
  it('start -> RUNNING, stop -> STOPPED (clean exit on SIGTERM), each transition stored', async () => {
    t = await startTestSupervisor(`
[programs.sleeper]
${nodeProgram('sleep.js')}
autostart = false
startsecs = 0.3
`);
    const [info] = await t.sup.start('sleeper');
    expect(info!.state).toBe('RUNNING');
    expect(alive(info!.pid!)).toBe(true);
    const pid = info!.pid!;
    // RUNNING means "up for startsecs", not "handlers installed": wait for the program to say so.
    await waitForLine(t, 'sleeper', /^started/);
    const [after] = await t.sup.stop('sleeper');
    expect(after!.state).toBe('STOPPED');
    expect(alive(pid)).toBe(false);
    expect(t.states.path('sleeper')).toEqual([
      'STOPPED',
      'STARTING',
      'RUNNING',
      'STOPPING',
      'STOPPED',
    ]);
    const rows = t.store.processes.transitions({ program: 'sleeper' }).reverse();
    expect(rows.map((r) => r.to_state)).toEqual(['STARTING', 'RUNNING', 'STOPPING', 'STOPPED']);
    expect(rows[3]).toMatchObject({ pid, exit_code: 0, signal: null });
  });

  it('crash from RUNNING with autorestart=unexpected restarts; expected exit does not', async () => {
    t = await startTestSupervisor(`
[programs.crasher]
${nodeProgram('exit.js', '3', '500')}
autostart = false
startsecs = 0.2
restart_delay = 0.05
[programs.clean]
${nodeProgram('exit.js', '0', '400')}
autostart = false
startsecs = 0.2
`);
    await t.sup.start('crasher');
    const exited = await t.states.reached('crasher', 'EXITED');
    expect(exited.exitCode).toBe(3);
    expect(exited.reason).toMatch(/unexpected exit \(exit code 3\); restarting/);
    const restarted = t.states.events.length;
    await t.states.reached('crasher', 'RUNNING', 5000, restarted);
    await t.sup.stop('crasher');

    await t.sup.start('clean');
    const done = await t.states.reached('clean', 'EXITED');
    expect(done).toMatchObject({ exitCode: 0 });
    expect(done.reason).toBe('expected exit (exit code 0)');
    expect(t.sup.get('clean')!.state).toBe('EXITED');
  });

  it('exits before startsecs are failed starts: BACKOFF, then FATAL after startretries', async () => {
    t = await startTestSupervisor(`
[programs.loop]
${nodeProgram('exit.js', '1')}
autostart = false
startsecs = 10
startretries = 2
restart_delay = 0.05
`);
    await expect(t.sup.start('loop')).rejects.toThrow(
      /loop: exited too quickly .*gave up after 3 failed starts/,
    );
    expect(t.states.path('loop')).toEqual([
      'STOPPED',
      'STARTING',
      'BACKOFF',
      'STARTING',
      'BACKOFF',
      'STARTING',
      'FATAL',
    ]);
    const backoffs = t.states.events.filter((e) => e.to === 'BACKOFF');
    expect(backoffs[0]!.reason).toMatch(/retrying in 0.05s/);
    expect(backoffs[1]!.reason).toMatch(/retrying in 0.07s/); // x1.5
    expect(t.sup.get('loop')!.state).toBe('FATAL');
    // A start after FATAL tries again from scratch (and fails the same way).
    await expect(t.sup.start('loop')).rejects.toThrow(/FATAL|gave up/);
  });

  it('restart delay grows x1.5 across crashes from RUNNING and resets after the process stayed up', async () => {
    const fleet = `
[programs.crashy]
${nodeProgram('exit.js', '1', '300')}
autostart = false
autorestart = true
startsecs = 0.1
restart_delay = 0.05
`;
    const delays = async (resetMs: number) => {
      t = await startTestSupervisor(fleet, { backoffResetMs: resetMs });
      await t.sup.start('crashy');
      await t.states.until(() => t!.states.events.filter((e) => e.to === 'EXITED').length >= 4);
      await t.sup.stop('crashy');
      const out = t.states.events
        .filter((e) => e.to === 'EXITED')
        .slice(0, 4)
        .map((e) => /restarting in ([\d.]+)s/.exec(e.reason ?? '')?.[1]);
      await t.close();
      t = undefined;
      return out;
    };
    // Up ~0.3 s each time: under a 30 s reset the delay grows; under a 0.2 s reset it never does.
    expect(await delays(30_000)).toEqual(['0.05', '0.07', '0.11', '0.17']);
    expect(await delays(200)).toEqual(['0.05', '0.05', '0.05', '0.05']);
  }, 30_000);

  it('immediate exit with startsecs=0 is RUNNING then EXITED (no failed start)', async () => {
    t = await startTestSupervisor(`
[programs.quick]
${nodeProgram('exit.js', '0')}
autostart = false
startsecs = 0
autorestart = false
`);
    await t.sup.start('quick');
    await t.states.reached('quick', 'EXITED');
    expect(t.states.path('quick')).toEqual(['STOPPED', 'STARTING', 'RUNNING', 'EXITED']);
  });

  it('a program ignoring the stop signal is SIGKILLed with its grandchild after stopwaitsecs', async () => {
    t = await startTestSupervisor(`
[programs.stubborn]
${nodeProgram('stubborn.js')}
autostart = false
startsecs = 0.2
stopwaitsecs = 0.5
stopsignal = "TERM"
`);
    await t.sup.start('stubborn');
    const ready = await waitForLine(t, 'stubborn', /^ready (\d+) (\d+)$/);
    const [pid, grandchild] = [Number(ready[1]), Number(ready[2])];
    const t0 = Date.now();
    const [info] = await t.sup.stop('stubborn');
    const took = Date.now() - t0;
    expect(info!.state).toBe('STOPPED');
    expect(took).toBeGreaterThanOrEqual(450);
    expect(took).toBeLessThan(3000);
    const stopped = await t.states.reached('stubborn', 'STOPPED');
    expect(stopped.signal).toBe('SIGKILL');
    expect(stopped.reason).toMatch(/did not stop within 0.5s of SIGTERM; sent SIGKILL/);
    expect(alive(pid)).toBe(false);
    await waitFor('the grandchild to end', () => !alive(grandchild), 5000, 25);
  });

  it('a missing executable is FATAL with a reason naming the command', async () => {
    t = await startTestSupervisor(`
[programs.ghost]
command = "no-such-command-swf-cc"
autostart = false
`);
    await expect(t.sup.start('ghost')).rejects.toThrow(/command not found: no-such-command-swf-cc/);
    expect(t.sup.get('ghost')).toMatchObject({ state: 'FATAL' });
    expect(t.sup.get('ghost')!.reason).toMatch(/no-such-command-swf-cc/);
  });

  it('stop during STARTING and during BACKOFF; double commands are idempotent', async () => {
    t = await startTestSupervisor(`
[programs.slow]
${nodeProgram('sleep.js')}
autostart = false
startsecs = 5
[programs.flappy]
${nodeProgram('exit.js', '1')}
autostart = false
startsecs = 10
startretries = 5
restart_delay = 2
`);
    const outcome = (p: Promise<unknown>) =>
      p.then(
        () => 'resolved',
        (e: Error) => e.message,
      );
    const starting = outcome(t.sup.start('slow'));
    const starting2 = outcome(t.sup.start('slow'));
    await t.states.reached('slow', 'STARTING');
    const pid = t.sup.get('slow')!.pid!;
    await Promise.all([t.sup.stop('slow'), t.sup.stop('slow')]);
    expect(await starting).toMatch(/stop requested/);
    expect(await starting2).toMatch(/stop requested/);
    expect(t.sup.get('slow')!.state).toBe('STOPPED');
    expect(alive(pid)).toBe(false);
    expect(t.states.events.filter((e) => e.name === 'slow' && e.to === 'STARTING')).toHaveLength(1);

    const flapping = outcome(t.sup.start('flappy'));
    await t.states.reached('flappy', 'BACKOFF');
    await t.sup.stop('flappy');
    expect(await flapping).toMatch(/stop requested/);
    expect(t.sup.get('flappy')!.state).toBe('STOPPED');
    expect(t.states.path('flappy')).toEqual(['STOPPED', 'STARTING', 'BACKOFF', 'STOPPED']);

    // start twice while running: one process
    const [a] = await t.sup.start('slow');
    const [b] = await t.sup.start('slow');
    expect(a!.pid).toBe(b!.pid);
  }, 20_000);

  it('restart gives a new pid; unknown target is a clear error', async () => {
    t = await startTestSupervisor(`
[programs.sleeper]
${nodeProgram('sleep.js')}
autostart = false
startsecs = 0.2
`);
    const [first] = await t.sup.start('sleeper');
    const [second] = await t.sup.restart('sleeper');
    expect(second!.state).toBe('RUNNING');
    expect(second!.pid).not.toBe(first!.pid);
    await expect(t.sup.start('nope')).rejects.toThrow(/no process, program or group named "nope"/);
  });
});
async function waitForLine(t: TestSupervisor, name: string, re: RegExp): Promise<RegExpExecArray> {
  let found: RegExpExecArray | null = null;
  await waitFor(
    `${re} in the output of ${name}`,
    () => {
      for (const row of t.sup.tail(name, 50)) found ??= re.exec(row.line);
      return found !== null;
    },
    5000,
    25,
  );
  return found!;
}

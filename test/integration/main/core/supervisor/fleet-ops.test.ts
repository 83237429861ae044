import { afterEach, describe, expect, it } from 'vitest';
import type { CoreEventMap } from '../../../../../src/main/core/events.js';
import {
  nodeProgram,
  startTestSupervisor,
  type TestSupervisor,
} from '../../../../helpers/supervisor.js';
import { waitFor } from '../../../../helpers/wait-for.js';

let t: TestSupervisor | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const base = `
[programs.keep]
${nodeProgram('sleep.js')}
startsecs = 0.2
[programs.change]
${nodeProgram('sleep.js')}
startsecs = 0.2
[programs.drop]
${nodeProgram('sleep.js')}
startsecs = 0.2
`;

describe('fleet operations', () => {
  it('reload applies changes to changed programs only; unchanged keep their PID', async () => {
    t = await startTestSupervisor(base);
    await Promise.all(['keep', 'change', 'drop'].map((n) => t!.states.reached(n, 'RUNNING')));
    const before = Object.fromEntries(t.sup.list().map((p) => [p.name, p.pid]));
    t.writeFleet(
      base
        .replace(
          /\[programs\.change\]\n(.*\n.*\n)startsecs = 0.2/,
          '[programs.change]\n$1startsecs = 0.3',
        )
        .replace(/\[programs\.drop\][\s\S]*$/, '') +
        `[programs.added]\n${nodeProgram('sleep.js')}\nstartsecs = 0.2\n`,
    );
    const result = await t.sup.reload();
    expect(result).toEqual({
      added: ['added'],
      removed: ['drop'],
      changed: ['change'],
      unchanged: ['keep'],
    });
    const after = Object.fromEntries(t.sup.list().map((p) => [p.name, p]));
    expect(after.keep!.pid).toBe(before.keep);
    expect(after.change!.state).toBe('RUNNING');
    expect(after.change!.pid).not.toBe(before.change);
    expect(after.drop).toBeUndefined();
    expect(after.added!.state).toBe('RUNNING');
    expect(t.states.events.filter((e) => e.name === 'keep').map((e) => e.to)).toEqual([
      'STARTING',
      'RUNNING',
    ]);

    t.writeFleet('[programs.x]\ncommand = 3\n');
    await expect(t.sup.reload()).rejects.toThrow(/fleet\.toml:2: "programs\.x\.command"/);
    expect(
      t.sup
        .list()
        .map((p) => p.name)
        .sort(),
    ).toEqual(['added', 'change', 'keep']);
  });

  it('numprocs, groups and all as command targets', async () => {
    t = await startTestSupervisor(`
[programs.worker]
${nodeProgram('sleep.js')}
numprocs = 3
autostart = false
startsecs = 0.2
[programs.solo]
${nodeProgram('sleep.js')}
autostart = false
startsecs = 0.2
[groups.pool]
programs = ["worker"]
`);
    const started = await t.sup.start('pool');
    expect(started.map((p) => [p.name, p.state])).toEqual([
      ['worker:00', 'RUNNING'],
      ['worker:01', 'RUNNING'],
      ['worker:02', 'RUNNING'],
    ]);
    expect(new Set(started.map((p) => p.pid)).size).toBe(3);
    expect(started[0]!.groups).toEqual(['pool']);
    expect(t.sup.get('solo')!.state).toBe('STOPPED');
    await t.sup.stop('worker:01');
    expect(t.sup.get('worker:01')!.state).toBe('STOPPED');
    expect(t.sup.get('worker:00')!.state).toBe('RUNNING');
    const all = await t.sup.start('all');
    expect(all.every((p) => p.state === 'RUNNING')).toBe(true);
    const stopped = await t.sup.stop('all');
    expect(stopped.every((p) => p.state === 'STOPPED')).toBe(true);
  });

  it('built-in agents run on this runtime with the agent environment and their own env', async () => {
    t = await startTestSupervisor(
      `
[programs.data-agent]
agent = "data"
args = ["ACTIVEMQ_HOST", "SWF_API_TOKEN", "SWF_ENV_LOADED", "OWN", "SWF_PROCESS_NAME", "EXPANDED"]
autostart = false
startsecs = 0.2
env = { OWN = "mine", EXPANDED = "\${SWF_API_TOKEN}-x" }
`,
      {},
      { ACTIVEMQ_HOST: '127.0.0.1', SWF_API_TOKEN: 'tok', SWF_ENV_LOADED: 'true' },
    );
    const [p] = await t.sup.start('data-agent');
    expect(p!.command).toBe('agent:data');
    await waitFor('data-agent output', () => t!.sup.tail('data-agent', 5).length > 0, 5000, 25);
    expect(JSON.parse(t.sup.tail('data-agent', 1)[0]!.line)).toEqual({
      ACTIVEMQ_HOST: '127.0.0.1',
      SWF_API_TOKEN: 'tok',
      SWF_ENV_LOADED: 'true',
      OWN: 'mine',
      SWF_PROCESS_NAME: 'data-agent',
      EXPANDED: 'tok-x',
    });
  });

  it('samples CPU and RSS of running processes into process.metrics', async () => {
    t = await startTestSupervisor(
      `
[programs.sleeper]
${nodeProgram('sleep.js')}
startsecs = 0.2
`,
      { metricsIntervalSeconds: 0.2 },
    );
    const samples: CoreEventMap['process.metrics'][] = [];
    t.bus.on('process.metrics', (m) => samples.push(m));
    await t.states.reached('sleeper', 'RUNNING');
    await waitFor('two metrics samples', () => samples.length >= 2, 5000, 25);
    const m = samples.at(-1)!.processes.find((p) => p.name === 'sleeper')!;
    expect(m.pid).toBe(t.sup.get('sleeper')!.pid);
    expect(m.rssBytes).toBeGreaterThan(5 * 1024 * 1024);
    expect(m.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(t.sup.get('sleeper')!.rssBytes).toBeGreaterThan(0);
  });
});

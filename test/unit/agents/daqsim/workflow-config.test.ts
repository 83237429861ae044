import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseToml } from 'smol-toml';
import { resolveWorkflow } from '../../../../agents/daqsim/workflow-config.js';
import {
  type DaqEvent,
  type DaqParams,
  runDaqSchedule,
} from '../../../../agents/lib/daq-schedule.js';

/** Runs the schedule on a simulated clock; returns [msg_type, seconds, sequence] per message. */
async function simulate(params: DaqParams, durationS = 0) {
  const events: DaqEvent[] = [];
  const result = await runDaqSchedule(
    params,
    { emit: async (ev) => void events.push(ev), waitUntil: async () => {}, stopped: () => false },
    durationS,
  );
  return {
    sequence: events.map((e) => [e.msg_type, e.tickMs / 1000, e.sequence ?? null]),
    result,
  };
}

const run = (
  workflow: string,
  config: string | null,
  params: Record<string, unknown> = {},
  testbed?: Record<string, unknown>,
) => resolveWorkflow(workflow, config, testbed, params, undefined);

const lifecycle = (stfTicks: number[], endRun: number) => [
  ['run_imminent', 5, null],
  ['start_run', 13.1, null],
  ...stfTicks.map((t, i) => ['stf_gen', t, i + 1]),
  ['end_run', endRun, null],
];

// The expected sequences are what the testbed's workflow runner (SimPy, fast mode) broadcasts for
// the same command: the message types, their simulation_tick and the STF sequence numbers.
describe('the testbed workflow configs, resolved and run as the original runner does', () => {
  it('stf_datataking (stf_datataking_default: [simulation] gives 5 STFs, 2.2 s apart)', async () => {
    const r = run('stf_datataking', null);
    expect(r.configFile).toBe('stf_datataking_default.toml');
    expect(r.params).toMatchObject({ stf_count: 5, physics_period_count: 1, stf_interval: 2.2 });
    const { sequence, result } = await simulate(r.params);
    expect(sequence).toEqual(lifecycle([14.2, 16.6, 19, 21.4, 23.8], 24));
    expect(result).toEqual({ stfCount: 5, stopped: false, endTickMs: 30_100 });
  });

  it('fast_processing_default: 10 STFs in one period, no pause', async () => {
    const r = run('stf_datataking', 'fast_processing_default');
    expect(r.config.fast_processing).toMatchObject({ target_worker_count: 30, stf_count: 10 });
    const { sequence, result } = await simulate(r.params);
    expect(sequence).toEqual(
      lifecycle([14.2, 16.4, 18.6, 20.8, 23, 25.2, 27.4, 29.6, 31.8, 34], 34.2),
    );
    expect(result.endTickMs).toBe(40_300);
  });

  it('prompt_processing (prompt_processing_default: 10 STFs) and prompt_processing.toml (3)', async () => {
    const d = run('prompt_processing', null);
    expect(d.configFile).toBe('prompt_processing_default.toml');
    expect(d.config.prompt_processing).toEqual({ container: '' });
    expect((await simulate(d.params)).result.stfCount).toBe(10);
    const p = run('prompt_processing', 'prompt_processing');
    const { sequence, result } = await simulate(p.params);
    expect(sequence).toEqual(lifecycle([14.2, 16.4, 18.6], 18.8));
    expect(result.endTickMs).toBe(24_900);
  });

  it('stf_processing_default: the daq_state_machine base alone (duration mode, 2 periods)', async () => {
    const { sequence, result } = await simulate(
      run('stf_datataking', 'stf_processing_default').params,
    );
    expect(sequence).toEqual([
      ['run_imminent', 5, null],
      ['start_run', 13.1, null],
      ...[14.2, 16.4, 18.6, 20.8, 23].map((t, i) => ['stf_gen', t, i + 1]),
      ['pause_run', 25.2, null],
      ['resume_run', 28.3, null],
      ...[29.4, 31.6, 33.8, 36, 38.2].map((t, i) => ['stf_gen', t, i + 6]),
      ['end_run', 40.4, null],
    ]);
    expect(result.endTickMs).toBe(46_500);
  });

  it('params override every section that has the key; stf_count 0 means duration mode', async () => {
    const r = run('stf_datataking', null, {
      stf_count: 0,
      physics_period_duration: 5,
      stf_interval: 1.5,
      physics_period_count: 2,
    });
    // No interval once the period is over: the pause follows the last STF's interval only if
    // the period was still open after it.
    expect((await simulate(r.params)).sequence).toEqual([
      ['run_imminent', 5, null],
      ['start_run', 13.1, null],
      ...[14.2, 15.9, 17.6].map((t, i) => ['stf_gen', t, i + 1]),
      ['pause_run', 19.3, null],
      ['resume_run', 22.4, null],
      ...[23.5, 25.2, 26.9].map((t, i) => ['stf_gen', t, i + 4]),
      ['end_run', 28.6, null],
    ]);
    const c = run('stf_datataking', 'fast_processing_default', {
      stf_count: 4,
      physics_period_count: 2,
      standby_duration: 3,
    });
    expect(c.config.fast_processing!.stf_count).toBe(4);
    expect(c.config.daq_state_machine!.standby_duration).toBe(3);
    const seq = (await simulate(c.params)).sequence;
    expect(seq.filter((e) => e[0] === 'stf_gen')).toHaveLength(8);
    expect(seq.find((e) => e[0] === 'pause_run')).toEqual(['pause_run', 21, null]);
    expect(seq.find((e) => e[0] === 'resume_run')).toEqual(['resume_run', 25.1, null]);
  });

  it('a duration limit stops STF generation where the runner stops stepping', async () => {
    const { sequence } = await simulate(
      run('stf_datataking', 'fast_processing_default').params,
      20,
    );
    expect(sequence.filter((e) => e[0] === 'stf_gen').map((e) => e[1])).toEqual([14.2, 16.4, 18.6]);
    expect(sequence.at(-1)).toEqual(['end_run', 20.8, null]); // ours; the runner stops at 20.8 without end_run
  });
});

describe('the testbed TOML (SWF_TESTBED_CONFIG) over the workflow config', () => {
  // The shape of the testbed's workflows/testbed.toml with a [parameters] table and overrides.
  const testbed = parseToml(`
[testbed]
namespace = "someone"
[agents.data]
enabled = true
script = "example_agents/example_data_agent.py"
[workflow]
name = "stf_datataking"
config = "fast_processing_default"
realtime = true
[fast_processing]
stf_count = 4
[daq_state_machine]
stf_interval = 1.0
`) as Record<string, unknown>;

  it('overrides section by section, [workflow] and [testbed] included, as the runner merges them', async () => {
    const r = run('stf_datataking', 'fast_processing_default', {}, testbed);
    expect(r.config.workflow).toMatchObject({ name: 'stf_datataking', version: '1.0' });
    expect(r.config.fast_processing).toMatchObject({ stf_count: 4, target_worker_count: 30 });
    expect(r.merged).toMatchObject({ stf_count: 4, stf_interval: 1 });
    const { sequence } = await simulate(r.params);
    expect(sequence.filter((e) => e[0] === 'stf_gen').map((e) => e[1])).toEqual([
      14.2, 15.4, 16.6, 17.8,
    ]);
  });

  it('a parameter beats the testbed TOML', () => {
    expect(
      run('stf_datataking', 'fast_processing_default', { stf_count: 2 }, testbed).params.stf_count,
    ).toBe(2);
  });
});

describe('refusals name what is wrong', () => {
  it('an unknown parameter, and namespace in params', () => {
    expect(() => run('stf_datataking', null, { stf_cuont: 3 })).toThrow(
      /unknown parameter "stf_cuont" \(known: the keys of stf_datataking_default\.toml's sections and /,
    );
    expect(() =>
      run('stf_datataking', null, { namespace: 'x' }, { testbed: { namespace: 'y' } }),
    ).toThrow(/"namespace".*namespace belongs in the message, not in params/);
  });

  it('object keys that are not parameters are refused, not merged', () => {
    expect(() =>
      run('stf_datataking', null, JSON.parse('{"__proto__": {"stf_count": 99}}')),
    ).toThrow(/unknown parameter "__proto__"/);
    expect(() => run('stf_datataking', null, { constructor: 1 })).toThrow(
      /unknown parameter "constructor"/,
    );
  });

  it('a key only the config has is accepted; a simulator key no section has lands in [parameters]', () => {
    const r = run('stf_datataking', 'fast_processing_default', {
      slices_per_sample: 3,
      tf_count: 50,
    });
    expect(r.config.fast_processing!.slices_per_sample).toBe(3);
    expect(r.config.parameters).toEqual({ tf_count: 50 });
    expect(r.params.tf_count).toBe(50);
  });

  it('a missing config, a path for a name, a bad value', () => {
    expect(() => run('stf_datataking', 'nope')).toThrow(/config nope\.toml is not built in/);
    expect(() => run('stf_datataking', '../../etc/passwd')).toThrow(/is not a file name/);
    expect(() => run('stf_datataking', null, { stf_interval: -1 })).toThrow(/stf_interval/);
  });
});

describe('SWF_WORKFLOWS_DIR: the configs of a testbed checkout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swf-workflows-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads <config>.toml and its includes from there (the file wins over an include)', async () => {
    writeFileSync(
      join(dir, 'base.toml'),
      '[daq_state_machine]\nno_beam_not_ready_delay = 1\nbeam_not_ready_delay = 0\nbeam_ready_delay = 0\n' +
        'beam_not_ready_end_delay = 0\nbroadcast_delay = 0\nstf_interval = 1\nstf_generation_time = 0\n' +
        'physics_period_duration = 10\nphysics_period_count = 1\nstandby_duration = 0\n[extra]\nstf_count = 9\n',
    );
    writeFileSync(
      join(dir, 'mine.toml'),
      '[workflow]\nname = "mine"\nversion = "2"\nincludes = ["base.toml"]\n[extra]\nstf_count = 2\n',
    );
    const r = resolveWorkflow('stf_datataking', 'mine', undefined, {}, dir);
    expect(r.config.workflow).toMatchObject({ name: 'mine', version: '2' });
    const { sequence } = await simulate(r.params);
    expect(sequence).toEqual([
      ['run_imminent', 1, null],
      ['start_run', 1.1, null],
      ['stf_gen', 1.2, 1],
      ['stf_gen', 2.3, 2],
      ['end_run', 2.4, null],
    ]);
    expect(() => resolveWorkflow('stf_datataking', 'absent', undefined, {}, dir)).toThrow(
      new RegExp(`config absent\\.toml not found in ${dir}`),
    );
  });
});

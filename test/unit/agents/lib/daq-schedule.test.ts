import { describe, expect, it } from 'vitest';
import {
  type DaqEvent,
  daqParamsSchema,
  runDaqSchedule,
} from '../../../../agents/lib/daq-schedule.js';

async function simulate(
  overrides: Record<string, unknown> = {},
  opts: { stopAfterStf?: number; duration?: number } = {},
) {
  const events: DaqEvent[] = [];
  let clock = 0;
  let stop = false;
  const result = await runDaqSchedule(
    daqParamsSchema.parse(overrides),
    {
      emit: async (ev) => {
        events.push(ev);
        if (ev.msg_type === 'stf_gen' && ev.sequence === opts.stopAfterStf) stop = true;
      },
      waitUntil: async (t) => {
        expect(t).toBeGreaterThanOrEqual(clock); // time never runs backwards
        clock = t;
      },
      stopped: () => stop,
    },
    opts.duration ?? 0,
  );
  return {
    events,
    result,
    at: (type: string) => events.filter((e) => e.msg_type === type).map((e) => e.tickMs / 1000),
  };
}

describe('DAQ state machine timing', () => {
  it('duration mode with the defaults: the documented sequence to the tenth of a second', async () => {
    const { events, result, at } = await simulate();
    expect(
      events
        .map((e) => [e.msg_type, e.state ?? null, e.substate ?? null])
        .filter((_, i, a) => i === 0 || a[i - 1]![0] !== _[0]),
    ).toEqual([
      ['run_imminent', 'beam', 'not_ready'],
      ['start_run', 'run', 'physics'],
      ['stf_gen', 'run', 'physics'],
      ['pause_run', 'run', 'standby'],
      ['resume_run', 'run', 'physics'],
      ['stf_gen', 'run', 'physics'],
      ['end_run', null, null],
    ]);
    expect(at('run_imminent')).toEqual([5]);
    expect(at('start_run')).toEqual([13.1]);
    expect(at('stf_gen')).toEqual([14.2, 16.4, 18.6, 20.8, 23, 29.4, 31.6, 33.8, 36, 38.2]);
    expect(at('pause_run')).toEqual([25.2]);
    expect(at('resume_run')).toEqual([28.3]);
    expect(at('end_run')).toEqual([40.4]);
    expect(events.at(-1)!.total_stf_files).toBe(10);
    expect(result).toEqual({ stfCount: 10, stopped: false, endTickMs: 46_500 });
    expect(events.filter((e) => e.msg_type === 'stf_gen').map((e) => e.sequence)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
  });

  it('count mode (fast_processing_default): one period of exactly stf_count STFs, no pause/resume', async () => {
    const { at, result } = await simulate({ stf_count: 10, physics_period_count: 1 });
    expect(at('stf_gen')).toHaveLength(10);
    expect(at('pause_run')).toEqual([]);
    expect(at('stf_gen')[1]! - at('stf_gen')[0]!).toBeCloseTo(2.2);
    expect(at('end_run')).toEqual([34.2]); // no interval after the last STF
    expect(result.stfCount).toBe(10);
  });

  it('count mode with two periods emits stf_count in each (the original semantics)', async () => {
    const { at } = await simulate({ stf_count: 3, physics_period_count: 2 });
    expect(at('stf_gen')).toHaveLength(6);
    expect(at('pause_run')).toHaveLength(1);
  });

  it('endless mode runs until stopped and still ends the run with the count so far', async () => {
    const { events, result } = await simulate({ physics_period_count: 0 }, { stopAfterStf: 23 });
    expect(result).toMatchObject({ stfCount: 23, stopped: true });
    expect(events.at(-1)).toMatchObject({ msg_type: 'end_run', total_stf_files: 23 });
  });

  it('a duration limit ends STF generation at that simulated time', async () => {
    const { at } = await simulate({ physics_period_count: 0 }, { duration: 20 });
    expect(at('stf_gen').every((t) => t < 20)).toBe(true);
    expect(at('end_run')).toHaveLength(1);
  });

  it('rejects nonsense parameters', () => {
    expect(() => daqParamsSchema.parse({ stf_interval: -1 })).toThrow();
    expect(() => daqParamsSchema.parse({ stf_count: -1 })).toThrow();
  });
});

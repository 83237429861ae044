import { z } from 'zod';
import type { RunLifecycleType, StfGen } from '../../src/shared/workflow-messages.js';

/**
 * The DAQ state machine and timing of the HEAD workflow runner's `stf_datataking` workflow,
 * as a pure async procedure over a simulated clock in integer milliseconds
 * (so 0.1 s steps do not drift). The caller supplies `emit` (publish one message), `wait`
 * (advance the clock: sleep in real-time mode, nothing in fast mode) and `stopped`.
 */
export const daqParamsSchema = z.object({
  no_beam_not_ready_delay: z.number().nonnegative().default(5),
  beam_not_ready_delay: z.number().nonnegative().default(5),
  beam_ready_delay: z.number().nonnegative().default(2),
  beam_not_ready_end_delay: z.number().nonnegative().default(5),
  broadcast_delay: z.number().nonnegative().default(1),
  stf_interval: z.number().nonnegative().default(2.0),
  stf_generation_time: z.number().nonnegative().default(0.1),
  physics_period_duration: z.number().nonnegative().default(10),
  /** 0 = endless (until stop_workflow). */
  physics_period_count: z.number().int().nonnegative().default(2),
  standby_duration: z.number().nonnegative().default(2),
  /** Count mode: exactly this many STFs in *each* physics period; 0 or null = duration mode. */
  stf_count: z.number().int().nonnegative().nullable().default(null),
  /** Simulated time one broadcast takes (the SimPy runner's 0.1 s). */
  broadcast_time: z.number().nonnegative().default(0.1),
  /** Ours, optional: announce a size / TF count per STF in stf_gen (HEAD sends neither). */
  stf_size_bytes: z.number().int().positive().nullable().default(null),
  tf_count: z.number().int().positive().nullable().default(null),
});
export type DaqParams = z.infer<typeof daqParamsSchema>;
export const DAQ_PARAM_KEYS = Object.keys(daqParamsSchema.shape) as (keyof DaqParams)[];

export interface DaqEvent {
  msg_type: RunLifecycleType | StfGen['msg_type'];
  /** Simulated time in ms at the moment of the broadcast. */
  tickMs: number;
  state?: string;
  substate?: string;
  sequence?: number;
  reason?: string;
  total_stf_files?: number;
}

export interface ScheduleIo {
  emit(ev: DaqEvent): Promise<void>;
  /** Advance the simulated clock to `tickMs` (sleeping until then in real-time mode). */
  waitUntil(tickMs: number): Promise<void>;
  stopped(): boolean;
}

export interface ScheduleResult {
  stfCount: number;
  stopped: boolean;
  endTickMs: number;
}

const ms = (s: number) => Math.round(s * 1000);

/** Runs one execution; `durationS` > 0 ends STF generation at that simulated time. */
export async function runDaqSchedule(
  p: DaqParams,
  io: ScheduleIo,
  durationS = 0,
): Promise<ScheduleResult> {
  let tick = 0;
  let seq = 0;
  const wait = async (s: number) => {
    tick += ms(s);
    await io.waitUntil(tick);
  };
  const overDuration = () => durationS > 0 && tick >= ms(durationS);
  const broadcast = async (ev: Omit<DaqEvent, 'tickMs'>) => {
    await io.emit({ ...ev, tickMs: tick });
    await wait(p.broadcast_time);
  };

  // no_beam / not_ready: silent.
  await wait(p.no_beam_not_ready_delay);
  if (!io.stopped()) {
    await broadcast({ msg_type: 'run_imminent', state: 'beam', substate: 'not_ready' });
    await wait(p.broadcast_delay);
    await wait(p.beam_not_ready_delay); // beam / not_ready
    await wait(p.beam_ready_delay); // beam / ready
  }
  if (!io.stopped()) {
    await broadcast({ msg_type: 'start_run', state: 'run', substate: 'physics' });
    await wait(p.broadcast_delay);
  }
  const stf = async () => {
    seq++;
    await broadcast({ msg_type: 'stf_gen', state: 'run', substate: 'physics', sequence: seq });
    await wait(p.stf_generation_time);
  };
  for (let period = 0; p.physics_period_count === 0 || period < p.physics_period_count; period++) {
    if (io.stopped() || overDuration()) break;
    if (period > 0) {
      await broadcast({
        msg_type: 'pause_run',
        state: 'run',
        substate: 'standby',
        reason: 'Brief standby period',
      });
      await wait(p.broadcast_delay);
      await wait(p.standby_duration);
      if (io.stopped()) break;
      await broadcast({ msg_type: 'resume_run', state: 'run', substate: 'physics' });
      await wait(p.broadcast_delay);
    }
    if (p.stf_count) {
      for (let i = 0; i < p.stf_count && !io.stopped() && !overDuration(); i++) {
        await stf();
        if (i < p.stf_count - 1) await wait(p.stf_interval);
      }
    } else {
      const start = tick;
      const inPeriod = () => tick - start < ms(p.physics_period_duration);
      while (inPeriod() && !io.stopped() && !overDuration()) {
        await stf();
        // The runner skips the interval once the period is over.
        if (inPeriod()) await wait(p.stf_interval);
      }
    }
  }
  const stopped = io.stopped();
  await io.emit({ msg_type: 'end_run', tickMs: tick, total_stf_files: seq });
  if (!stopped) {
    await wait(p.broadcast_time);
    await wait(p.broadcast_delay);
    await wait(p.beam_not_ready_end_delay);
  }
  return { stfCount: seq, stopped, endTickMs: tick };
}

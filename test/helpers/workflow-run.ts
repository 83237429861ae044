/**
 * The messages of one run as the HEAD testbed produces them: the DAQ simulator's lifecycle and `stf_gen`s on /topic/epictopic, and per STF the
 * data agent's `stf_ready`, the processing agent's `processing_complete` (on its queue) and the
 * fastmon agent's `tf_file_registered` samples. Shared by the recorder tests and bench/recorder.ts.
 */
export interface RunMessage {
  destination: string;
  body: Record<string, unknown>;
}

export interface RunOptions {
  runNumber: number;
  namespace?: string;
  executionId?: string;
  /** STFs per physics period (two periods with a pause between, as the defaults do). */
  stfPerPeriod?: number;
  /** TF samples fastmon registers per STF. */
  tfPerStf?: number;
}

export function runMessages(opts: RunOptions): RunMessage[] {
  const run = opts.runNumber;
  const namespace = opts.namespace ?? 'alice-dev';
  const execution_id =
    opts.executionId ?? `stf_datataking-alice-${String(run % 10_000).padStart(4, '0')}`;
  const perPeriod = opts.stfPerPeriod ?? 5;
  const tfPerStf = opts.tfPerStf ?? 2;
  const daq = 'daq_simulator-agent-alice-16';
  const topic = '/topic/epictopic';
  let tick = 5;
  const ts = () =>
    new Date(Date.UTC(2026, 2, 1, 14, 0, 0) + tick * 1000).toISOString().slice(0, -1);
  const life = (msg_type: string, extra: Record<string, unknown> = {}): RunMessage => {
    tick += 1.1;
    return {
      destination: topic,
      body: {
        msg_type,
        namespace,
        execution_id,
        run_id: run,
        timestamp: ts(),
        simulation_tick: tick,
        ...extra,
        sender: daq,
      },
    };
  };
  const out: RunMessage[] = [];
  let seq = 0;
  const stf = () => {
    seq++;
    tick += 2.2;
    const filename = `swf.${run}.${String(seq).padStart(6, '0')}.stf`;
    out.push(life('stf_gen', { filename, sequence: seq, state: 'run', substate: 'physics' }));
    out.push({
      destination: topic,
      body: {
        msg_type: 'stf_ready',
        namespace,
        filename,
        run_id: run,
        file_url: null,
        checksum: null,
        size_bytes: null,
        start: null,
        end: null,
        state: 'run',
        substate: 'physics',
        sequence: seq,
        simulation_tick: tick,
        processed_by: 'data-agent-alice-17',
        sender: 'data-agent-alice-17',
      },
    });
    out.push({
      destination: '/queue/monitoring_agent',
      body: {
        msg_type: 'processing_complete',
        namespace,
        filename,
        run_id: run,
        input_file_url: null,
        input_checksum: null,
        input_size_bytes: null,
        output_files: [filename.replace('.stf', '.dst'), filename.replace('.stf', '.hist.root')],
        processing_time_ms: 500,
        simulation_tick: tick,
        processed_by: 'processing-agent-alice-18',
        sender: 'processing-agent-alice-18',
      },
    });
    for (let t = 1; t <= tfPerStf; t++) {
      out.push({
        destination: topic,
        body: {
          msg_type: 'tf_file_registered',
          namespace,
          run_id: run,
          execution_id,
          processed_by: 'fastmon-agent-alice-20',
          tf_file_id: `6c0c2c4e-7f0b-4c37-9a51-${String(run).padStart(6, '0')}${String(seq * 100 + t).padStart(6, '0')}`,
          tf_filename: `swf.${run}.${String(seq).padStart(6, '0')}_tf_${String(t).padStart(3, '0')}.tf`,
          tf_first: (t - 1) * 22 + 1,
          tf_last: t * 22,
          tf_count: 22,
          file_size_bytes: 22,
          stf_filename: filename,
          status: 'registered',
          timestamp: ts(),
          sender: 'fastmon-agent-alice-20',
        },
      });
    }
  };
  out.push(life('run_imminent', { state: 'beam', substate: 'not_ready' }));
  out.push(life('start_run', { state: 'run', substate: 'physics' }));
  for (let i = 0; i < perPeriod; i++) stf();
  out.push(
    life('pause_run', { state: 'run', substate: 'standby', reason: 'Brief standby period' }),
  );
  out.push(life('resume_run', { state: 'run', substate: 'physics' }));
  for (let i = 0; i < perPeriod; i++) stf();
  out.push(life('end_run', { total_stf_files: seq }));
  return out;
}

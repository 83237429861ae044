import { describe, expect, it } from 'vitest';
import {
  checkWorkflowMessage,
  runNumberOf,
  stompHeartbeatSchema,
  WORKFLOW_MESSAGE_SCHEMAS,
} from '../../../src/shared/workflow-messages.js';
import { runMessages } from '../../helpers/workflow-run.js';

describe('workflow message schemas', () => {
  it('accept every message of a HEAD run, keeping extra keys', () => {
    for (const m of runMessages({ runNumber: 100123, stfPerPeriod: 2 })) {
      const r = checkWorkflowMessage({ ...m.body, extra_key: 1 });
      expect(r, JSON.stringify(m.body)).toMatchObject({ ok: true, known: true });
      if (r.ok) expect((r.message as Record<string, unknown>).extra_key).toBe(1);
    }
  });

  it('accept the reference examples verbatim', () => {
    const examples = [
      {
        msg_type: 'run_imminent',
        namespace: 'alice-dev',
        execution_id: 'stf_datataking-alice-0044',
        run_id: 100123,
        timestamp: '2026-03-01T14:00:05.101234',
        simulation_tick: 5.0,
        state: 'beam',
        substate: 'not_ready',
        sender: 'daq_simulator-agent-alice-16',
      },
      {
        msg_type: 'end_run',
        namespace: 'alice-dev',
        execution_id: 'stf_datataking-alice-0044',
        run_id: 100123,
        timestamp: '2026-03-01T14:00:40.500000',
        simulation_tick: 40.4,
        total_stf_files: 10,
        sender: 'daq_simulator-agent-alice-16',
      },
      {
        msg_type: 'stf_ready',
        namespace: 'alice-dev',
        filename: 'swf.100123.000003.stf',
        run_id: 100123,
        file_url: null,
        checksum: null,
        size_bytes: null,
        start: null,
        end: null,
        state: 'run',
        substate: 'physics',
        sequence: 3,
        simulation_tick: 18.6,
        processed_by: 'data-agent-alice-17',
        sender: 'data-agent-alice-17',
      },
      // Rucio data agent: once per run, no filename.
      { msg_type: 'stf_ready', req_id: 1, run_id: 100123, execution_id: 'x' },
      // Standalone daqsim HEAD: no namespace/sender, size instead of size_bytes.
      {
        run_id: 100123,
        state: 'run',
        substate: 'physics',
        filename: 'swf.100123.000007.stf',
        start: '20251201101502123456',
        end: '20251201101503987654',
        checksum: 'ad:3915264619',
        size: 191,
        msg_type: 'stf_gen',
        req_id: 1,
      },
      // Mid-2025: string run id.
      {
        msg_type: 'run_imminent',
        run_id: '100200',
        timestamp: '2025-08-01T12:00:00',
        simulation_tick: 0,
        run_conditions: { beam_energy: '5 GeV' },
      },
      {
        msg_type: 'run_workflow',
        namespace: 'alice-dev',
        workflow_name: 'stf_datataking',
        config: 'fast_processing_default',
        realtime: true,
        duration: 0,
        params: { stf_count: 5 },
        timestamp: '2026-03-01T13:59:58.000000',
        source: 'mcp',
      },
      { msg_type: 'stop_workflow', namespace: 'alice-dev', timestamp: '2026-03-01T14:10:00' },
    ];
    for (const e of examples)
      expect(checkWorkflowMessage(e), JSON.stringify(e)).toMatchObject({ ok: true, known: true });
    expect(checkWorkflowMessage({ msg_type: 'announcement', text: 'hi' })).toMatchObject({
      ok: true,
      known: false,
    });
  });

  it('name the missing or mistyped fields', () => {
    expect(checkWorkflowMessage({ msg_type: 'stf_gen', run_id: 1 })).toEqual({
      ok: false,
      known: true,
      issues: expect.stringContaining('filename'),
    });
    expect(checkWorkflowMessage({ msg_type: 'start_run' })).toMatchObject({
      ok: false,
      issues: expect.stringContaining('run_id'),
    });
    expect(
      checkWorkflowMessage({ msg_type: 'tf_file_registered', run_id: 1, tf_filename: 'a.tf' }),
    ).toMatchObject({ ok: false, issues: expect.stringContaining('stf_filename') });
    expect(checkWorkflowMessage({ msg_type: 'announcement', sender: 5 })).toMatchObject({
      ok: false,
      known: false,
      issues: expect.stringContaining('sender'),
    });
    expect(Object.keys(WORKFLOW_MESSAGE_SCHEMAS)).toEqual(
      expect.arrayContaining([
        'run_imminent',
        'start_run',
        'stf_gen',
        'pause_run',
        'resume_run',
        'end_run',
        'stf_ready',
        'tf_file_registered',
        'processing_complete',
        'run_workflow',
        'stop_workflow',
      ]),
    );
  });

  it('read run numbers as the monitor does', () => {
    expect(runNumberOf(100123)).toBe(100123);
    expect(runNumberOf('100123')).toBe(100123);
    expect(runNumberOf('20250724120000')).toBe(20250724120000);
    expect(runNumberOf('run-1')).toBeNull();
    expect(runNumberOf(1.5)).toBeNull();
    expect(runNumberOf(undefined)).toBeNull();
  });

  it('define the TypeScript agents STOMP heartbeat as the REST heartbeat plus msg_type', () => {
    expect(
      stompHeartbeatSchema.safeParse({ msg_type: 'heartbeat', instance_name: 'a', pid: 1 }).success,
    ).toBe(true);
    expect(stompHeartbeatSchema.safeParse({ msg_type: 'heartbeat' }).success).toBe(false);
  });
});

/**
 * Every message type through its one schema: a complete valid example, then each required key
 * missing, then each key the schema knows set to a value of the wrong type.
 */
const ns = { namespace: 'alice-dev', sender: 'x-agent-alice-1' };
const run = { ...ns, execution_id: 'stf_datataking-alice-0044', run_id: 100123 };
const stamp = { timestamp: '2026-03-01T14:00:05.101234', simulation_tick: 5.0 };
const TABLE: Record<string, { valid: Record<string, unknown>; required: string[] }> = {
  run_imminent: {
    valid: {
      ...run,
      ...stamp,
      msg_type: 'run_imminent',
      state: 'beam',
      substate: 'not_ready',
      dataset: 'swf.100123.run',
      container: '/tmp',
      run_conditions: { beam_energy: '5 GeV' },
    },
    required: ['msg_type', 'run_id'],
  },
  start_run: {
    valid: { ...run, ...stamp, msg_type: 'start_run', state: 'run', substate: 'physics' },
    required: ['msg_type', 'run_id'],
  },
  pause_run: {
    valid: { ...run, ...stamp, msg_type: 'pause_run', reason: 'Brief standby period' },
    required: ['msg_type', 'run_id'],
  },
  resume_run: {
    valid: { ...run, ...stamp, msg_type: 'resume_run', state: 'run', substate: 'physics' },
    required: ['msg_type', 'run_id'],
  },
  end_run: {
    valid: { ...run, ...stamp, msg_type: 'end_run', total_stf_files: 10, total_files: 10 },
    required: ['msg_type', 'run_id'],
  },
  stf_gen: {
    valid: {
      ...run,
      ...stamp,
      msg_type: 'stf_gen',
      filename: 'swf.100123.000003.stf',
      sequence: 3,
      state: 'run',
      substate: 'physics',
      size_bytes: 191,
      size: 191,
      checksum: 'ad:3915264619',
      file_url: 'file:///tmp/x.stf',
      start: '20251201101502123456',
      end: '20251201101503987654',
      tf_count: 22,
    },
    required: ['msg_type', 'run_id', 'filename'],
  },
  stf_ready: {
    valid: {
      ...run,
      msg_type: 'stf_ready',
      filename: 'swf.100123.000003.stf',
      file_url: null,
      checksum: null,
      size_bytes: null,
      sequence: 3,
      processed_by: 'data-agent-alice-17',
    },
    required: ['msg_type', 'run_id'],
  },
  processing_complete: {
    valid: {
      ...run,
      msg_type: 'processing_complete',
      filename: 'swf.100123.000003.stf',
      input_file_url: null,
      input_checksum: null,
      input_size_bytes: null,
      output_files: ['swf.100123.000003.dst', 'swf.100123.000003.hist.root'],
      processing_time_ms: 500,
      processed_by: 'processing-agent-alice-18',
    },
    required: [
      'msg_type',
      'run_id',
      'filename',
      'input_file_url',
      'input_checksum',
      'input_size_bytes',
      'output_files',
      'processing_time_ms',
    ],
  },
  tf_file_registered: {
    valid: {
      ...run,
      msg_type: 'tf_file_registered',
      processed_by: 'fastmon-agent-alice-20',
      tf_file_id: '6c0c2c4e-7f0b-4c37-9a51-1f0a7e0d2b11',
      tf_filename: 'swf.100123.000003_tf_002.tf',
      tf_first: 160,
      tf_last: 181,
      tf_count: 22,
      file_size_bytes: 22,
      stf_filename: 'swf.100123.000003.stf',
      status: 'registered',
      timestamp: '2026-03-01T14:00:23.004000',
    },
    required: [
      'msg_type',
      'run_id',
      'tf_file_id',
      'tf_filename',
      'tf_first',
      'tf_last',
      'tf_count',
      'file_size_bytes',
      'stf_filename',
      'status',
    ],
  },
  data_ready: {
    valid: { msg_type: 'data_ready', run_id: '100200', filename: '100200_000001.dat' },
    required: ['msg_type', 'run_id', 'filename'],
  },
  fastmon_status: {
    valid: {
      msg_type: 'fastmon_status',
      processed_by: 'fastmon-agent-alice-20',
      status: 'completed',
      message: 'done',
      timestamp: '2026-03-01T14:00:23',
      run_id: 100123,
    },
    required: ['msg_type', 'processed_by', 'status', 'message', 'timestamp'],
  },
  run_workflow: {
    valid: {
      msg_type: 'run_workflow',
      namespace: 'alice-dev',
      workflow_name: 'stf_datataking',
      config: 'fast_processing_default',
      realtime: true,
      duration: 0,
      params: { stf_count: 5 },
      timestamp: '2026-03-01T13:59:58.000000',
      source: 'mcp',
      reply_to: '/queue/replies',
    },
    required: ['msg_type', 'workflow_name'],
  },
  stop_workflow: {
    valid: {
      msg_type: 'stop_workflow',
      namespace: 'alice-dev',
      execution_id: 'stf_datataking-alice-0044',
      timestamp: '2026-03-01T14:10:00',
    },
    required: ['msg_type'],
  },
  status_request: {
    valid: { msg_type: 'status_request', namespace: 'alice-dev', timestamp: '2026-03-01T14:10' },
    required: ['msg_type'],
  },
  workflow_control_reply: {
    valid: {
      msg_type: 'workflow_control_reply',
      request: 'run_workflow',
      accepted: true,
      execution_id: 'stf_datataking-alice-0044',
      run_id: 100123,
      timestamp: '2026-03-01T14:10:00.000000',
    },
    required: ['msg_type', 'request', 'accepted'],
  },
};

/** A JSON value of another type than `v`: an object where a scalar or array belongs, else text. */
const wrongFor = (v: unknown) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? 'not an object' : { wrong: true };

describe('every workflow message type through its one schema', () => {
  it('has a row for every schema', () => {
    expect(Object.keys(TABLE).sort()).toEqual(Object.keys(WORKFLOW_MESSAGE_SCHEMAS).sort());
  });

  describe.each(Object.entries(TABLE))('%s', (type, { valid, required }) => {
    const schema = WORKFLOW_MESSAGE_SCHEMAS[type as keyof typeof WORKFLOW_MESSAGE_SCHEMAS];
    const keys = Object.keys(schema.shape);

    it('accepts the valid example, keeping unknown keys', () => {
      const r = checkWorkflowMessage({ ...valid, extra_key: 'kept' });
      expect(r, JSON.stringify(r)).toMatchObject({ ok: true, known: true });
      if (r.ok) expect((r.message as Record<string, unknown>).extra_key).toBe('kept');
    });

    it.each(keys)(
      'refuses it without a required key, accepts it without an optional one: %s',
      (key) => {
        const body: Record<string, unknown> = { ...valid };
        delete body[key];
        const r = checkWorkflowMessage(body);
        if (required.includes(key)) {
          expect(r.ok, key).toBe(false);
          if (!r.ok && key !== 'msg_type') expect(r.issues).toContain(key);
        } else {
          expect(r, key).toMatchObject({ ok: true });
        }
      },
    );

    it.each(keys)('refuses a wrong type: %s', (key) => {
      const r = schema.safeParse({ ...valid, [key]: wrongFor(valid[key]) });
      expect(r.success, `${key} = ${JSON.stringify(wrongFor(valid[key]))}`).toBe(false);
      if (!r.success) expect(r.error.issues.map((i) => i.path[0])).toContain(key);
    });

    it('names only keys the schema knows as required', () => {
      for (const key of required) expect(keys).toContain(key);
    });
  });
});

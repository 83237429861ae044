import { describe, expect, it } from 'vitest';
import {
  checkWorkflowMessage,
  runNumberOf,
  stompHeartbeatSchema,
  WORKFLOW_MESSAGE_SCHEMAS,
} from '../../../src/shared/workflow-messages.js';
import { runMessages } from '../../helpers/workflow-run.js';

describe('workflow message schemas', () => {
  it('accept every message of a HEAD run (reference §2.4), keeping extra keys', () => {
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

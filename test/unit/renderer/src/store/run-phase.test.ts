import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../../../src/shared/core-events.js';
import type { RunStats } from '../../../../../src/shared/run-stats.js';
import type { RunProgress } from '../../../../../src/shared/workflow-messages.js';
import { runPhaseLabel } from '../../../../../src/renderer/src/store/run-phase.js';

const run = (end: string | null): RunSummary => ({
  run_id: 1,
  run_number: 100001,
  start_time: '2026-01-01T00:00:00Z',
  end_time: end,
  run_conditions: null,
  state: 'run',
  phase: 'physics',
  substate: 'physics',
  stf_samples_received: null,
  slices_completed: null,
});
const progress = (stf: RunProgress['stf']): RunProgress => ({
  runNumber: 100001,
  phase: 'physics',
  state: 'run',
  substate: 'physics',
  executionId: null,
  stf,
  tfFiles: 0,
  at: '2026-01-01T00:00:10Z',
});
const stage = (name: string, count: number) => ({
  stage: name,
  count,
  ratePerSecond: null,
  backlog: null,
  latencyP50Ms: null,
  latencyP95Ms: null,
});

describe('runPhaseLabel', () => {
  it('says the state while the DAQ runs', () => {
    expect(
      runPhaseLabel(run(null), progress({ generated: 3, ready: 2, processed: 1, fastmon: 1 })),
    ).toBe('run');
  });

  it('says "DAQ ended, processing" until the slowest stage has caught up', () => {
    const ended = run('2026-01-01T00:01:00Z');
    expect(
      runPhaseLabel(ended, progress({ generated: 200, ready: 200, processed: 51, fastmon: 200 })),
    ).toBe('DAQ ended, processing 51/200');
    expect(
      runPhaseLabel(ended, progress({ generated: 200, ready: 200, processed: 200, fastmon: 200 })),
    ).toBe('ended');
  });

  it('says only "DAQ ended" when it has no figures for an ended run', () => {
    expect(runPhaseLabel(run('2026-01-01T00:01:00Z'), undefined)).toBe('DAQ ended');
  });

  it('prefers the core figures, with the expected total', () => {
    const stats: RunStats = {
      runNumber: 100001,
      startedAt: null,
      daqEndedAt: '2026-01-01T00:01:00Z',
      expected: 20,
      drained: false,
      elapsedSeconds: 60,
      etaSeconds: null,
      stages: [
        stage('generated', 20),
        stage('ready', 20),
        stage('processed', 20),
        stage('fastmon', 14),
      ],
      issues: [],
      at: '2026-01-01T00:01:05Z',
    };
    expect(runPhaseLabel(run('2026-01-01T00:01:00Z'), undefined, stats)).toBe(
      'DAQ ended, processing 14/20',
    );
    expect(runPhaseLabel(run('2026-01-01T00:01:00Z'), undefined, { ...stats, drained: true })).toBe(
      'ended',
    );
  });
});

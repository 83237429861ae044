import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunProgress } from '../../../src/shared/workflow-messages.js';
import { runWorkflowMessage } from '../../../src/main/core/workflow-control.js';
import { ROOT } from '../../helpers/cli-process.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { waitFor } from '../../helpers/wait-for.js';

/**
 * The whole application as a physicist uses it: the core's supervisor starts the default fleet
 * (the four built-in agents), they talk through the embedded broker, a run is started the way the
 * UI starts one, and the recorder follows every STF through every stage.
 */
describe('a run through the default fleet on the embedded broker', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await startTestCore({ fleetFile: join(ROOT, 'agents/fleet.default.toml') });
  }, 120_000);
  afterAll(() => t?.close(), 60_000);

  it(
    'starts all four agents, runs 12 STFs through every stage, ends the run and returns the agents to READY',
    { timeout: 240_000 },
    async () => {
      const { core } = t;
      await waitFor(
        'all four programs RUNNING',
        () =>
          core.supervisor.list().length === 4 &&
          core.supervisor.list().every((p) => p.state === 'RUNNING'),
      );
      const ready = () =>
        core.store.agents.list({}).items.filter((a) => a.operational_state === 'READY');
      await waitFor('four agents READY', () => ready().length >= 4);
      expect(
        ready()
          .map((a) => a.instance_name.split('-agent-')[0])
          .sort(),
      ).toEqual(['daq_simulator', 'data', 'fastmon', 'stf_processing'].sort());

      let ended: RunProgress | undefined;
      core.bus.on('run.progress', (p) => {
        if (p.state === 'ended') ended = p;
      });
      await core.broker!.send(
        core.config.workflowControlQueue,
        JSON.stringify(
          runWorkflowMessage({
            namespace: core.config.namespace,
            realtime: false,
            params: { stf_count: 12, physics_period_count: 1 },
            source: 'ui',
          }),
        ),
      );

      const progress = await waitFor(
        'the run to end with 12 STFs through processing and fastmon',
        () => (ended && ended.stf.processed === 12 && ended.stf.fastmon === 12 ? ended : undefined),
        180_000,
      );
      expect(progress.stf).toEqual({ generated: 12, ready: 12, processed: 12, fastmon: 12 });
      const endRun = core.store.workflowMessages.query({ messageType: 'end_run' }).items[0]!;
      const body = endRun.message_content as { total_stf_files: number; run_id: unknown };
      expect(body.total_stf_files).toBe(12);
      expect(Number(body.run_id)).toBe(progress.runNumber);
      // The command carries the namespace in its envelope only, and every message the fleet
      // and the core sent passed its one shared schema in the recorder.
      const command = core.store.workflowMessages.query({ messageType: 'run_workflow' }).items[0]!;
      expect(command.message_content).toMatchObject({ namespace: core.config.namespace });
      expect((command.message_content as { params: unknown }).params).toEqual({
        stf_count: 12,
        physics_period_count: 1,
      });
      await core.recorder.idle();
      expect(core.recorder.stats().problems).toEqual({});
      const stfs = core.store.stfProgress.listForRun(progress.runNumber);
      expect(stfs).toHaveLength(12);
      expect(core.store.stfFiles.list({ run_number: progress.runNumber }).total).toBe(12);
      // The data agent's files live under this core's data folder, never a shared /tmp path.
      const runDir = join(t.dataDir, 'agent-data', `run_${progress.runNumber}`);
      expect(existsSync(runDir) && readdirSync(runDir)).toHaveLength(12);
      expect(core.store.runStates.get(String(progress.runNumber))).toMatchObject({
        state: 'ended',
        phase: 'completed',
      });
      await waitFor(
        'every agent back to READY',
        () => core.store.agents.list({}).items.every((a) => a.operational_state === 'READY'),
        30_000,
      );
    },
  );
});

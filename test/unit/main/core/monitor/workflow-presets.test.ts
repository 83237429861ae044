import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  testbedWorkflowsDir,
  workflowPresets,
} from '../../../../../src/main/core/monitor/workflow-presets.js';
import { BUILT_IN_PRESETS } from '../../../../../src/shared/workflow-presets.js';
import { tempDir } from '../../../../helpers/temp-dir.js';

describe('workflow presets', () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

  it('offers the three testbed workflows with their defaults when no testbed is found', () => {
    expect(testbedWorkflowsDir({})).toBeNull();
    expect(workflowPresets(null).map((p) => [p.workflow, p.params.stf_count])).toEqual([
      ['stf_datataking', 5],
      ['fast_processing', 10],
      ['prompt_processing', 10],
    ]);
  });

  it("reads a testbed's TOMLs: includes, then [simulation]; a broken file keeps the defaults", () => {
    const home = tempDir();
    dirs.push(home);
    const dir = join(home.path, 'swf-testbed', 'workflows');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'daq_state_machine.toml'),
      '[daq_state_machine]\nstandby_duration = 7\nstf_interval = 3.0\n',
    );
    writeFileSync(
      join(dir, 'stf_datataking_default.toml'),
      '[workflow]\nname = "stf_datataking"\ndescription = "From the file"\nincludes = ["daq_state_machine.toml"]\n' +
        '[simulation]\nstf_count = 8\nphysics_period_count = 2\nstf_interval = 1.5\nrealtime = false\n',
    );
    writeFileSync(join(dir, 'fast_processing_default.toml'), 'this is = = not toml');
    expect(testbedWorkflowsDir({ SWF_HOME: home.path })).toBe(dir);
    const [stf, fast] = workflowPresets(dir);
    expect(stf).toMatchObject({
      description: 'From the file',
      realtime: false,
      source: join(dir, 'stf_datataking_default.toml'),
      params: { stf_count: 8, physics_period_count: 2, stf_interval: 1.5, standby_duration: 7 },
    });
    expect(fast).toEqual(BUILT_IN_PRESETS[1]);
  });
});

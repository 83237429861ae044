import { z } from 'zod';

/**
 * Start-run presets: the testbed's workflows with the parameters of their `*_default.toml`. The
 * core reads the testbed's TOMLs when it can find them (`workflows.presets`); these built-in copies
 * of the testbed defaults stand in for a workflow whose TOML it cannot read.
 */
export const presetParamsSchema = z.object({
  /** STFs in each physics period (count mode); null: periods last `physics_period_duration`. */
  stf_count: z.number().int().positive().nullable(),
  physics_period_count: z.number().int().nonnegative(),
  physics_period_duration: z.number().positive(),
  stf_interval: z.number().positive(),
  standby_duration: z.number().nonnegative(),
});
export type PresetParams = z.infer<typeof presetParamsSchema>;

export const workflowPresetSchema = z.object({
  /** The workflow the DAQ simulator runs (`run_workflow.workflow_name`). */
  workflow: z.string(),
  /** The config name the simulator knows (`run_workflow.config`). */
  config: z.string(),
  description: z.string(),
  realtime: z.boolean(),
  params: presetParamsSchema,
  /** The TOML file the parameters came from; null for the built-in copy. */
  source: z.string().nullable(),
});
export type WorkflowPreset = z.infer<typeof workflowPresetSchema>;

export const workflowPresetsSchema = z.object({ presets: z.array(workflowPresetSchema) });

/** Parameters the testbed's `daq_state_machine.toml` leaves to the simulator's own defaults. */
const BASE: PresetParams = {
  stf_count: null,
  physics_period_count: 1,
  physics_period_duration: 60,
  stf_interval: 2,
  standby_duration: 2,
};

export const BUILT_IN_PRESETS: readonly WorkflowPreset[] = [
  {
    workflow: 'stf_datataking',
    config: 'stf_datataking_default',
    description: 'STF data taking: DAQ state machine, STFs through data, processing and fastmon',
    realtime: true,
    params: { ...BASE, stf_count: 5, physics_period_duration: 60, stf_interval: 2.2 },
    source: null,
  },
  {
    workflow: 'fast_processing',
    config: 'fast_processing_default',
    description: 'Fast processing: sampled STFs into TF slices for fast monitoring',
    realtime: true,
    params: { ...BASE, stf_count: 10 },
    source: null,
  },
  {
    workflow: 'prompt_processing',
    config: 'prompt_processing_default',
    description: 'Prompt processing of STF files',
    realtime: true,
    params: { ...BASE, stf_count: 10 },
    source: null,
  },
];

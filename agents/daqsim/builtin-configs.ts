/**
 * The workflow configs the testbed defines under `workflows/`, as data: the sections and values
 * its workflow runner reads. Used when no testbed checkout is configured (`SWF_WORKFLOWS_DIR`).
 * The `[testbed]` and `[agents.*]` sections are left out on purpose: the namespace comes from the
 * agent's own settings, and which agents run is the fleet file's business, not the runner's.
 */
export type WorkflowConfig = Record<string, Record<string, unknown>>;

/** The DAQ state machine's base timing, shared by every workflow through `includes`. */
const daqStateMachine: WorkflowConfig = {
  daq_state_machine: {
    no_beam_not_ready_delay: 5,
    beam_not_ready_delay: 5,
    beam_ready_delay: 2,
    beam_not_ready_end_delay: 5,
    broadcast_delay: 1,
    stf_interval: 2.0,
    stf_generation_time: 0.1,
    physics_period_duration: 10,
    physics_period_count: 2,
    standby_duration: 2,
  },
};

const includesDaq = ['daq_state_machine.toml'];

export const BUILTIN_WORKFLOW_CONFIGS: Record<string, WorkflowConfig> = {
  'daq_state_machine.toml': daqStateMachine,
  'stf_datataking_default.toml': {
    workflow: {
      name: 'stf_datataking',
      version: '1.0',
      description: 'Default STF datataking workflow configuration',
      includes: includesDaq,
    },
    simulation: {
      stf_count: 5,
      physics_period_count: 1,
      physics_period_duration: 60,
      stf_interval: 2.2,
      realtime: true,
    },
  },
  'stf_processing_default.toml': {
    workflow: {
      name: 'stf_datataking',
      version: '1.0',
      description: 'STF datataking workflow for standard processing',
      includes: includesDaq,
    },
    stf_processing: {},
  },
  'fast_processing_default.toml': {
    workflow: {
      name: 'fast_processing',
      version: '1.0',
      description: 'Fast processing of TF slices by PanDA/iDDS',
      includes: includesDaq,
    },
    fast_processing: {
      stf_count: 10,
      physics_period_count: 1,
      target_worker_count: 30,
      stf_sampling_rate: 1.0,
      slices_per_sample: 15,
      slice_processing_time: 30,
      worker_rampup_time: 300,
      worker_rampdown_time: 60,
    },
  },
  'prompt_processing_default.toml': {
    workflow: {
      name: 'prompt_processing',
      version: '1.0',
      description: 'Prompt processing of STF files',
      includes: includesDaq,
    },
    simulation: { stf_count: 10, physics_period_count: 1, realtime: true },
    prompt_processing: { container: '' },
  },
  'prompt_processing.toml': {
    workflow: {
      name: 'prompt_processing',
      version: '1.0',
      description: 'Prompt processing of STF files',
      config: 'prompt_processing_default',
      includes: includesDaq,
    },
    simulation: { stf_count: 3, physics_period_count: 1, realtime: true },
    prompt_processing: {
      container: '',
      panda_poll_interval_seconds: 60,
      panda_poll_timeout_seconds: 0,
    },
  },
};

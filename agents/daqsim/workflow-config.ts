import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { DAQ_PARAM_KEYS, type DaqParams, daqParamsSchema } from '../lib/daq-schedule.js';
import { BUILTIN_WORKFLOW_CONFIGS, type WorkflowConfig } from './builtin-configs.js';

/** The workflows this simulator runs (the testbed's `workflows/<name>.py` it reimplements). */
export const RUNNABLE_WORKFLOWS = ['stf_datataking', 'prompt_processing'];

/** Sections the executor never reads as parameters (the testbed runner's own list). */
const SYSTEM_SECTIONS = new Set(['workflow', 'testbed', 'agents', 'source', 'git_version']);
/** Where a parameter of ours that no config section names is put, so the executor sees it. */
const EXTRA_SECTION = 'parameters';
/** A config or include name is a file name in the workflows folder, nothing more. */
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$/;

export interface ResolvedWorkflow {
  /** The config file that was read, e.g. `fast_processing_default.toml`. */
  configFile: string;
  /** Every section after includes and overrides, as the runner records it on the execution. */
  config: WorkflowConfig;
  /** The executor's view: `[daq_state_machine]` with every parameter section merged over it. */
  merged: Record<string, unknown>;
  params: DaqParams;
}

const isTable = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads `name` from `dir` (a testbed's `workflows/`) or, without one, from the built-in copies. */
export function loadConfigFile(name: string, dir: string | undefined): WorkflowConfig {
  if (!FILE_NAME.test(name) || name.includes('..'))
    throw new Error(`config "${name}" is not a file name`);
  if (dir) {
    let text: string;
    try {
      text = readFileSync(join(dir, name), 'utf8');
    } catch (err) {
      throw new Error(`config ${name} not found in ${dir}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const parsed = parseToml(text) as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(parsed).filter(([, v]) => isTable(v)),
    ) as WorkflowConfig;
  }
  const builtin = BUILTIN_WORKFLOW_CONFIGS[name];
  if (!builtin)
    throw new Error(
      `config ${name} is not built in (built in: ${Object.keys(BUILTIN_WORKFLOW_CONFIGS).join(', ')}; set SWF_WORKFLOWS_DIR to a testbed's workflows folder for others)`,
    );
  return structuredClone(builtin);
}

/**
 * The testbed runner's config resolution, step for step: the config file (`<config>.toml`, or
 * `<workflow>_default.toml`), the sections of its `includes` it does not have, every section of
 * the testbed TOML over the section of that name, then each parameter over every section that has
 * the key. Differences: a parameter no section has is refused by name (the runner drops it
 * silently) unless it is one of the simulator's own keys, which then lands in `[parameters]`.
 */
export function resolveWorkflow(
  workflowName: string,
  configName: string | null | undefined,
  testbedConfig: Record<string, unknown> | undefined,
  overrides: Record<string, unknown>,
  dir: string | undefined,
): ResolvedWorkflow {
  let configFile = configName || `${workflowName}_default`;
  if (!configFile.endsWith('.toml')) configFile += '.toml';
  const config = loadConfigFile(configFile, dir);
  const includes = config.workflow?.includes;
  for (const inc of Array.isArray(includes) ? includes : []) {
    if (typeof inc !== 'string') throw new Error(`${configFile}: includes holds a non-string`);
    for (const [section, values] of Object.entries(loadConfigFile(inc, dir)))
      if (section !== 'workflow' && !Object.hasOwn(config, section)) config[section] = values;
  }
  for (const [section, values] of Object.entries(testbedConfig ?? {})) {
    if (!isTable(values)) continue;
    config[section] = { ...(config[section] ?? {}), ...values };
  }
  const unplaced: string[] = [];
  for (const [key, value] of Object.entries(overrides)) {
    if (key === 'namespace') {
      unplaced.push(key); // never a parameter, even though [testbed] has the key
      continue;
    }
    let placed = false;
    for (const [section, values] of Object.entries(config)) {
      if (section === 'workflow' || !Object.hasOwn(values, key)) continue;
      values[key] = value;
      placed = true;
    }
    if (!placed) unplaced.push(key);
  }
  const known = DAQ_PARAM_KEYS as string[];
  const unknown = unplaced.filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    const hint = unknown.includes('namespace')
      ? '; namespace belongs in the message, not in params'
      : '';
    throw new Error(
      `unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} (known: the keys of ${configFile}'s sections and ${known.join(', ')})${hint}`,
    );
  }
  if (unplaced.length > 0)
    config[EXTRA_SECTION] = {
      ...(config[EXTRA_SECTION] ?? {}),
      ...Object.fromEntries(unplaced.map((k) => [k, overrides[k]])),
    };
  let merged: Record<string, unknown> = { ...(config.daq_state_machine ?? {}) };
  for (const [section, values] of Object.entries(config))
    if (!SYSTEM_SECTIONS.has(section) && section !== 'daq_state_machine')
      merged = { ...merged, ...values };
  const picked = Object.fromEntries(Object.entries(merged).filter(([k]) => known.includes(k)));
  const parsed = daqParamsSchema.safeParse(picked);
  if (!parsed.success)
    throw new Error(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`).join('; '),
    );
  return { configFile, config, merged, params: parsed.data };
}

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import {
  BUILT_IN_PRESETS,
  type PresetParams,
  presetParamsSchema,
  type WorkflowPreset,
} from '../../../shared/workflow-presets.js';

/** A workflow TOML is a few hundred bytes; anything far larger is not one. */
const MAX_TOML_BYTES = 256 * 1024;

type Table = Record<string, unknown>;
const table = (v: unknown): Table =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Table) : {};

function readToml(path: string): Table | null {
  try {
    const text = readFileSync(path, 'utf8');
    if (text.length > MAX_TOML_BYTES) return null;
    return table(parse(text));
  } catch {
    return null;
  }
}

/**
 * The testbed's `workflows/` folder: `$SWF_HOME/swf-testbed/workflows`, as the testbed lays out
 * its checkout; null when it is not there.
 */
export function testbedWorkflowsDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const home = env.SWF_HOME;
  if (!home) return null;
  const dir = join(home, 'swf-testbed', 'workflows');
  return existsSync(dir) ? dir : null;
}

/** A preset's parameters with the TOML's `[daq_state_machine]` includes and `[simulation]` over them. */
function fromToml(dir: string, preset: WorkflowPreset): WorkflowPreset {
  const path = join(dir, `${preset.config}.toml`);
  const doc = existsSync(path) ? readToml(path) : null;
  if (!doc) return preset;
  const merged: Table = { ...preset.params };
  const includes = table(doc.workflow).includes;
  for (const inc of Array.isArray(includes) ? includes : []) {
    if (typeof inc !== 'string' || inc.includes('/') || inc.includes('\\')) continue;
    Object.assign(merged, table(readToml(join(dir, inc))?.daq_state_machine));
  }
  const sim = table(doc.simulation);
  Object.assign(merged, table(doc.daq_state_machine), sim);
  const known = Object.keys(preset.params) as (keyof PresetParams)[];
  const picked = Object.fromEntries(known.map((k) => [k, merged[k] ?? null]));
  const params = presetParamsSchema.safeParse({
    ...preset.params,
    ...Object.fromEntries(Object.entries(picked).filter(([, v]) => v !== null)),
    stf_count: picked.stf_count ?? null,
  });
  if (!params.success) return preset;
  const description = table(doc.workflow).description;
  return {
    ...preset,
    description: typeof description === 'string' ? description : preset.description,
    realtime: typeof sim.realtime === 'boolean' ? sim.realtime : preset.realtime,
    params: params.data,
    source: path,
  };
}

/** The start dialog's presets: each testbed workflow, from its TOML when the testbed is found. */
export function workflowPresets(dir: string | null = testbedWorkflowsDir()): WorkflowPreset[] {
  return BUILT_IN_PRESETS.map((p) => (dir ? fromToml(dir, p) : p));
}

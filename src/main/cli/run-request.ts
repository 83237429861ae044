import { existsSync, readFileSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import { fail } from './common.js';

const PARAM_KEYS = [
  'stf_count',
  'physics_period_count',
  'physics_period_duration',
  'stf_interval',
] as const;

const table = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/**
 * The start request of `swf-control-center run`, as swf-testbed's `testbed run` builds it from a
 * testbed TOML: `[workflow]` name, config and realtime, `[parameters]` as run parameters,
 * `[testbed]` namespace; flags win over the file. `--config` that names no file is a config name.
 */
export function runRequest(flags: {
  workflow?: string;
  config?: string;
  stfCount?: number;
}): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const cfg = flags.config;
  if (cfg !== undefined && (cfg.endsWith('.toml') || existsSync(cfg))) {
    let doc: Record<string, unknown>;
    try {
      doc = parseToml(readFileSync(cfg, 'utf8'));
    } catch (err) {
      fail(`cannot read ${cfg}: ${(err as Error).message}`, 2);
    }
    const wf = table(doc.workflow);
    if (typeof wf.name === 'string') body.workflow_name = wf.name;
    if (typeof wf.config === 'string') body.config = wf.config;
    if (typeof wf.realtime === 'boolean') body.realtime = wf.realtime;
    const ns = table(doc.testbed).namespace;
    if (typeof ns === 'string' && ns !== '') body.namespace = ns;
    const params = table(doc.parameters);
    const unknown = Object.keys(params).filter(
      (k) => !(PARAM_KEYS as readonly string[]).includes(k),
    );
    if (unknown.length)
      fail(
        `${cfg}: unknown [parameters] ${unknown.join(', ')} (known: ${PARAM_KEYS.join(', ')})`,
        2,
      );
    Object.assign(body, params);
  } else if (cfg !== undefined) {
    body.config = cfg;
  }
  if (flags.workflow !== undefined) body.workflow_name = flags.workflow;
  if (flags.stfCount !== undefined) body.stf_count = flags.stfCount;
  return body;
}

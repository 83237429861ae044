import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { expandVars } from './agent-env.js';
import { isBarePython } from './testbed-paths.js';
import type { BuiltinAgent, ProcessSpec } from './fleet.js';
import type { Launch } from './slot-types.js';
import { runtimeEnv } from './watchdog.js';

/** Maps a built-in agent name to its script (the agents live elsewhere; tests inject their own). */
export type AgentResolver = (agent: BuiltinAgent) => string;

export interface LaunchContext {
  /** The supervisor's own environment (process.env), the base every program inherits. */
  baseEnv: NodeJS.ProcessEnv;
  /** The agent variables (broker, monitor, token, namespace); they override the base. */
  agentEnv: Record<string, string>;
  /** Relative cwd and commands resolve against this (the fleet file's folder). */
  baseDir: string;
  resolveAgent: AgentResolver;
}

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** PATH lookup as execvp does it, so a missing command is a clear FATAL, not a spawn error. */
function findExecutable(
  command: string,
  cwd: string,
  path: string | undefined,
): string | undefined {
  if (command.includes('/') || command.includes('\\')) {
    const full = isAbsolute(command) ? command : resolve(cwd, command);
    return isExecutable(full) ? full : undefined;
  }
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    const full = join(isAbsolute(dir) ? dir : resolve(cwd, dir), command);
    if (isExecutable(full)) return full;
  }
  return undefined;
}

/** Names the variables a path used that are not set: the usual cause of a missing folder. */
function unsetHint(raw: string, vars: Record<string, string | undefined>): string {
  const unset = [...raw.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)]
    .map((m) => m[1]!)
    .filter((n) => !vars[n]);
  return unset.length
    ? `: ${unset.map((n) => `\${${n}}`).join(', ')} not set; set ${unset.join(', ')} in the control center's environment or put the path in the fleet file`
    : '';
}

function pythonHint(command: string, cwd: string): string {
  return isBarePython(command)
    ? `; the testbed's agents run on its virtualenv: set command to its python (e.g. ${join(cwd, '.venv', 'bin', 'python')})`
    : '';
}

/**
 * Turns a fleet entry into a command line. `${NAME}` in command, args, cwd and env values expands
 * from the supervisor's environment plus the agent variables (so `${SWF_HOME}` from an imported
 * supervisord config works); built-in agents run on this runtime (`process.execPath`).
 */
export function resolveLaunch(spec: ProcessSpec, ctx: LaunchContext): Launch {
  const cfg = spec.config;
  const vars: Record<string, string | undefined> = {
    ...ctx.baseEnv,
    ...ctx.agentEnv,
    SWF_PROCESS_NAME: spec.name,
    SWF_PROCESS_NUM: String(spec.index),
  };
  const ownEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(cfg.env)) ownEnv[k] = expandVars(v, vars);
  const env: NodeJS.ProcessEnv = {
    ...ctx.baseEnv,
    ...ctx.agentEnv,
    SWF_PROCESS_NAME: spec.name,
    SWF_PROCESS_NUM: String(spec.index),
    ...ownEnv,
  };
  const cwd = cfg.cwd ? resolve(ctx.baseDir, expandVars(cfg.cwd, vars)) : ctx.baseDir;
  try {
    if (!statSync(cwd).isDirectory()) return { ok: false, reason: `cwd ${cwd} is not a directory` };
  } catch {
    return { ok: false, reason: `cwd ${cwd} does not exist${unsetHint(cfg.cwd ?? '', vars)}` };
  }
  const args = cfg.args.map((a) => expandVars(a, vars));
  if (cfg.agent) {
    let script: string;
    try {
      script = ctx.resolveAgent(cfg.agent);
    } catch (err) {
      return { ok: false, reason: `built-in agent "${cfg.agent}": ${(err as Error).message}` };
    }
    return {
      ok: true,
      command: process.execPath,
      args: [script, ...args],
      cwd,
      env: { ...env, ...runtimeEnv() },
    };
  }
  const command = expandVars(cfg.command!, vars);
  const found = findExecutable(command, cwd, env.PATH);
  if (!found)
    return {
      ok: false,
      reason:
        command.includes('/') || command.includes('\\')
          ? `command not found or not executable: ${command} (cwd ${cwd})`
          : `command not found: ${command} (not on PATH=${env.PATH ?? ''})${pythonHint(command, cwd)}`,
    };
  return { ok: true, command: found, args, cwd, env };
}

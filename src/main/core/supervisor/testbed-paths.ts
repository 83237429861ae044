import { accessSync, constants, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';

const VARS = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const HAS_VAR = /\$\{[A-Za-z_][A-Za-z0-9_]*\}/;

const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

const isExecutable = (p: string) => {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** A bare `python`/`python3`: whichever interpreter is first on PATH, rarely the testbed's. */
export const isBarePython = (command: string) => /^python(3(\.\d+)?)?$/.test(command);

/** Where the testbed keeps its virtualenv, relative to the program's folder or the conf's. */
function findVenvPython(dirs: string[], env: NodeJS.ProcessEnv): string | undefined {
  const candidates = [
    ...(env.VIRTUAL_ENV ? [join(env.VIRTUAL_ENV, 'bin', 'python')] : []),
    ...dirs.flatMap((d) => [join(d, '.venv', 'bin', 'python'), join(d, 'venv', 'bin', 'python')]),
  ];
  return candidates.find(isExecutable);
}

/**
 * Makes an imported swf-testbed program runnable from a GUI-started app, whose environment has
 * neither `SWF_HOME` nor the testbed's virtualenv: `${SWF_HOME}` becomes the folder that holds the
 * conf's `swf-testbed` checkout, and a bare `python` the testbed's virtualenv interpreter. What
 * cannot be resolved is named in a note with the variable or interpreter to set.
 */
export function resolveTestbedPaths(
  program: string,
  p: Record<string, unknown>,
  ctx: { here: string; env: NodeJS.ProcessEnv },
): string[] {
  const notes: string[] = [];
  const inferred: Record<string, string> = {};
  // The testbed's conf sits in the swf-testbed checkout, whose parent is SWF_HOME.
  if (basename(ctx.here) === 'swf-testbed') inferred.SWF_HOME = dirname(ctx.here);
  const substitute = (value: string, key: string) =>
    value.replace(VARS, (whole, name: string) => {
      if (ctx.env[name] !== undefined) return ctx.env[name];
      if (inferred[name] !== undefined) {
        notes.push(`[program:${program}] ${key}: \${${name}} is not set; used ${inferred[name]}`);
        return inferred[name];
      }
      notes.push(
        `[program:${program}] ${key}: \${${name}} is not set; set ${name} in the control center's environment or edit ${key} in the fleet file`,
      );
      return whole;
    });
  if (typeof p.cwd === 'string') {
    const cwd = substitute(p.cwd, 'cwd');
    p.cwd = cwd;
    if (!HAS_VAR.test(cwd) && !isDir(resolve(ctx.here, cwd)))
      notes.push(`[program:${program}] cwd ${cwd} does not exist here`);
  }
  if (typeof p.command === 'string' && isBarePython(p.command)) {
    const cwd = typeof p.cwd === 'string' && isAbsolute(p.cwd) ? p.cwd : ctx.here;
    const venv = findVenvPython([cwd, ctx.here], ctx.env);
    if (venv) {
      notes.push(`[program:${program}] command ${p.command}: used the testbed's ${venv}`);
      p.command = venv;
    } else
      notes.push(
        `[program:${program}] command ${p.command} is whatever python is first on PATH; the agents need swf-common-lib, stomp.py and requests: set command to the testbed virtualenv's python (e.g. ${join(cwd, '.venv', 'bin', 'python')})`,
      );
  }
  return notes;
}

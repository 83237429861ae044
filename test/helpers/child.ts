import { spawn, type ChildProcess } from 'node:child_process';

export interface Watched {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `re` in stdout+stderr; rejects on exit or after `ms`. */
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited(ms?: number): Promise<number | string>;
}

/** A child process whose output is collected and can be waited on, without sleeping. */
export function watch(
  cmd: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv },
): Watched {
  const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  const poke = () => waiters.forEach((w) => w());
  child.stdout!.on('data', (d: Buffer) => ((out += d.toString()), poke()));
  child.stderr!.on('data', (d: Buffer) => ((err += d.toString()), poke()));
  let exit: number | string | undefined;
  const exitPromise = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => {
      exit = code ?? signal ?? 'unknown';
      resolve(exit);
      poke();
    }),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor(re, ms = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = (out + err).match(re);
          if (m) return done(() => resolve(m));
          if (exit !== undefined)
            return done(() => reject(new Error(`exited (${exit}) before ${re}:\n${out}\n${err}`)));
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`timed out waiting for ${re}:\n${out}\n${err}`))),
          ms,
        );
        const done = (f: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          f();
        };
        waiters.add(check);
        check();
      });
    },
    exited(ms = 20_000) {
      return Promise.race([
        exitPromise,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`still running after ${ms} ms`)), ms).unref(),
        ),
      ]);
    },
  };
}

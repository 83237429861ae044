import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Logger } from '../logger.js';

/**
 * Node has no PR_SET_PDEATHSIG (and macOS has no equivalent), so a SIGKILLed core would leave its
 * programs running. One small watchdog process per supervisor holds the read end of a pipe from
 * the core; the core registers every process group it spawns. When the pipe closes, which the
 * kernel does however the core dies, the watchdog sends each group its stop signal, waits its
 * stop time, SIGKILLs what is left and exits. It runs detached (its own group, so a Ctrl-C meant
 * for the core does not kill it first) and ignores the terminal signals.
 *
 * On macOS and Linux it is a POSIX shell script (about 1 MB resident, where a Node process costs
 * 40 MB for the whole life of the app); elsewhere the same logic runs on this runtime. Either way
 * the source is passed inline, so it needs no file on disk and survives bundling.
 * Protocol, one line each: `+<pgid> <SIGNAL> <waitMs>` registers, `-<pgid>` forgets.
 *
 * The shell has no millisecond clock: the wait counts 50 ms per round and, since a round on a
 * loaded machine takes far longer (each `sleep` is a process), also whole seconds from `date`
 * less one. Both are lower bounds of the time really waited, so a program always gets its stop
 * time, and is killed at most about two seconds after it, however slow the rounds are. Liveness
 * is `kill -s 0 -- -<pgid>`: Debian's dash refuses `kill -0 -- -<pgid>` ("Illegal number"), which
 * read as "the group is gone" and left a program that ignores SIGTERM running.
 */
const WATCHDOG_SH = `
trap '' INT TERM HUP QUIT
groups=''
while IFS= read -r line; do
  case "$line" in
    +*) set -- \${line#+}; groups="$groups $1:$2:$3" ;;
    -*) p=\${line#-}; kept=''
        for g in $groups; do [ "\${g%%:*}" = "$p" ] || kept="$kept $g"; done
        groups=$kept ;;
  esac
done
for g in $groups; do
  p=\${g%%:*}; rest=\${g#*:}; sig=\${rest%%:*}
  kill -s "\${sig#SIG}" -- "-$p" 2>/dev/null
done
waited=0
start=$(date +%s)
while [ -n "$groups" ]; do
  kept=''
  for g in $groups; do
    p=\${g%%:*}; ms=\${g##*:}
    if kill -s 0 -- "-$p" 2>/dev/null; then
      if [ "$waited" -ge "$ms" ]; then kill -s KILL -- "-$p" 2>/dev/null; else kept="$kept $g"; fi
    fi
  done
  groups=$kept
  [ -n "$groups" ] || break
  sleep 0.05
  waited=$((waited + 50))
  clock=$(( ($(date +%s) - start - 1) * 1000 ))
  [ "$clock" -gt "$waited" ] && waited=$clock
done
exit 0
`;

const WATCHDOG_SOURCE = `
'use strict';
const groups = new Map();
let buf = '';
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT']) process.on(s, () => {});
const alive = (pgid) => { try { process.kill(-pgid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const kill = (pgid, sig) => { try { process.kill(-pgid, sig); } catch {} };
process.stdin.on('data', (d) => {
  buf += d.toString('utf8');
  let nl;
  while ((nl = buf.indexOf('\\n')) !== -1) {
    const line = buf.slice(0, nl); buf = buf.slice(nl + 1);
    if (line[0] === '+') { const [p, sig, ms] = line.slice(1).split(' '); groups.set(Number(p), { sig, ms: Number(ms) }); }
    else if (line[0] === '-') groups.delete(Number(line.slice(1)));
  }
});
const finish = () => {
  const start = Date.now();
  for (const [pgid, g] of groups) kill(pgid, g.sig);
  const tick = () => {
    for (const [pgid, g] of groups) {
      if (!alive(pgid)) groups.delete(pgid);
      else if (Date.now() - start >= g.ms) { kill(pgid, 'SIGKILL'); groups.delete(pgid); }
    }
    if (groups.size === 0) process.exit(0);
    setTimeout(tick, 50);
  };
  tick();
};
process.stdin.on('end', finish);
process.stdin.on('error', finish);
`;

export interface Watchdog {
  register(pgid: number, signal: NodeJS.Signals, waitMs: number): void;
  unregister(pgid: number): void;
  readonly pid: number | undefined;
  /** Closes the pipe: the watchdog ends whatever is still registered, then exits. */
  close(): Promise<void>;
}

export function runtimeEnv(): NodeJS.ProcessEnv {
  // Under Electron, process.execPath is the Electron binary; this makes it behave as node.
  return process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {};
}

export function startWatchdog(logger: Logger): Watchdog {
  const groups = new Map<number, string>();
  let child: ChildProcess | undefined;
  let closed = false;

  const launch = () => {
    const [command, args] =
      process.platform === 'win32'
        ? [process.execPath, ['-e', WATCHDOG_SOURCE]]
        : ['/bin/sh', ['-c', WATCHDOG_SH]];
    const c = spawn(command, args, {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      env: { ...process.env, ...runtimeEnv() },
    });
    c.unref();
    (c.stdin as unknown as Socket).unref();
    c.stdin!.on('error', () => undefined);
    c.on('error', (err) => logger.error('the process watchdog failed to start', err));
    c.on('exit', () => {
      if (closed || child !== c) return;
      // Someone killed it: start another and hand it the groups alive now.
      logger.warn('the process watchdog exited; starting a new one');
      launch();
    });
    child = c;
    for (const line of groups.values()) c.stdin!.write(line);
  };
  launch();

  return {
    get pid() {
      return child?.pid;
    },
    register(pgid, signal, waitMs) {
      const line = `+${pgid} ${signal} ${Math.round(waitMs)}\n`;
      groups.set(pgid, line);
      child?.stdin?.write(line);
    },
    unregister(pgid) {
      if (groups.delete(pgid)) child?.stdin?.write(`-${pgid}\n`);
    },
    close() {
      closed = true;
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        // The child was unref'd so that it never holds the core open; while we wait for it to
        // finish its sweep it must, or a process with nothing else left exits before it hears.
        c.ref();
        c.once('exit', () => resolve());
        c.stdin!.end();
      });
    },
  };
}

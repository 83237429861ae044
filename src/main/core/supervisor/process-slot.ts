import { type ChildProcess, spawn } from 'node:child_process';
import type { CapturedStream } from '../store/process-output.js';
import { nextBackoff } from './backoff.js';
import type { ProcessSpec } from './fleet.js';
import { killGroup } from './kill-group.js';
import { ProcessCommandError, type ProcessState, type SlotDeps } from './slot-types.js';
import { LineSplitter } from './line-splitter.js';

interface Waiter {
  target: 'running' | 'stopped';
  resolve(): void;
  reject(err: Error): void;
}

/**
 * One supervised process and its state machine, with supervisord's meanings: an exit before
 * `startsecs` is a failed start (BACKOFF, FATAL after `startretries`); `autorestart` applies only
 * to exits from RUNNING; stop signals the whole process group and SIGKILLs it after
 * `stopwaitsecs`. Restart delays follow pm2's exponential backoff.
 */
export class ProcessSlot {
  state: ProcessState = 'STOPPED';
  pid: number | null = null;
  reason: string | null = null;
  exitCode: number | null = null;
  exitSignal: string | null = null;
  /** When the current process was spawned (ms since epoch). */
  spawnedAt: number | null = null;
  /** Consecutive failed starts (exits before startsecs). */
  private failures = 0;
  private delayMs: number | undefined;
  private child: ChildProcess | undefined;
  private timer: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  /** A restart is scheduled (EXITED with autorestart, or BACKOFF). */
  private pendingRestart = false;
  private waiters: Waiter[] = [];

  constructor(
    public spec: ProcessSpec,
    private readonly deps: SlotDeps,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  get restartPending(): boolean {
    return this.pendingRestart;
  }

  /** Resolves in RUNNING; rejects when the process goes FATAL or a stop intervenes. */
  start(): Promise<void> {
    switch (this.state) {
      case 'RUNNING':
        return Promise.resolve();
      case 'STARTING':
      case 'BACKOFF':
        return this.wait('running');
      case 'STOPPING':
        return this.wait('stopped').then(() => this.start());
      default: {
        this.cancelTimer();
        this.failures = 0;
        this.delayMs = undefined;
        const p = this.wait('running');
        this.spawnNow();
        return p;
      }
    }
  }

  /** Resolves once nothing runs (STOPPED, or already EXITED/FATAL with no restart pending). */
  stop(): Promise<void> {
    this.rejectWaiters('running', `${this.name}: stop requested before it reached RUNNING`);
    switch (this.state) {
      case 'STARTING':
      case 'RUNNING': {
        const p = this.wait('stopped');
        this.signalStop();
        return p;
      }
      case 'STOPPING':
        return this.wait('stopped');
      case 'BACKOFF':
        this.cancelTimer();
        this.transition('STOPPED', { reason: 'stopped while waiting to retry' });
        return Promise.resolve();
      case 'EXITED':
        if (this.pendingRestart) {
          this.cancelTimer();
          this.transition('STOPPED', { reason: 'stopped while waiting to restart' });
        }
        return Promise.resolve();
      default:
        return Promise.resolve();
    }
  }

  private wait(target: Waiter['target']): Promise<void> {
    return new Promise((resolve, reject) => this.waiters.push({ target, resolve, reject }));
  }

  private settle(target: Waiter['target']) {
    const ready = this.waiters.filter((w) => w.target === target);
    this.waiters = this.waiters.filter((w) => w.target !== target);
    for (const w of ready) w.resolve();
  }

  private rejectWaiters(target: Waiter['target'], reason: string) {
    const failed = this.waiters.filter((w) => w.target === target);
    this.waiters = this.waiters.filter((w) => w.target !== target);
    for (const w of failed) w.reject(new ProcessCommandError(reason));
  }

  private cancelTimer() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pendingRestart = false;
  }

  private transition(
    to: ProcessState,
    extra: { reason?: string | null; exitCode?: number | null; signal?: string | null } = {},
  ) {
    const from = this.state;
    this.state = to;
    this.reason = extra.reason ?? null;
    this.deps.onTransition({
      name: this.name,
      program: this.spec.program,
      pid: this.pid,
      from,
      to,
      exitCode: extra.exitCode ?? null,
      signal: extra.signal ?? null,
      reason: extra.reason ?? null,
    });
    if (to === 'RUNNING') this.settle('running');
    if (to === 'FATAL') this.rejectWaiters('running', `${this.name}: ${extra.reason ?? 'FATAL'}`);
    if (to === 'STOPPED' || to === 'FATAL' || (to === 'EXITED' && !this.pendingRestart))
      this.settle('stopped');
  }

  private spawnNow() {
    this.pendingRestart = false;
    this.timer = undefined;
    this.exitCode = null;
    this.exitSignal = null;
    this.pid = null;
    const launch = this.deps.resolveLaunch(this.spec);
    if (!launch.ok) {
      this.transition('STARTING', { reason: 'spawning' });
      this.transition('FATAL', { reason: launch.reason });
      return;
    }
    let child: ChildProcess;
    try {
      // detached: the child leads its own process group, so stop and the watchdog reach its
      // children too, and a Ctrl-C in the core's terminal does not hit it directly.
      child = spawn(launch.command, launch.args, {
        cwd: launch.cwd,
        env: launch.env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      this.transition('STARTING', { reason: 'spawning' });
      this.transition('FATAL', {
        reason: `cannot execute ${launch.command}: ${(err as Error).message}`,
      });
      return;
    }
    if (child.pid === undefined) {
      // The error event follows; ENOENT/EACCES will not heal by retrying, so FATAL at once.
      this.transition('STARTING', { reason: 'spawning' });
      child.once('error', (err) => {
        if (this.state === 'STARTING' && !this.child)
          this.transition('FATAL', { reason: `cannot execute ${launch.command}: ${err.message}` });
      });
      return;
    }
    this.child = child;
    this.pid = child.pid;
    this.spawnedAt = Date.now();
    this.deps.onSpawn(this.name, child.pid, [launch.command, ...launch.args].join(' '));
    child.on('error', () => undefined);
    this.capture(child.stdout!, 'stdout');
    this.capture(child.stderr!, 'stderr');
    child.once('exit', (code, signal) => {
      const exitedAt = Date.now();
      // It can no longer become RUNNING while its pipes drain.
      if (this.child === child && this.state === 'STARTING' && this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
      // Anything left in the group (a grandchild) would be an orphan: end it with its leader.
      // That also closes the pipes it inherited, so 'close' follows.
      killGroup(child.pid!, 'SIGKILL');
      // The state changes on 'close' (exit + both pipes drained), so the last output, partial
      // line included, is captured before EXITED/STOPPED is announced. A process that left the
      // group (setsid) may hold the pipes: stop waiting for them after a second.
      const drain = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        this.onExit(child, code, signal, exitedAt);
      }, 1000);
      child.once('close', () => {
        clearTimeout(drain);
        this.onExit(child, code, signal, exitedAt);
      });
    });
    const startsecs = this.spec.config.startsecs;
    this.transition('STARTING', {
      reason: this.failures ? `retry ${this.failures} of ${this.spec.config.startretries}` : null,
    });
    if (startsecs === 0) this.transition('RUNNING');
    else
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (this.state === 'STARTING' && this.child === child) {
          this.failures = 0;
          this.transition('RUNNING', { reason: `up for ${startsecs}s` });
        }
      }, startsecs * 1000);
  }

  private capture(stream: NodeJS.ReadableStream, name: CapturedStream) {
    const splitter = new LineSplitter((line) => this.deps.onOutput(this.name, name, line));
    stream.on('data', (chunk: Buffer) => splitter.push(chunk));
    let ended = false;
    const end = () => {
      if (!ended) splitter.end();
      ended = true;
    };
    stream.on('end', end);
    stream.on('error', end);
    stream.on('close', end);
  }

  private signalStop() {
    const pid = this.pid;
    if (pid === null || !this.child) {
      // Spawn failed and its error is still in flight: there is nothing to signal.
      this.cancelTimer();
      this.transition('STOPPED', { reason: 'stopped before the process existed' });
      return;
    }
    const sig = `SIG${this.spec.config.stopsignal}` as NodeJS.Signals;
    this.cancelTimer();
    this.transition('STOPPING', { reason: `sent ${sig} to process group ${pid}` });
    killGroup(pid, sig);
    this.killTimer = setTimeout(() => {
      if (this.state !== 'STOPPING' || this.pid !== pid) return;
      this.reason = `did not stop within ${this.spec.config.stopwaitsecs}s of ${sig}; sent SIGKILL`;
      killGroup(pid, 'SIGKILL');
    }, this.spec.config.stopwaitsecs * 1000);
  }

  private onExit(
    child: ChildProcess,
    code: number | null,
    signal: NodeJS.Signals | null,
    exitedAt: number,
  ) {
    if (this.child !== child) return;
    this.child = undefined;
    const pid = child.pid!;
    this.deps.onReap(this.name, pid);
    if (this.killTimer) clearTimeout(this.killTimer);
    this.killTimer = undefined;
    const uptime = exitedAt - (this.spawnedAt ?? exitedAt);
    this.exitCode = code;
    this.exitSignal = signal;
    const how = signal ? `killed by ${signal}` : `exit code ${code}`;
    const cfg = this.spec.config;
    if (uptime >= this.deps.backoffResetMs) this.delayMs = undefined;

    if (this.state === 'STOPPING') {
      const forced = this.reason?.includes('SIGKILL') ? `${this.reason}; ` : '';
      this.transition('STOPPED', { exitCode: code, signal, reason: `${forced}${how}` });
      return;
    }
    if (this.state === 'STARTING') {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.failures++;
      const early = `exited too quickly (${how} after ${(uptime / 1000).toFixed(2)}s, startsecs ${cfg.startsecs})`;
      if (this.failures > cfg.startretries) {
        this.transition('FATAL', {
          exitCode: code,
          signal,
          reason: `${early}; gave up after ${this.failures} failed start${this.failures > 1 ? 's' : ''}`,
        });
        return;
      }
      this.pendingRestart = true;
      const delay = this.nextDelay();
      this.transition('BACKOFF', {
        exitCode: code,
        signal,
        reason: `${early}; retrying in ${(delay / 1000).toFixed(2)}s`,
      });
      this.timer = setTimeout(() => this.spawnNow(), delay);
      return;
    }
    // From RUNNING: autorestart decides.
    const expected = signal === null && code !== null && cfg.exitcodes.includes(code);
    const restart = cfg.autorestart === true || (cfg.autorestart === 'unexpected' && !expected);
    const delay = restart ? this.nextDelay() : 0;
    this.pendingRestart = restart;
    this.transition('EXITED', {
      exitCode: code,
      signal,
      reason: `${expected ? 'expected' : 'unexpected'} exit (${how})${restart ? `; restarting in ${(delay / 1000).toFixed(2)}s` : ''}`,
    });
    if (restart) this.timer = setTimeout(() => this.spawnNow(), delay);
  }

  private nextDelay(): number {
    const { delayMs, nextMs } = nextBackoff(
      this.delayMs,
      this.spec.config.restart_delay * 1000,
      this.deps.backoffMaxMs,
    );
    this.delayMs = nextMs;
    return delayMs;
  }

  /** For status: uptime of the running process in seconds. */
  uptimeSeconds(): number | null {
    return this.pid !== null && this.spawnedAt !== null && this.child
      ? (Date.now() - this.spawnedAt) / 1000
      : null;
  }
}

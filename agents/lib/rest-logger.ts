import { FifoQueue } from './fifo-queue.js';
import { httpRequest } from './http-request.js';
import { LEVELS, type LevelName, localIsoNow } from './settings.js';

export type LogExtra = Record<string, unknown>;

/** The keys the originals keep in `extra_data`. */
const EXTRA_KEYS = ['execution_id', 'workflow_name', 'run_id', 'username'] as const;

/**
 * `rest_logging.py`: every record goes to the console and is POSTed to
 * `{SWF_MONITOR_HTTP_URL}/api/logs/` without a token. Posting is asynchronous with a bounded
 * queue, so a slow or absent monitor never stalls the agent's work; when records must be dropped
 * the count is reported in the next record that gets through.
 */
export class RestLogger {
  private readonly queue = new FifoQueue<string>();
  private inFlight = 0;
  private dropped = 0;
  private warnedFailure = false;
  private idleWaiters: (() => void)[] = [];
  instanceName = 'unregistered';

  constructor(
    private readonly httpUrl: string,
    private readonly level: number,
    private readonly appName = 'base_agent',
    private readonly module = 'agent',
    private readonly maxQueue = 2000,
    private readonly maxInFlight = 4,
  ) {}

  log(levelname: LevelName, message: string, extra: LogExtra = {}): void {
    const level = LEVELS[levelname];
    if (level < this.level) return;
    const line = `${localIsoNow()} ${levelname} ${this.instanceName}: ${message}`;
    if (level >= LEVELS.WARNING) process.stderr.write(`${line}\n`);
    else process.stdout.write(`${line}\n`);
    if (!this.httpUrl) return;
    const extraData: Record<string, unknown> = {};
    for (const k of EXTRA_KEYS)
      if (extra[k] !== undefined && extra[k] !== null) extraData[k] = extra[k];
    let text = message;
    if (this.dropped > 0) {
      text += ` [${this.dropped} earlier log records were dropped: monitor too slow or unreachable]`;
      this.dropped = 0;
    }
    const body = JSON.stringify({
      app_name: this.appName,
      instance_name: this.instanceName,
      timestamp: localIsoNow(),
      level,
      levelname,
      message: text,
      module: this.module,
      funcname: typeof extra.funcname === 'string' ? extra.funcname : '',
      lineno: 0,
      process: process.pid,
      thread: 0,
      extra_data: Object.keys(extraData).length ? extraData : null,
    });
    if (this.queue.length >= this.maxQueue) {
      this.queue.shift();
      this.dropped++;
    }
    this.queue.push(body);
    this.pump();
  }

  debug = (m: string, e?: LogExtra) => this.log('DEBUG', m, e);
  info = (m: string, e?: LogExtra) => this.log('INFO', m, e);
  warning = (m: string, e?: LogExtra) => this.log('WARNING', m, e);
  error = (m: string, e?: LogExtra) => this.log('ERROR', m, e);

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const body = this.queue.shift()!;
      this.inFlight++;
      httpRequest(`${this.httpUrl}/api/logs/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        timeoutMs: 10_000,
      })
        .then((res) => {
          if (res.status >= 300) throw new Error(`HTTP ${res.status}`);
        })
        .catch((err: unknown) => {
          if (!this.warnedFailure) {
            this.warnedFailure = true;
            process.stderr.write(
              `${localIsoNow()} WARNING ${this.instanceName}: REST logging to ${this.httpUrl}/api/logs/ failed (${String(err)}); records still go to the console\n`,
            );
          }
        })
        .finally(() => {
          this.inFlight--;
          this.pump();
          if (this.inFlight === 0 && this.queue.length === 0) {
            for (const w of this.idleWaiters.splice(0)) w();
          }
        });
    }
  }

  /** Resolves once every queued record was posted (or failed), or after `timeoutMs`. */
  flush(timeoutMs = 3000): Promise<void> {
    if (this.inFlight === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}

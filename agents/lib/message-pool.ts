import type { WorkflowBody } from '../../src/shared/workflow-messages.js';
import { FifoQueue } from './fifo-queue.js';

export interface IncomingMessage {
  /** The parsed JSON body. */
  data: WorkflowBody;
  msgType: string;
  destination: string;
  headers: Record<string, string>;
}

export interface TaskStats {
  active_tasks: number;
  completed_tasks: number;
  failed_tasks: number;
}

/**
 * Parses one delivered frame into a message; a body that is not a JSON object is refused with
 * the reason (the caller logs it).
 */
export function parseFrame(
  destination: string,
  body: string,
  headers: Record<string, string>,
): IncomingMessage | { error: string } {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return { error: `dropped a message on ${destination} that is not JSON: ${body.slice(0, 200)}` };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return { error: `dropped a message on ${destination} that is not a JSON object` };
  const msg = data as WorkflowBody;
  const msgType = typeof msg.msg_type === 'string' ? msg.msg_type : 'unknown';
  return { data: msg, msgType, destination, headers };
}

/**
 * A bounded pool of message handlers (the original `run_in_background` size): at most
 * `maxWorkers` run at once, the rest wait in arrival order.
 */
export class MessagePool {
  private inFlightCount = 0;
  private readonly queue = new FifoQueue<IncomingMessage>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly maxWorkers: number,
    private readonly stats: TaskStats,
    private readonly handle: (msg: IncomingMessage) => Promise<void>,
    private readonly onFailure: (msg: IncomingMessage, err: unknown) => void,
    /** Called whenever the number of running handlers changes. */
    private readonly onChange: () => void,
  ) {}

  get inFlight(): number {
    return this.inFlightCount;
  }

  /** Messages being handled or queued. */
  get pending(): number {
    return this.inFlightCount + this.queue.length;
  }

  push(msg: IncomingMessage): void {
    this.queue.push(msg);
    this.pump();
  }

  private pump(): void {
    while (this.inFlightCount < this.maxWorkers && this.queue.length > 0) {
      const msg = this.queue.shift()!;
      this.inFlightCount++;
      this.stats.active_tasks = this.inFlightCount;
      this.onChange();
      this.handle(msg)
        .then(() => this.stats.completed_tasks++)
        .catch((err: unknown) => {
          this.stats.failed_tasks++;
          this.onFailure(msg, err);
        })
        .finally(() => {
          this.inFlightCount--;
          this.stats.active_tasks = this.inFlightCount;
          this.pump();
          this.onChange();
          if (this.inFlightCount === 0 && this.queue.length === 0)
            for (const w of this.idleWaiters.splice(0)) w();
        });
    }
  }

  /** Resolves when no handler runs and none is queued (or after `timeoutMs`). */
  waitIdle(timeoutMs: number): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}

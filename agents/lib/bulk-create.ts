import { ApiError, type RestClient } from './rest-client.js';

export type Row = Record<string, unknown>;

/** What became of one body: its stored row, or why it was not stored. */
export type Created = { ok: true; row: Row } | { ok: false; error: unknown };

interface Group {
  bodies: Row[];
  settle: (results: Created[]) => void;
}

export interface BulkCreatorOptions {
  /** Most bodies one request carries (the monitor's bulk limit). */
  maxItems: number;
  /** Told once when the monitor refuses lists and creates go one by one from then on. */
  onSingleMode?: () => void;
}

/** swf-monitor's ModelViewSets answer a list body with DRF's "Expected a dictionary". */
function refusesLists(err: unknown): boolean {
  return err instanceof ApiError && /Expected a dictionary/.test(JSON.stringify(err.body));
}

/**
 * Creates rows on one monitor endpoint, gathering the creates of concurrent callers into one list
 * request (group commit): while a request is out, new creates wait and leave together when it is
 * answered. An idle agent's create leaves at once, so a paced run sees no added latency, while a
 * busy one sends one request for several STFs; a request and its answer cost the agent and the core
 * far more than one more row in it.
 *
 * Each caller's bodies form a group, stored all or none. A list refused for a bad row would take
 * the other callers' rows with it, so a refused list of several groups is sent again group by
 * group. A monitor that takes no lists (swf-monitor) gets one request per body from its first
 * refusal on, as the original agents send.
 */
export class BulkCreator {
  private queue: Group[] = [];
  private sending = false;
  private scheduled = false;
  private bulk = true;

  constructor(
    private readonly api: Pick<RestClient, 'request'>,
    private readonly endpoint: string,
    private readonly opts: BulkCreatorOptions,
  ) {}

  /** Creates the bodies together; answers one result per body, in order. Never rejects. */
  create(bodies: Row[]): Promise<Created[]> {
    if (bodies.length === 0) return Promise.resolve([]);
    if (!this.bulk || bodies.length > this.opts.maxItems) return this.oneByOne(bodies);
    return new Promise((settle) => {
      this.queue.push({ bodies, settle });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.sending || this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    // The rest of this turn's callers join the request.
    setImmediate(() => {
      this.scheduled = false;
      this.sendNext();
    });
  }

  private sendNext(): void {
    const batch: Group[] = [];
    let items = 0;
    while (this.queue.length && items + this.queue[0]!.bodies.length <= this.opts.maxItems) {
      const group = this.queue.shift()!;
      items += group.bodies.length;
      batch.push(group);
    }
    this.sending = true;
    void this.send(batch).finally(() => {
      this.sending = false;
      this.schedule();
    });
  }

  private async send(batch: Group[]): Promise<void> {
    if (!this.bulk) {
      await Promise.all(batch.map(async (g) => g.settle(await this.oneByOne(g.bodies))));
      return;
    }
    const bodies = batch.flatMap((g) => g.bodies);
    let rows: Row[];
    try {
      const reply = await this.api.request('POST', this.endpoint, bodies);
      if (!Array.isArray(reply.body) || reply.body.length !== bodies.length)
        throw new ApiError(`POST ${this.endpoint}: a list of ${bodies.length} rows expected back`);
      rows = reply.body as Row[];
    } catch (err) {
      if (refusesLists(err)) {
        if (this.bulk) this.opts.onSingleMode?.();
        this.bulk = false;
        return this.send(batch);
      }
      if (batch.length > 1 && err instanceof ApiError && err.status === 400) {
        await Promise.all(batch.map((g) => this.send([g])));
        return;
      }
      for (const g of batch) g.settle(g.bodies.map(() => ({ ok: false, error: err })));
      return;
    }
    let at = 0;
    for (const g of batch) {
      g.settle(rows.slice(at, at + g.bodies.length).map((row) => ({ ok: true, row })));
      at += g.bodies.length;
    }
  }

  private oneByOne(bodies: Row[]): Promise<Created[]> {
    return Promise.all(
      bodies.map(async (body): Promise<Created> => {
        try {
          const reply = await this.api.request('POST', this.endpoint, body);
          return { ok: true, row: (reply.body ?? {}) as Row };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
  }
}

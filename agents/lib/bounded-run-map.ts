/**
 * Runs kept open at once by any per-run structure of an agent. A run whose `end_run` never reaches
 * the agent (lost while it or the broker was down) would otherwise stay for the life of the
 * process; past this many, the oldest run is forgotten instead.
 */
export const MAX_OPEN_RUNS = 8;

/**
 * Per-run state keyed by run number, holding at most `maxRuns` runs: adding one more drops the
 * run added first. The owner deletes a run at its `end_run`; the cap covers the runs whose
 * `end_run` never comes.
 */
export class BoundedRunMap<V> {
  private readonly runs = new Map<number, V>();

  constructor(private readonly maxRuns = MAX_OPEN_RUNS) {
    if (!Number.isInteger(maxRuns) || maxRuns < 1)
      throw new RangeError(`maxRuns must be a positive integer, got ${maxRuns}`);
  }

  get(runId: number): V | undefined {
    return this.runs.get(runId);
  }

  /** Stores a run's state; a run already held keeps its place in the eviction order. */
  set(runId: number, value: V): void {
    this.runs.set(runId, value);
    for (const oldest of this.runs.keys()) {
      if (this.runs.size <= this.maxRuns) break;
      this.runs.delete(oldest);
    }
  }

  /** The run's state, made with `create` (and stored) the first time. */
  getOrCreate(runId: number, create: () => V): V {
    let value = this.runs.get(runId);
    if (value === undefined) {
      value = create();
      this.set(runId, value);
    }
    return value;
  }

  delete(runId: number): boolean {
    return this.runs.delete(runId);
  }

  /** Runs held. */
  get size(): number {
    return this.runs.size;
  }

  values(): IterableIterator<V> {
    return this.runs.values();
  }
}

import { BoundedRunMap, MAX_OPEN_RUNS } from './bounded-run-map.js';

/**
 * The STF filenames a stage has taken on, per run, so a re-delivered message (a publisher's retry
 * after a lost receipt) is handled once. A run's names are released at its `end_run`; a run whose
 * `end_run` never arrives is dropped once more than `maxRuns` runs are held, oldest first.
 */
export class RunDedup {
  private readonly runs: BoundedRunMap<Set<string>>;

  constructor(maxRuns = MAX_OPEN_RUNS) {
    this.runs = new BoundedRunMap(maxRuns);
  }

  /** True the first time `key` is seen in `runId`; false for a repeat. */
  add(runId: number, key: string): boolean {
    const keys = this.runs.getOrCreate(runId, () => new Set());
    if (keys.has(key)) return false;
    keys.add(key);
    return true;
  }

  /** Forgets one key (its handling failed: a re-delivery may try again). */
  forget(runId: number, key: string): void {
    this.runs.get(runId)?.delete(key);
  }

  /** The run ended: its keys go. */
  release(runId: number): void {
    this.runs.delete(runId);
  }

  /** Keys held over all runs. */
  get size(): number {
    let n = 0;
    for (const keys of this.runs.values()) n += keys.size;
    return n;
  }

  get runCount(): number {
    return this.runs.size;
  }
}

import { BoundedRunMap, MAX_OPEN_RUNS } from './bounded-run-map.js';

/**
 * Names kept per run. A re-delivery follows its original within the publisher's deadline (a
 * minute by default), so only recent names matter. At least the newest half are always held (a
 * minute at over 400 STFs/s), and an endless run stays a few megabytes, whatever its length.
 */
export const MAX_KEYS_PER_RUN = 50_000;

/**
 * One run's names: the newest half-window of them and the half-window before it. When the newest
 * fills, the older one is dropped whole, so every operation is O(1) and at least the newest
 * `max / 2` names are always held.
 */
class RecentKeys {
  private newer = new Set<string>();
  private older = new Set<string>();

  constructor(private readonly max: number) {}

  has(key: string): boolean {
    return this.newer.has(key) || this.older.has(key);
  }

  add(key: string): void {
    if (this.newer.size >= Math.max(1, Math.floor(this.max / 2))) {
      this.older = this.newer;
      this.newer = new Set();
    }
    this.newer.add(key);
  }

  delete(key: string): void {
    this.newer.delete(key);
    this.older.delete(key);
  }

  get size(): number {
    return this.newer.size + this.older.size;
  }
}

/**
 * The STF filenames a stage has taken on, per run, so a re-delivered message (a publisher's retry
 * after a lost receipt) is handled once. A run's names are released at its `end_run`; a run whose
 * `end_run` never arrives is dropped once more than `maxRuns` runs are held, oldest first, and
 * within a run at most `maxKeysPerRun` of the newest names are kept.
 */
export class RunDedup {
  private readonly runs: BoundedRunMap<RecentKeys>;

  constructor(
    maxRuns = MAX_OPEN_RUNS,
    private readonly maxKeysPerRun = MAX_KEYS_PER_RUN,
  ) {
    this.runs = new BoundedRunMap(maxRuns);
  }

  /** True the first time `key` is seen in `runId`; false for a repeat. */
  add(runId: number, key: string): boolean {
    const keys = this.runs.getOrCreate(runId, () => new RecentKeys(this.maxKeysPerRun));
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

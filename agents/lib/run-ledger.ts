import { BoundedRunMap, MAX_OPEN_RUNS } from './bounded-run-map.js';

/**
 * Per-run accounting for a pipeline stage: which STF sequences it handled (done or failed), so
 * that at `end_run` it can say exactly what it lost — messages missed while the broker or the agent
 * itself was down, or handled with an error. `end_run` can overtake the last STFs (it comes straight
 * from the DAQ simulator while they pass through upstream stages first), so the report waits until
 * every sequence 1..total is accounted for, or until no progress was made for `settleMs`.
 */
export interface RunReport {
  runId: number;
  total: number;
  done: number;
  failed: number[];
  missing: number[];
  /** The stage did not see the run's start (it joined mid-run, e.g. after a restart). */
  joinedLate: boolean;
}

/**
 * One run's accounting. STFs arrive nearly in order, so the sequences 1..`floor`, every one of
 * them done or failed, are kept as that one number: an endless run holds only the STFs handled
 * out of order and the failed ones, not one entry per STF it ever saw.
 */
interface RunEntry {
  floor: number;
  /** Done sequences above `floor`. */
  done: Set<number>;
  /** Failed sequences, at or above `floor` (the report lists them). */
  failed: Set<number>;
  joinedLate: boolean;
  progress?: () => void;
}

const isDone = (e: RunEntry, s: number) => (s <= e.floor ? !e.failed.has(s) : e.done.has(s));

export { MAX_OPEN_RUNS };

export class RunLedger {
  private readonly runs: BoundedRunMap<RunEntry>;

  constructor(
    private readonly settleMs: number,
    maxOpenRuns = MAX_OPEN_RUNS,
  ) {
    this.runs = new BoundedRunMap(maxOpenRuns);
  }

  /** Runs with an entry (opened or recorded, not yet closed). */
  get openRuns(): number {
    return this.runs.size;
  }

  private entry(runId: number, startMessage: boolean): RunEntry {
    return this.runs.getOrCreate(runId, () => ({
      floor: 0,
      done: new Set(),
      failed: new Set(),
      joinedLate: !startMessage,
    }));
  }

  /** run_imminent / start_run seen. */
  open(runId: number): void {
    this.entry(runId, true);
  }

  record(runId: number, sequence: number | null | undefined, ok: boolean): void {
    const e = this.entry(runId, false);
    if (typeof sequence !== 'number') return;
    if (ok) {
      e.failed.delete(sequence);
      if (sequence > e.floor) e.done.add(sequence);
    } else if (!isDone(e, sequence)) e.failed.add(sequence);
    for (let next = e.floor + 1; e.done.delete(next) || e.failed.has(next); next++) e.floor = next;
    e.progress?.();
  }

  /** Sequences held one by one over all open runs (out of order or failed). */
  get heldSequences(): number {
    let n = 0;
    for (const e of this.runs.values()) n += e.done.size + e.failed.size;
    return n;
  }

  /** Waits for the stragglers (bounded), then reports and forgets the run. */
  async close(runId: number, total: number, busy: () => boolean = () => false): Promise<RunReport> {
    const e = this.entry(runId, false);
    const handled = (s: number) => s <= e.floor || e.done.has(s) || e.failed.has(s);
    const accounted = () => {
      let n = Math.min(e.floor, total);
      for (let s = e.floor + 1; s <= total; s++) if (handled(s)) n++;
      return n;
    };
    while (accounted() < total) {
      const progressed = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(false), this.settleMs);
        e.progress = () => {
          clearTimeout(t);
          resolve(true);
        };
      });
      e.progress = undefined;
      // Quiet but still working through our own backlog (a loaded machine): keep waiting.
      if (!progressed && !busy()) break;
    }
    const missing: number[] = [];
    for (let s = e.floor + 1; s <= total; s++) if (!handled(s)) missing.push(s);
    this.runs.delete(runId);
    const below = Math.min(e.floor, total);
    let done = below;
    for (const s of e.failed) if (Number.isInteger(s) && s <= below) done--;
    for (const s of e.done) if (s <= total) done++;
    return {
      runId,
      total,
      done,
      failed: [...e.failed].sort((a, b) => a - b),
      missing,
      joinedLate: e.joinedLate,
    };
  }
}

/** "1-4, 7, 9-10" for a sorted list of sequences. */
export function ranges(seqs: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < seqs.length;) {
    let j = i;
    while (j + 1 < seqs.length && seqs[j + 1] === seqs[j]! + 1) j++;
    out.push(i === j ? `${seqs[i]}` : `${seqs[i]}-${seqs[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}

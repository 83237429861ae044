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

interface RunEntry {
  done: Set<number>;
  failed: Set<number>;
  joinedLate: boolean;
  progress?: () => void;
}

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
      e.done.add(sequence);
      e.failed.delete(sequence);
    } else if (!e.done.has(sequence)) e.failed.add(sequence);
    e.progress?.();
  }

  /** Waits for the stragglers (bounded), then reports and forgets the run. */
  async close(runId: number, total: number, busy: () => boolean = () => false): Promise<RunReport> {
    const e = this.entry(runId, false);
    const accounted = () => {
      let n = 0;
      for (let s = 1; s <= total; s++) if (e.done.has(s) || e.failed.has(s)) n++;
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
    for (let s = 1; s <= total; s++) if (!e.done.has(s) && !e.failed.has(s)) missing.push(s);
    this.runs.delete(runId);
    return {
      runId,
      total,
      done: [...e.done].filter((s) => s <= total).length,
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

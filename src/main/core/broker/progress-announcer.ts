/**
 * Run progress is a count over the run's STFs (one indexed scan per run), and a busy pipeline
 * stores a batch every few milliseconds: announcing after every batch would cost more than storing.
 * Runs touched by a batch are marked here and announced together at most every `intervalMs`; a
 * caller that needs the current figures now (a run ended, someone waits for idle) flushes.
 */
export function createProgressAnnouncer(announce: (runs: number[]) => void, intervalMs: number) {
  const dirty = new Set<number>();
  let timer: NodeJS.Timeout | undefined;
  let lastAt = -Infinity;

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (dirty.size === 0) return;
    lastAt = performance.now();
    const runs = [...dirty];
    dirty.clear();
    announce(runs);
  }

  return {
    mark(runs: Iterable<number>): void {
      for (const run of runs) dirty.add(run);
      if (dirty.size === 0 || timer) return;
      const wait = lastAt + intervalMs - performance.now();
      if (wait <= 0) flush();
      else timer = setTimeout(flush, wait);
    },
    flush,
  };
}

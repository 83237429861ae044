import pidusage from 'pidusage';

export interface ProcessMetrics {
  name: string;
  pid: number;
  cpuPercent: number;
  rssBytes: number;
}

/**
 * Samples CPU % and RSS of every running process (pidusage reads /proc on Linux, `ps` on macOS).
 * One sample at a time: a slow round is skipped rather than stacked.
 */
export function startMetrics(
  running: () => { name: string; pid: number }[],
  emit: (sample: { at: string; processes: ProcessMetrics[] }) => void,
  intervalMs: number,
) {
  const latest = new Map<string, ProcessMetrics>();
  let busy = false;
  let stopped = false;
  const sample = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      const list = running();
      const results = await Promise.allSettled(list.map((p) => pidusage(p.pid)));
      const processes: ProcessMetrics[] = [];
      latest.clear();
      results.forEach((r, i) => {
        if (r.status !== 'fulfilled') return;
        const m = {
          name: list[i]!.name,
          pid: list[i]!.pid,
          cpuPercent: Math.round(r.value.cpu * 10) / 10,
          rssBytes: r.value.memory,
        };
        latest.set(m.name, m);
        processes.push(m);
      });
      if (!stopped && processes.length) emit({ at: new Date().toISOString(), processes });
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void sample(), intervalMs);
  timer.unref();
  return {
    latest,
    sampleNow: sample,
    stop() {
      stopped = true;
      clearInterval(timer);
      pidusage.clear();
    },
  };
}

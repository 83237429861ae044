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
      // One call for all PIDs: pidusage then reads the clock tick and uptime once (per-PID
      // calls would each spawn `getconf` on the first round) and, on macOS, runs one `ps`.
      // A PID that vanished in between is left out of the answer, not an error.
      const stats = list.length
        ? await pidusage(list.map((p) => p.pid)).catch(
            () => ({}) as Record<string, pidusage.Status>,
          )
        : {};
      const processes: ProcessMetrics[] = [];
      latest.clear();
      for (const p of list) {
        const st = (stats as Record<string, pidusage.Status | undefined>)[String(p.pid)];
        if (!st) continue;
        const m = {
          name: p.name,
          pid: p.pid,
          cpuPercent: Math.round(st.cpu * 10) / 10,
          rssBytes: st.memory,
        };
        latest.set(m.name, m);
        processes.push(m);
      }
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

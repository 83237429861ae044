import { useUi } from './ui-store';

/** Samples kept per program: 5 s metrics for an hour. */
const CAP = 720;
/** Programs tracked at most (a fleet of thousands is plotted by its busiest few). */
const MAX_PROGRAMS = 200;

export interface MetricsHistory {
  /** Sample times, epoch seconds. */
  t: number[];
  /** Per program: CPU % and RSS MiB, aligned with `t` (null before it appeared). */
  cpu: Map<string, (number | null)[]>;
  rssMiB: Map<string, (number | null)[]>;
  version: number;
}

const history: MetricsHistory = { t: [], cpu: new Map(), rssMiB: new Map(), version: 0 };

function sample(processes: NonNullable<ReturnType<typeof useUi.getState>['processes']>) {
  history.t.push(Date.now() / 1000);
  const drop = history.t.length > CAP;
  if (drop) history.t.shift();
  const seen = new Set<string>();
  for (const p of Object.values(processes)) {
    if (p.cpuPercent === null && p.rssBytes === null) continue;
    if (!history.cpu.has(p.name)) {
      if (history.cpu.size >= MAX_PROGRAMS) continue;
      history.cpu.set(p.name, new Array<number | null>(history.t.length - 1).fill(null));
      history.rssMiB.set(p.name, new Array<number | null>(history.t.length - 1).fill(null));
    }
    seen.add(p.name);
    history.cpu.get(p.name)!.push(p.cpuPercent);
    history.rssMiB.get(p.name)!.push(p.rssBytes === null ? null : p.rssBytes / 1024 ** 2);
  }
  for (const [name, cpu] of history.cpu) {
    const rss = history.rssMiB.get(name)!;
    if (!seen.has(name)) {
      cpu.push(null);
      rss.push(null);
    }
    if (drop) {
      cpu.shift();
      rss.shift();
    }
  }
  history.version++;
}

// A sample whenever the supervisor's metrics change the programs (from the app's start, so the
// plots have a past when they are opened).
let lastProcesses: unknown = null;
useUi.subscribe((s) => {
  if (!s.processes || s.processes === lastProcesses) return;
  lastProcesses = s.processes;
  sample(s.processes);
});

export const metricsHistory = (): MetricsHistory => history;

import { useEffect, useMemo, useState } from 'react';
import uPlot from 'uplot';
import { type ChartSeries, PALETTE, UPlotChart } from '../components/uplot-chart';
import { useBrowse } from '../store/browse-query';
import { metricsHistory } from '../store/metrics-history';
import { useUi } from '../store/ui-store';

const REFRESH_MS = 2000;
const MAX_AGENTS = 8;
const WINDOWS: [number, string][] = [
  [300, 'last 5 min'],
  [900, 'last 15 min'],
  [3600, 'last hour'],
];

const STAGE_SERIES: ChartSeries[] = [
  { label: 'generated (DAQ)', color: PALETTE[0]! },
  { label: 'ready (data)', color: PALETTE[1]! },
  { label: 'processed', color: PALETTE[2]! },
  { label: 'fastmon', color: PALETTE[3]! },
];
const MESSAGE_SERIES: ChartSeries[] = [{ label: 'workflow messages', color: PALETTE[0]! }];

const seriesOf = (names: string[], points = false): ChartSeries[] =>
  names.map((n, i) => ({ label: n, color: PALETTE[i % PALETTE.length]!, points }));

/** The agents plotted: alive ones matching the text first, by name, a handful at most. */
function pickAgents(match: string): string[] {
  const q = match.trim().toLowerCase();
  const all = Object.values(useUi.getState().agents).filter(
    (a) => !q || a.instance_name.toLowerCase().includes(q),
  );
  all.sort(
    (a, b) =>
      Number(b.liveness === 'alive') - Number(a.liveness === 'alive') ||
      a.instance_name.localeCompare(b.instance_name),
  );
  return all.slice(0, MAX_AGENTS).map((a) => a.instance_name);
}

/** Programs with the highest latest value, so a big fleet plots its busiest few. */
function topPrograms(values: Map<string, (number | null)[]>): string[] {
  return [...values.entries()]
    .map(([name, v]) => [name, v[v.length - 1] ?? -1] as const)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_AGENTS)
    .map(([name]) => name)
    .sort();
}

/** Plots over time, read from the store every 2 s: throughput, message rate, heartbeats, CPU, memory. */
export function PlotsView() {
  const [windowSeconds, setWindowSeconds] = useState(300);
  const [agentMatch, setAgentMatch] = useState('');
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = window.setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  // Re-picked on every refresh (the fleet changes), without re-rendering on every heartbeat.
  const agents = useMemo(() => pickAgents(agentMatch), [agentMatch, tick]);
  const bucketSeconds = Math.max(1, Math.round(windowSeconds / 120));
  const { data, error } = useBrowse(
    'plots.series',
    { windowSeconds, bucketSeconds, agents },
    REFRESH_MS,
  );
  const stageData = useMemo((): uPlot.AlignedData | null => {
    if (!data) return null;
    const s = data.stages;
    return [data.t, s.generated, s.ready, s.processed, s.fastmon];
  }, [data]);
  const messageData = useMemo(
    (): uPlot.AlignedData | null => (data ? [data.t, data.messages] : null),
    [data],
  );
  const gaps = useMemo(() => {
    const rows = data?.heartbeatGaps.filter((g) => g.t.length > 0) ?? [];
    const tables = rows.map((g): uPlot.AlignedData => [g.t, g.gap]);
    return {
      series: seriesOf(
        rows.map((g) => g.agent),
        true,
      ),
      data: tables.length ? uPlot.join(tables) : ([[]] as uPlot.AlignedData),
    };
  }, [data]);
  const metrics = useMemo(() => {
    const h = metricsHistory();
    const cpuNames = topPrograms(h.cpu);
    const rssNames = topPrograms(h.rssMiB);
    return {
      cpuSeries: seriesOf(cpuNames),
      cpu: [h.t.slice(), ...cpuNames.map((n) => h.cpu.get(n)!.slice())] as uPlot.AlignedData,
      rssSeries: seriesOf(rssNames),
      rss: [h.t.slice(), ...rssNames.map((n) => h.rssMiB.get(n)!.slice())] as uPlot.AlignedData,
    };
  }, [tick]);
  const xRange = useMemo((): [number, number] => {
    const now = Date.now() / 1000;
    return [now - windowSeconds, now];
  }, [windowSeconds, data]);
  return (
    <section className="view" aria-labelledby="plots-title">
      <header className="view-header">
        <h1 id="plots-title">Plots</h1>
        <span className="summary muted">read from the store every {REFRESH_MS / 1000} s</span>
      </header>
      <div className="toolbar">
        <label>
          Window{' '}
          <select
            aria-label="Time window"
            value={windowSeconds}
            onChange={(e) => setWindowSeconds(Number(e.target.value))}
          >
            {WINDOWS.map(([s, label]) => (
              <option key={s} value={s}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Agents{' '}
          <input
            type="search"
            aria-label="Agents whose heartbeats are plotted"
            placeholder={`name contains… (${MAX_AGENTS} at most)`}
            value={agentMatch}
            onChange={(e) => setAgentMatch(e.target.value)}
          />
        </label>
      </div>
      {error && (
        <p className="command-error" role="alert">
          {error}
        </p>
      )}
      <div className="plots">
        {stageData && (
          <UPlotChart
            title="STF throughput per stage"
            yLabel="STFs / s"
            series={STAGE_SERIES}
            data={stageData}
            xRange={xRange}
            testId="plot-throughput"
          />
        )}
        {messageData && (
          <UPlotChart
            title="Message rate"
            yLabel="Messages / s"
            series={MESSAGE_SERIES}
            data={messageData}
            xRange={xRange}
            testId="plot-messages"
          />
        )}
        <UPlotChart
          title="Heartbeat gaps per agent"
          yLabel="Heartbeat gap (s)"
          series={gaps.series}
          data={gaps.data}
          xRange={xRange}
          testId="plot-heartbeat-gaps"
        />
        <UPlotChart
          title="CPU per agent process"
          yLabel="CPU (% of a core)"
          series={metrics.cpuSeries}
          data={metrics.cpu}
          xRange={xRange}
          testId="plot-cpu"
        />
        <UPlotChart
          title="Memory per agent process"
          yLabel="Memory RSS (MiB)"
          series={metrics.rssSeries}
          data={metrics.rss}
          xRange={xRange}
          testId="plot-memory"
        />
      </div>
    </section>
  );
}

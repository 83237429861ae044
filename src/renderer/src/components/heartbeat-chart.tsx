import { memo, useMemo } from 'react';
import type uPlot from 'uplot';
import type { HeartbeatEntry } from '../../../shared/ui-protocol';
import { type ChartSeries, UPlotChart } from './uplot-chart';

const SERIES: ChartSeries[] = [
  { label: 'gap before heartbeat (s)', color: '#1f6feb', points: true },
  { label: 'liveness window (s)', color: '#cf222e', dash: [6, 4] },
];

/**
 * Heartbeat timeline: one dot per heartbeat at the time it arrived, its height the gap since the
 * previous one; the dashed line is the liveness window. A rising dot is a stall, a gap is silence.
 */
export const HeartbeatChart = memo(function HeartbeatChart({
  beats,
  aliveSeconds,
  windowMs,
  now,
}: {
  beats: HeartbeatEntry[];
  aliveSeconds: number;
  windowMs: number;
  now: number;
}) {
  const data = useMemo((): uPlot.AlignedData => {
    const start = (now - windowMs) / 1000;
    const times = beats.map((b) => Date.parse(b.at) / 1000).sort((a, b) => a - b);
    const t: number[] = [];
    const gap: number[] = [];
    for (let i = 1; i < times.length; i++) {
      if (times[i]! < start) continue;
      t.push(times[i]!);
      gap.push(times[i]! - times[i - 1]!);
    }
    // The threshold spans the whole window; the silence since the last beat ends at "now".
    const xs = [start, ...t, now / 1000];
    const gaps = [null, ...gap, null];
    return [xs, gaps, xs.map(() => aliveSeconds)];
  }, [beats, now, windowMs, aliveSeconds]);
  const xRange = useMemo(
    (): [number, number] => [(now - windowMs) / 1000, now / 1000],
    [now, windowMs],
  );
  return (
    <UPlotChart
      title={`Heartbeats, last ${Math.round(windowMs / 60000)} min`}
      yLabel="Heartbeat gap (s)"
      series={SERIES}
      data={data}
      xRange={xRange}
      height={180}
      testId="heartbeat-chart"
    />
  );
});

import { memo, useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  color: string;
  /** Points only (heartbeats), not a line. */
  points?: boolean;
  dash?: number[];
}

export const PALETTE = [
  '#1f6feb',
  '#1a7f37',
  '#d4710b',
  '#8250df',
  '#cf222e',
  '#0a8a8a',
  '#bf3989',
  '#6e7781',
];

/**
 * A uPlot time chart with labelled axes (the y label carries the unit). The plot is made once
 * per series list and fed with `setData`, so a live update redraws a canvas instead of
 * rebuilding a DOM tree; the width follows the container.
 */
export const UPlotChart = memo(function UPlotChart(props: {
  title: string;
  yLabel: string;
  series: ChartSeries[];
  /** uPlot's aligned data: x (epoch seconds), then one array per series. */
  data: uPlot.AlignedData;
  /** Fixed x span (epoch seconds); otherwise the data's. */
  xRange?: [number, number];
  height?: number;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const xRange = useRef(props.xRange);
  xRange.current = props.xRange;
  const seriesKey = JSON.stringify(props.series);
  const { title, yLabel, height = 220 } = props;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const styles = getComputedStyle(document.documentElement);
    const text = styles.getPropertyValue('--text').trim() || '#1b1f24';
    const grid = styles.getPropertyValue('--border').trim() || '#d8dde3';
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
    const series = JSON.parse(seriesKey) as ChartSeries[];
    const u = new uPlot(
      {
        title,
        width: Math.max(300, el.clientWidth),
        height,
        scales: {
          x: {
            time: true,
            range: (_u, min, max) => xRange.current ?? [min, max],
          },
          y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
        },
        axes: [
          { ...axis, label: 'Time (local)' },
          { ...axis, label: yLabel, size: 60 },
        ],
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 1.5,
            dash: s.dash,
            spanGaps: !s.points,
            paths: s.points ? () => null : undefined,
            // Lines show their points only where samples are sparse (uPlot's default).
            points: s.points ? { show: true, size: 5, fill: s.color } : undefined,
          })),
        ],
        legend: { live: false },
        cursor: { drag: { x: false, y: false } },
      },
      props.data,
      el,
    );
    plot.current = u;
    const resize = new ResizeObserver(() => {
      const w = Math.max(300, el.clientWidth);
      if (w !== u.width) u.setSize({ width: w, height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
    // The data goes in through setData below; only a new series list makes a new plot.
  }, [seriesKey, title, yLabel, height]);

  useEffect(() => {
    plot.current?.setData(props.data);
  }, [props.data, props.xRange]);

  // The largest value drawn, for tests and screen readers (the canvas itself says nothing).
  let max = 0;
  for (const ys of props.data.slice(1))
    for (const y of ys) if (typeof y === 'number' && y > max) max = y;
  return (
    <figure
      className="uplot-chart"
      data-testid={props.testId}
      data-max={max}
      data-series={props.series.length}
      aria-label={`${title}: ${yLabel} against time, largest value ${max.toPrecision(3)}`}
    >
      <div ref={box} />
    </figure>
  );
});

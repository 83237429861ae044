import { memo, useMemo } from 'react';
import type { HeartbeatEntry } from '../../../shared/ui-protocol';
import { formatTime } from '../format';

const W = 900;
const H = 160;
const PAD = { l: 44, r: 12, t: 10, b: 22 };

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
  const { points, maxGap } = useMemo(() => {
    const start = now - windowMs;
    const times = beats.map((b) => Date.parse(b.at)).sort((a, b) => a - b);
    const pts: { t: number; gap: number; status: string }[] = [];
    for (let i = 0; i < times.length; i++) {
      const t = times[i]!;
      if (t < start) continue;
      const gap = i > 0 ? (t - times[i - 1]!) / 1000 : 0;
      pts.push({ t, gap, status: beats[i]?.status ?? 'OK' });
    }
    const silence = times.length ? (now - times[times.length - 1]!) / 1000 : 0;
    const max = Math.max(5, ...pts.map((p) => p.gap), silence, Math.min(aliveSeconds, 60) * 1.1);
    return { points: pts, maxGap: max };
  }, [beats, now, windowMs, aliveSeconds]);
  const x = (t: number) => PAD.l + ((t - (now - windowMs)) / windowMs) * (W - PAD.l - PAD.r);
  const y = (gap: number) => H - PAD.b - (Math.min(gap, maxGap) / maxGap) * (H - PAD.t - PAD.b);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => now - windowMs + f * windowMs);
  const last = points[points.length - 1];
  return (
    <svg
      className="chart"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={`Heartbeat timeline: ${points.length} heartbeats in the last ${Math.round(windowMs / 60000)} minutes`}
    >
      <line className="axis" x1={PAD.l} x2={W - PAD.r} y1={H - PAD.b} y2={H - PAD.b} />
      {[0, 0.5, 1].map((f) => (
        <g key={f}>
          <line className="grid" x1={PAD.l} x2={W - PAD.r} y1={y(maxGap * f)} y2={y(maxGap * f)} />
          <text className="label" x={PAD.l - 6} y={y(maxGap * f) + 4} textAnchor="end">
            {(maxGap * f).toFixed(0)}s
          </text>
        </g>
      ))}
      {aliveSeconds <= maxGap && (
        <line
          className="threshold"
          x1={PAD.l}
          x2={W - PAD.r}
          y1={y(aliveSeconds)}
          y2={y(aliveSeconds)}
        />
      )}
      {ticks.map((t, i) => (
        <text
          key={t}
          className="label"
          x={x(t)}
          y={H - 6}
          textAnchor={i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle'}
        >
          {formatTime(new Date(t).toISOString())}
        </text>
      ))}
      {last && (
        <line
          className="silence"
          x1={x(last.t)}
          x2={x(now)}
          y1={H - PAD.b}
          y2={y((now - last.t) / 1000)}
        />
      )}
      {points.map((p) => (
        <circle
          key={p.t}
          className={`beat ${p.status === 'OK' ? 'ok' : p.status === 'ERROR' ? 'bad' : 'warn'}`}
          cx={x(p.t)}
          cy={y(p.gap)}
          r={2.5}
        />
      ))}
    </svg>
  );
});

import type { PlotSeries } from '../../../shared/browse-protocol.js';
import type { Db } from './db.js';

/** Buckets per series at most: a day at one-second buckets would be a 500,000-number answer. */
const MAX_BUCKETS = 2000;
/** Heartbeat rows read per plotted agent: 1 Hz for a day's window is the most a plot needs. */
const MAX_BEATS_PER_AGENT = 5000;

const STAGE_COLUMNS = {
  generated: 'generated_at',
  ready: 'ready_at',
  processed: 'processed_at',
  fastmon: 'fastmon_at',
} as const;

export type PlotQueries = ReturnType<typeof createPlotQueries>;

/**
 * Time series for the plots view, bucketed in SQL so a plot costs one grouped read per series
 * however many rows the window holds.
 */
export function createPlotQueries(db: Db) {
  const bucketOf = (col: string) =>
    `CAST((julianday(${col}) - julianday(@since)) * 86400.0 / @bucket AS INTEGER)`;
  const stageStmts = Object.fromEntries(
    Object.entries(STAGE_COLUMNS).map(([stage, col]) => [
      stage,
      db.prepare(
        `SELECT ${bucketOf(col)} AS b, COUNT(*) AS n FROM stf_progress
         WHERE ${col} >= @since AND ${col} <= @until GROUP BY b`,
      ),
    ]),
  ) as Record<keyof typeof STAGE_COLUMNS, ReturnType<Db['prepare']>>;
  const messageStmt = db.prepare(
    `SELECT ${bucketOf('sent_at')} AS b, COUNT(*) AS n FROM workflow_messages
     WHERE sent_at >= @since AND sent_at <= @until GROUP BY b`,
  );
  // One row before the window too, so the first gap inside it is known.
  const beatsStmt = db.prepare(
    `SELECT at FROM (SELECT at FROM heartbeats WHERE instance_name = @agent AND at < @since
                     ORDER BY at DESC LIMIT 1)
     UNION ALL
     SELECT at FROM (SELECT at FROM heartbeats WHERE instance_name = @agent AND at >= @since
                     AND at <= @until ORDER BY at DESC LIMIT @max)
     ORDER BY at`,
  );

  return {
    series(q: { windowSeconds: number; bucketSeconds: number; agents: string[] }, nowMs: number) {
      const bucket = Math.max(q.bucketSeconds, Math.ceil(q.windowSeconds / MAX_BUCKETS));
      const count = Math.ceil(q.windowSeconds / bucket);
      // Buckets aligned to whole multiples of their width, so successive reads line up.
      const startMs = (Math.floor(nowMs / 1000 / bucket) - count + 1) * bucket * 1000;
      const params = {
        since: new Date(startMs).toISOString(),
        until: new Date(nowMs).toISOString(),
        bucket,
      };
      const perSecond = (stmt: ReturnType<Db['prepare']>) => {
        const out = new Array<number>(count).fill(0);
        for (const r of stmt.all(params) as { b: number; n: number }[])
          if (r.b >= 0 && r.b < count) out[r.b] = r.n / bucket;
        return out;
      };
      const t = Array.from({ length: count }, (_, i) => startMs / 1000 + i * bucket);
      const heartbeatGaps = q.agents.map((agent) => {
        const times = (
          beatsStmt.all({ ...params, agent, max: MAX_BEATS_PER_AGENT }) as { at: string }[]
        ).map((r) => Date.parse(r.at) / 1000);
        const ts: number[] = [];
        const gap: number[] = [];
        for (let i = 1; i < times.length; i++) {
          ts.push(times[i]!);
          gap.push(times[i]! - times[i - 1]!);
        }
        return { agent, t: ts, gap };
      });
      return {
        t,
        bucketSeconds: bucket,
        stages: {
          generated: perSecond(stageStmts.generated),
          ready: perSecond(stageStmts.ready),
          processed: perSecond(stageStmts.processed),
          fastmon: perSecond(stageStmts.fastmon),
        },
        messages: perSecond(messageStmt),
        heartbeatGaps,
      } satisfies PlotSeries;
    },
  };
}

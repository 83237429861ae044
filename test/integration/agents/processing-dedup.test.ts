import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_OPEN_RUNS } from '../../../agents/lib/bounded-run-map.js';
import {
  type LoneProcessingAgent,
  startLoneProcessingAgent,
} from '../../helpers/lone-processing-agent.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

/**
 * The processing agent remembers which STFs it took on so a re-delivered one is processed once.
 * That memory is per run: released at the run's end_run, and only the newest runs are kept when
 * end_run messages are lost, so an agent running for days does not grow with every STF.
 * Filenames deliberately do not follow the `swf.<run>.` convention: the release must not depend
 * on how a publisher names its files. Seen from outside: a name is processed again only once its
 * run was released or dropped.
 */
describe('processing agent: per-run duplicate memory, released and bounded', () => {
  let lone: LoneProcessingAgent;
  const data = tempDir('swf-processing-dedup-');

  beforeAll(async () => {
    lone = await startLoneProcessingAgent(data.path, { SWF_RUN_SETTLE_MS: '200' });
  }, 60_000);

  afterAll(async () => {
    await lone?.close();
    data.remove();
  });

  const publish = (body: Record<string, unknown>) => lone.publish(body);
  const stfReady = (run: number, filename: string, sequence: number) =>
    publish({ msg_type: 'stf_ready', run_id: run, filename, sequence });
  const count = (run: number, filename: string) =>
    lone.completed.filter((m) => m.run_id === run && m.filename === filename).length;
  const processedTimes = (run: number, filename: string, n: number) =>
    waitFor(
      `${filename} of run ${run} processed ${n} time(s)`,
      () => count(run, filename) >= n,
      20_000,
    );

  it('processes a re-delivered STF once, and again after its run ended', async () => {
    await stfReady(7, 'a.stf', 1);
    await stfReady(7, 'a.stf', 1);
    await stfReady(7, 'b.stf', 2);
    // Handlers start in arrival order: once b is done, the repeat of a was judged.
    await processedTimes(7, 'b.stf', 1);
    expect(count(7, 'a.stf')).toBe(1);

    await publish({ msg_type: 'end_run', run_id: 7, total_stf_files: 2 });
    await waitFor(
      'the run-7 report',
      async () => {
        const rows = (await (await lone.tc.api('/api/logs/?levelname=INFO')).json()) as {
          message: string;
        }[];
        return rows.some((r) => r.message.includes('run 7 processing: all 2 STFs handled'));
      },
      20_000,
    );
    // The report is logged just before the run's names are released, and it reaches the core
    // over HTTP after that: the next a is a new STF to the agent.
    await stfReady(7, 'a.stf', 1);
    await processedTimes(7, 'a.stf', 2);
  }, 60_000);

  it(`keeps the names of at most ${MAX_OPEN_RUNS} runs whose end_run never came`, async () => {
    const runs = Array.from({ length: MAX_OPEN_RUNS + 1 }, (_, i) => 101 + i);
    for (const run of runs) await stfReady(run, `c-${run}.stf`, 1);
    for (const run of runs) await processedTimes(run, `c-${run}.stf`, 1);
    const newest = runs.at(-1)!;
    const oldest = runs[0]!;
    // The newest run is still held: its repeat is dropped. The oldest was dropped: processed again.
    await stfReady(newest, `c-${newest}.stf`, 1);
    await stfReady(oldest, `c-${oldest}.stf`, 1);
    await processedTimes(oldest, `c-${oldest}.stf`, 2);
    expect(count(newest, `c-${newest}.stf`)).toBe(1);
  }, 60_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStats } from '../../../../../src/main/core/monitor/run-stats.js';
import { runStatsSchema } from '../../../../../src/shared/run-stats.js';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';
import { connectClient, type StompTestClient } from '../../../../helpers/stomp-clients.js';
import { waitFor } from '../../../../helpers/wait-for.js';
import { runMessages } from '../../../../helpers/workflow-run.js';

/** Run figures from what the composed core recorded off its own broker. */
describe('run statistics', { timeout: 60_000 }, () => {
  let t: TestCore;
  let stomp: StompTestClient;
  beforeAll(async () => {
    t = await startTestCore();
    stomp = await connectClient('stompit', {
      port: t.core.broker!.port,
      login: t.core.brokerCredentials.login,
      passcode: t.core.brokerCredentials.passcode,
    });
  });
  afterAll(async () => {
    await stomp?.disconnect().catch(() => undefined);
    await t?.close();
  });

  it('counts, backlog, latency, DAQ ended before the pipeline drained, and the run issues', async () => {
    const runNumber = 4242;
    const messages = runMessages({ runNumber, stfPerPeriod: 3, tfPerStf: 1 });
    // Processing lags: its last two reports come after the DAQ has ended.
    const late = messages.filter((m) => m.body.msg_type === 'processing_complete').slice(-2);
    for (const m of messages.filter((x) => !late.includes(x)))
      await stomp.send(m.destination, JSON.stringify(m.body));
    const store = t.core.store;
    await waitFor('the run ended with its STFs recorded', () => {
      const s = runStats(store, runNumber);
      return s.daqEndedAt && s.stages.find((x) => x.stage === 'fastmon')?.count === 6;
    });
    const lagging = runStatsSchema.parse(runStats(store, runNumber));
    expect(lagging.expected).toBe(6);
    expect(lagging.drained).toBe(false);
    const by = Object.fromEntries(lagging.stages.map((s) => [s.stage, s]));
    expect(by.generated).toMatchObject({ count: 6, backlog: null, latencyP50Ms: null });
    expect(by.ready).toMatchObject({ count: 6, backlog: 0 });
    expect(by.processed).toMatchObject({ count: 4, backlog: 2 });
    expect(by.fastmon).toMatchObject({ count: 6, backlog: 0 });
    expect(by.ready!.latencyP50Ms).toBeGreaterThanOrEqual(0);
    expect(by.ready!.latencyP95Ms).toBeGreaterThanOrEqual(by.ready!.latencyP50Ms!);

    const log = await t.api('/api/logs/', {
      method: 'POST',
      json: {
        app_name: 'processing',
        instance_name: 'processing-agent-alice-18',
        timestamp: new Date().toISOString(),
        levelname: 'ERROR',
        message: `run ${runNumber} processed: 4 of 6 STFs handled; 2 never arrived (sequences 5-6)`,
        extra_data: { run_id: runNumber },
      },
    });
    expect(log.status).toBe(201);
    for (const m of late) await stomp.send(m.destination, JSON.stringify(m.body));
    const drained = await waitFor('the pipeline drained', () => {
      const s = runStats(store, runNumber);
      return s.drained ? s : undefined;
    });
    expect(drained.etaSeconds).toBeNull();
    expect(drained.issues.map((i) => i.text)).toContain(
      `run ${runNumber} processed: 4 of 6 STFs handled; 2 never arrived (sequences 5-6)`,
    );
    expect(runStats(store, runNumber + 1).stages.every((s) => s.count === 0)).toBe(true);
  });
});

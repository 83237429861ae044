import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  DeliveredMessage,
  MessageListener,
} from '../../../../../src/main/core/broker/delivered-message.js';
import {
  createRecorder,
  wireRecorder,
  type Recorder,
} from '../../../../../src/main/core/broker/recorder.js';
import { EventBus, type CoreEventMap } from '../../../../../src/main/core/events.js';
import type { Logger } from '../../../../../src/main/core/logger.js';
import { createHeartbeatService } from '../../../../../src/main/core/monitor/heartbeat-service.js';
import { openStore, type Store } from '../../../../../src/main/core/store/index.js';
import { tempDir } from '../../../../helpers/temp-dir.js';
import { runMessages, type RunMessage } from '../../../../helpers/workflow-run.js';

function capturingLogger(lines: string[]): Logger {
  const l: Logger = {
    debug: () => {},
    info: () => {},
    warn: (m) => lines.push(m),
    error: (m) => lines.push(m),
    child: () => l,
  };
  return l;
}

const msg = (destination: string, body: unknown, raw = false): DeliveredMessage => ({
  destination,
  headers: { destination },
  body: raw ? (body as string) : JSON.stringify(body),
});
const asMessage = (m: RunMessage) => msg(m.destination, m.body);

describe('workflow recorder (SQLite on disk)', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  let bus: EventBus;
  let recorder: Recorder;
  let logLines: string[];
  let messages: CoreEventMap['workflow.message'][];
  let progress: CoreEventMap['run.progress'][];

  beforeEach(() => {
    dir = tempDir();
    store = openStore(join(dir.path, 'db.sqlite'));
    bus = new EventBus((err) => {
      throw err;
    });
    messages = [];
    progress = [];
    bus.on('workflow.message', (e) => messages.push(e));
    bus.on('run.progress', (e) => progress.push(e));
    const heartbeats = createHeartbeatService(store, bus, () => {});
    logLines = [];
    recorder = createRecorder({
      store,
      heartbeats,
      bus,
      logger: capturingLogger(logLines),
      flushIntervalMs: 5,
      maxBatch: 1000,
    });
  });

  afterEach(() => {
    recorder.stop();
    store.close();
    dir.remove();
  });

  const count = (sql: string, ...args: unknown[]) =>
    (store.db.prepare(sql).get(...args) as { n: number }).n;

  it('records a full run: messages with their destination, run state, STF stages, events', async () => {
    const all = runMessages({ runNumber: 100123, stfPerPeriod: 5, tfPerStf: 2 });
    for (const m of all) recorder.ingest(asMessage(m));
    await recorder.idle();

    expect(count('SELECT COUNT(*) AS n FROM workflow_messages')).toBe(all.length);
    expect(all.length).toBe(5 + 10 * 5);
    const byType = store.db
      .prepare('SELECT message_type, COUNT(*) AS n FROM workflow_messages GROUP BY message_type')
      .all() as { message_type: string; n: number }[];
    expect(Object.fromEntries(byType.map((r) => [r.message_type, r.n]))).toEqual({
      run_imminent: 1,
      start_run: 1,
      pause_run: 1,
      resume_run: 1,
      end_run: 1,
      stf_gen: 10,
      stf_ready: 10,
      processing_complete: 10,
      tf_file_registered: 20,
    });
    const pc = store.workflowMessages.query({ messageType: 'processing_complete', limit: 1 })
      .items[0]!;
    expect(pc).toMatchObject({
      queue_name: '/queue/monitoring_agent',
      sender_agent: 'processing-agent-alice-18',
      namespace: 'alice-dev',
      run_id: '100123',
    });
    const start = store.workflowMessages.query({ messageType: 'start_run' }).items[0]!;
    expect(start).toMatchObject({
      queue_name: '/topic/epictopic',
      sender_agent: 'daq_simulator-agent-alice-16',
      execution_id: 'stf_datataking-alice-0123',
    });
    expect(start.message_content).toMatchObject({ msg_type: 'start_run', run_id: 100123 });

    expect(store.runStates.get('100123')).toMatchObject({
      state: 'ended',
      substate: '',
      phase: 'completed',
      metadata: { execution_id: 'stf_datataking-alice-0123', namespace: 'alice-dev' },
    });
    const run = store.runs.list({ run_number: 100123 }).items[0]!;
    expect(run.start_time).toEqual(expect.any(String));
    expect(run.end_time).toEqual(expect.any(String));

    expect(store.stfProgress.countsForRun(100123)).toEqual({
      generated: 10,
      ready: 10,
      processed: 10,
      fastmon: 10,
      tfFiles: 20,
    });
    const row = store.stfProgress.get(100123, 'swf.100123.000003.stf')!;
    expect(row).toMatchObject({ sequence: 3, namespace: 'alice-dev', tf_files: 2 });
    for (const col of ['generated_at', 'ready_at', 'processed_at', 'fastmon_at'] as const)
      expect(Date.parse(row[col]!)).not.toBeNaN();
    expect(store.stfProgress.latencyForRun(100123).count).toBe(10);

    expect(messages).toHaveLength(all.length);
    expect(messages[0]!.message).toMatchObject({
      message_type: 'run_imminent',
      id: expect.any(Number),
    });
    const last = progress.at(-1)!;
    expect(last).toMatchObject({
      runNumber: 100123,
      state: 'ended',
      phase: 'completed',
      executionId: 'stf_datataking-alice-0123',
      stf: { generated: 10, ready: 10, processed: 10, fastmon: 10 },
      tfFiles: 20,
    });
    expect(recorder.stats()).toMatchObject({
      received: all.length,
      stored: all.length,
      problems: {},
    });
  });

  it('advances the run state message by message as the monitor does', async () => {
    const [imminent, startRun, firstStf, ...rest] = runMessages({ runNumber: 7, stfPerPeriod: 1 });
    const pause = rest.find((m) => m.body.msg_type === 'pause_run')!;
    const resume = rest.find((m) => m.body.msg_type === 'resume_run')!;
    const step = async (m: RunMessage) => {
      recorder.ingest(asMessage(m));
      await recorder.idle();
      return store.runStates.get('7');
    };
    expect(await step(imminent!)).toMatchObject({
      state: 'beam',
      substate: 'not_ready',
      phase: 'initializing',
    });
    expect(await step(startRun!)).toMatchObject({
      state: 'run',
      substate: 'physics',
      phase: 'physics',
    });
    await step(firstStf!);
    expect(progress.at(-1)).toMatchObject({
      runNumber: 7,
      state: 'run',
      stf: { generated: 1, ready: 0 },
    });
    expect(await step(pause)).toMatchObject({
      state: 'run',
      substate: 'standby',
      phase: 'physics',
    });
    expect(await step(resume)).toMatchObject({
      state: 'run',
      substate: 'physics',
      phase: 'physics',
    });
    const end = rest.find((m) => m.body.msg_type === 'end_run')!;
    expect(await step(end)).toMatchObject({ state: 'ended', phase: 'completed' });
    // Recorded after the end (sent before the simulator died, or overtaken): the run stays ended.
    expect(await step(resume)).toMatchObject({ state: 'ended', phase: 'completed' });
    // A lifecycle message for a run nobody announced creates the row (agents may start mid-run).
    recorder.ingest(msg('/topic/epictopic', { msg_type: 'end_run', run_id: '8' }));
    await recorder.idle();
    expect(store.runStates.get('8')).toMatchObject({ state: 'ended', phase: 'completed' });
  });

  it('takes seed heartbeats and TypeScript agents heartbeats, never as workflow messages', async () => {
    recorder.ingest(msg('/topic/epictopic', { agent_name: 'old-agent-1', status: 'OK' }));
    recorder.ingest(
      msg('/topic/swf.heartbeat', {
        msg_type: 'heartbeat',
        instance_name: 'data-agent-ts-2',
        agent_type: 'data',
        status: 'OK',
        operational_state: 'READY',
        pid: 4242,
        hostname: 'laptop',
        namespace: 'alice-dev',
        workflow_enabled: true,
      }),
    );
    await recorder.idle();
    expect(store.agents.get('old-agent-1')).toMatchObject({ agent_type: 'Unknown', status: 'OK' });
    expect(store.agents.get('data-agent-ts-2')).toMatchObject({
      agent_type: 'data',
      operational_state: 'READY',
      pid: 4242,
      namespace: 'alice-dev',
    });
    // A second seed heartbeat keeps the known agent's other fields.
    recorder.ingest(msg('/topic/epictopic', { agent_name: 'data-agent-ts-2', status: 'WARNING' }));
    await recorder.idle();
    expect(store.agents.get('data-agent-ts-2')).toMatchObject({
      agent_type: 'data',
      status: 'WARNING',
      pid: 4242,
    });
    expect(count(`SELECT COUNT(*) AS n FROM heartbeats WHERE source = 'stomp'`)).toBe(3);
    expect(count('SELECT COUNT(*) AS n FROM workflow_messages')).toBe(0);
    expect(recorder.stats()).toMatchObject({ heartbeats: 3, stored: 0, problems: {} });
  });

  it('counts and logs bad bodies per reason, and keeps recording', async () => {
    const dest = '/topic/epictopic';
    recorder.ingest(msg(dest, '{"msg_type": "stf_gen", ', true));
    recorder.ingest(msg(dest, 'not json at all', true));
    recorder.ingest(msg(dest, [1, 2]));
    recorder.ingest(msg(dest, 42));
    recorder.ingest(msg(dest, { hello: 'world' }));
    recorder.ingest(msg(dest, { msg_type: 5 }));
    recorder.ingest(msg(dest, { msg_type: 'heartbeat', status: 'OK' }));
    recorder.ingest(msg(dest, { agent_name: '', status: 'OK' }));
    // Known type without the field its stage needs: stored (as the monitor would), flagged.
    recorder.ingest(msg(dest, { msg_type: 'stf_gen', run_id: 9, namespace: 'ns' }));
    // A run id that is not a run number: stored, flagged, no run row.
    recorder.ingest(msg(dest, { msg_type: 'start_run', run_id: 'next-one' }));
    // A Buffer body, as a socket hands it over, still works.
    recorder.ingest({
      destination: dest,
      headers: {},
      body: Buffer.from(JSON.stringify({ msg_type: 'announcement', text: 'hi' })),
    });
    await recorder.idle();

    expect(recorder.stats().problems).toEqual({
      invalid_json: 2,
      not_an_object: 2,
      no_msg_type: 1,
      invalid_msg_type: 1,
      invalid_heartbeat: 2,
      invalid_fields: 1,
      run_id_not_numeric: 1,
    });
    const stored = store.workflowMessages
      .query()
      .items.map((m) => m.message_type)
      .sort();
    expect(stored).toEqual(['announcement', 'start_run', 'stf_gen']);
    expect(store.runStates.list({}).total).toBe(0);
    expect(count('SELECT COUNT(*) AS n FROM stf_progress')).toBe(0);
    // First of each reason logged with the reason and what was wrong.
    expect(logLines.find((l) => l.includes('[invalid_json]'))).toMatch(
      /not JSON.*\/topic\/epictopic/,
    );
    expect(logLines.find((l) => l.includes('[invalid_fields]'))).toMatch(
      /stf_gen on \/topic\/epictopic: filename/,
    );
    expect(logLines.find((l) => l.includes('[run_id_not_numeric]'))).toContain('"next-one"');
    // Rate limited: two invalid_json, one line.
    expect(logLines.filter((l) => l.includes('[invalid_json]'))).toHaveLength(1);

    recorder.ingest(
      msg(dest, { msg_type: 'start_run', run_id: 5, state: 'run', substate: 'physics' }),
    );
    await recorder.idle();
    expect(store.runStates.get('5')).toMatchObject({ phase: 'physics' });
  });

  it('accepts mid-2025 bodies: no sender/namespace/execution_id, string run ids', async () => {
    recorder.ingest(
      msg('epictopic', {
        msg_type: 'stf_gen',
        run_id: '100200',
        filename: '100200_000001.dat',
        file_url: 'file:///daq_data/run_100200/100200_000001.dat',
        size_bytes: 1024,
        checksum: 'sha256:mock_checksum_000001',
        start: '20250801120000',
        end: '20250801120000',
        simulation_tick: 3.5,
        state: 'run',
        substate: 'physics',
      }),
    );
    await recorder.idle();
    expect(store.workflowMessages.query().items[0]).toMatchObject({
      sender_agent: null,
      namespace: null,
      execution_id: null,
      run_id: '100200',
      queue_name: 'epictopic',
    });
    expect(store.stfProgress.countsForRun(100200).generated).toBe(1);
    expect(recorder.stats().problems).toEqual({});
  });

  it('stores in batches: one transaction per tick, not per message', async () => {
    const n = 10_000;
    const bodies = runMessages({ runNumber: 555, stfPerPeriod: 1000, tfPerStf: 1 }).map(asMessage);
    for (let i = 0; i < n; i++) {
      recorder.ingest(bodies[i % bodies.length]!);
      if (i % 500 === 499) await yieldToLoop();
    }
    await recorder.idle();
    const s = recorder.stats();
    expect(s.stored).toBe(n);
    expect(count('SELECT COUNT(*) AS n FROM workflow_messages')).toBe(n);
    expect(s.batches).toBeGreaterThan(1);
    expect(s.batches).toBeLessThanOrEqual(n / 500);
  });

  it('is fed by any message source through wireRecorder, and stops taking messages when unwired', async () => {
    const listeners = new Set<MessageListener>();
    const source = {
      observe(l: MessageListener) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
    const unwire = wireRecorder(recorder, source);
    const deliver = (m: DeliveredMessage) => listeners.forEach((l) => l(m));
    deliver(
      msg('/queue/workflow_control', {
        msg_type: 'run_workflow',
        workflow_name: 'stf_datataking',
        namespace: 'ns',
      }),
    );
    await recorder.idle();
    expect(store.workflowMessages.query().items[0]).toMatchObject({
      message_type: 'run_workflow',
      queue_name: '/queue/workflow_control',
    });
    unwire();
    expect(listeners.size).toBe(0);
  });

  it('retries a batch SQLite refuses, then drops and counts it, and records again once SQLite accepts', async () => {
    store.db.pragma('query_only = ON'); // every write now fails with SQLITE_READONLY
    recorder.ingest(msg('/topic/epictopic', { msg_type: 'announcement', n: 1 }));
    recorder.ingest(msg('/topic/epictopic', { msg_type: 'announcement', n: 2 }));
    await recorder.idle();
    expect(recorder.stats().problems).toEqual({ store_failed: 2 });
    expect(logLines.some((l) => /failed 3 times; dropped/.test(l))).toBe(true);
    store.db.pragma('query_only = OFF');
    recorder.ingest(msg('/topic/epictopic', { msg_type: 'announcement', n: 3 }));
    await recorder.idle();
    expect(store.workflowMessages.query().items.map((m) => m.message_content)).toEqual([
      { msg_type: 'announcement', n: 3 },
    ]);
  });

  it('stores what is queued on stop and counts later arrivals', () => {
    recorder.ingest(msg('/topic/epictopic', { msg_type: 'announcement' }));
    recorder.stop();
    expect(count('SELECT COUNT(*) AS n FROM workflow_messages')).toBe(1);
    recorder.ingest(msg('/topic/epictopic', { msg_type: 'announcement' }));
    expect(recorder.stats().problems).toEqual({ after_stop: 1 });
  });
});

import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type WorkflowControlResult,
  workflowControlResultSchema,
} from '../../../../src/shared/workflow-control-result.js';
import { RawUi } from '../../../helpers/abuse-clients.js';
import { ROOT } from '../../../helpers/cli-process.js';
import { startTestCore, type TestCore } from '../../../helpers/core.js';
import { connect } from '../../../helpers/mcp-client.js';
import { waitFor } from '../../../helpers/wait-for.js';

type ToolResult = Awaited<ReturnType<Client['callTool']>>;
const text = (r: ToolResult) => (r.content as { text: string }[])[0]!.text;
const dataOf = (f: { data?: unknown }) => workflowControlResultSchema.parse(f.data);

/**
 * Starting and stopping workflows as an assistant (MCP) and the UI (`/ws/ui`) do, against the
 * real default fleet: the DAQ simulator's answer comes back with the execution and run it
 * started, a refusal carries its reason, and with no simulator the command says what is missing.
 */
describe('workflow commands answered by the real DAQ simulator', () => {
  let t: TestCore;
  let mcp: Client;
  let ui: RawUi;
  const daqsim = () => t.core.supervisor.list().find((p) => p.name.startsWith('daqsim'))!;

  beforeAll(async () => {
    t = await startTestCore({
      fleetFile: join(ROOT, 'agents/fleet.default.toml'),
      workflowReplyTimeoutSeconds: 8,
    });
    await waitFor(
      'the DAQ simulator READY',
      () =>
        t.core.store.agents
          .list({})
          .items.some((a) => a.agent_type === 'DAQ_Simulator' && a.operational_state === 'READY'),
      90_000,
    );
    mcp = await connect(t, 'ws', 'modern');
    ui = await RawUi.open(t);
  }, 120_000);
  afterAll(async () => {
    ui?.close();
    await mcp?.close();
    await t?.close();
  }, 60_000);

  it(
    'starts from the UI with the new ids, refuses a second start with the reason, stops, and says when nothing runs',
    { timeout: 120_000 },
    async () => {
      // A real-time run long enough to still be going while the next commands arrive.
      const started = await ui.command('run.start', {
        stfCount: 200,
        physicsPeriods: 1,
        standbySeconds: 0,
        stfIntervalSeconds: 0.5,
      });
      expect(started).toMatchObject({ ok: true });
      const run: WorkflowControlResult = dataOf(started as { data?: unknown });
      expect(run).toEqual({
        accepted: true,
        execution_id: expect.stringMatching(/^stf_datataking-.+-\d{4}$/),
        run_number: expect.any(Number),
        reason: null,
      });
      const exec = run.execution_id!;
      await waitFor('the execution and its run in the store', () => {
        const row = t.core.store.workflowExecutions.get(exec);
        const runRow = t.core.store.runs.list({ run_number: run.run_number! }, 1).items[0];
        return row?.status === 'running' && runRow;
      });

      // A second start while it runs: refused with the simulator's reason, as an MCP error...
      const second = await mcp.callTool({
        name: 'swf_start_workflow',
        arguments: { stf_count: 3 },
      });
      expect(second.isError).toBe(true);
      expect(text(second)).toMatch(
        new RegExp(
          `refused run_workflow: execution ${exec} \\(run ${run.run_number}.*still running`,
        ),
      );
      // ...and as the UI's error string, the reason itself.
      const secondUi = await ui.command('run.start', { stfCount: 3 });
      expect(secondUi.ok).toBe(false);
      expect(secondUi.error).toMatch(new RegExp(`^execution ${exec} .*send stop_workflow first$`));
      // A stop naming another execution is refused, the running one keeps going.
      const wrong = await mcp.callTool({
        name: 'swf_stop_workflow',
        arguments: { execution_id: 'stf_datataking-nobody-9999' },
      });
      expect(wrong.isError).toBe(true);
      expect(text(wrong)).toMatch(`running ${exec}, not stf_datataking-nobody-9999`);

      const stopped = await mcp.callTool({
        name: 'swf_stop_workflow',
        arguments: { execution_id: exec },
      });
      expect(stopped.isError).toBeFalsy();
      expect(stopped.structuredContent).toEqual({
        accepted: true,
        execution_id: exec,
        run_number: run.run_number,
        reason: null,
      });
      await waitFor(
        'the execution terminated and the simulator idle',
        () =>
          t.core.store.workflowExecutions.get(exec)?.status === 'terminated' &&
          t.core.supervisor
            .tail(daqsim().name, 200)
            .some((l) => l.line.includes('Workflow terminated')),
        30_000,
      );
      const idle = await ui.command('run.stop', {});
      expect(idle).toMatchObject({ ok: false, error: 'nothing is running' });
      const idleMcp = await mcp.callTool({ name: 'swf_stop_workflow', arguments: {} });
      expect(idleMcp.isError).toBe(true);
      expect(text(idleMcp)).toMatch(/refused stop_workflow: nothing is running/);
    },
  );

  it(
    'starts from MCP with a fresh execution and run, then times out naming the missing simulator',
    { timeout: 120_000 },
    async () => {
      const before = t.core.store.workflowExecutions.list({}).items.length;
      const fast = await mcp.callTool({
        name: 'swf_start_workflow',
        arguments: { stf_count: 3, physics_period_count: 1, realtime: false },
      });
      expect(fast.isError).toBeFalsy();
      const r = workflowControlResultSchema.parse(fast.structuredContent);
      expect(r.accepted).toBe(true);
      await waitFor(
        'the fast run to complete',
        () => t.core.store.workflowExecutions.get(r.execution_id!)?.status === 'completed',
        60_000,
      );
      expect(t.core.store.workflowExecutions.list({}).items.length).toBe(before + 1);
      expect(t.core.store.runLookups.runNumbersOfExecution(r.execution_id!)).toEqual([
        r.run_number,
      ]);

      await t.core.supervisor.stop(daqsim().name);
      const t0 = Date.now();
      const none = await mcp.callTool({ name: 'swf_start_workflow', arguments: { stf_count: 3 } });
      expect(none.isError).toBe(true);
      expect(text(none)).toMatch(
        /no DAQ simulator answered in 8 s and no run started: is the daqsim program running\?/,
      );
      expect(Date.now() - t0).toBeGreaterThanOrEqual(7_900);
    },
  );
});

/**
 * The original Python runner never answers `reply_to`: what it starts and ends on the workflow
 * topic is the answer. A silent runner on the embedded broker plays it here.
 */
describe('workflow commands with a runner that never replies', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await startTestCore({ workflowReplyTimeoutSeconds: 8 });
  });
  afterAll(() => t?.close());

  it('takes the run_imminent it starts and the end_run it ends as the answer', async () => {
    const ns = t.core.config.namespace;
    const topic = t.core.config.workflowTopic;
    const send = (body: Record<string, unknown>) =>
      t.core.broker!.send(
        topic,
        JSON.stringify({ namespace: ns, sender: 'workflow-runner', ...body }),
      );
    const off = t.core.bus.on('workflow.message', ({ message: m }) => {
      if (m.message_type === 'run_workflow')
        void send({
          msg_type: 'run_imminent',
          execution_id: 'stf_datataking-py-0007',
          run_id: 100042,
        });
      if (m.message_type === 'stop_workflow')
        void send({ msg_type: 'end_run', execution_id: 'stf_datataking-py-0007', run_id: 100042 });
    });
    try {
      const mcp = await connect(t, 'http', 'legacy');
      try {
        const started = await mcp.callTool({ name: 'swf_start_workflow', arguments: {} });
        expect(started.structuredContent).toEqual({
          accepted: true,
          execution_id: 'stf_datataking-py-0007',
          run_number: 100042,
          reason: null,
        });
        const stopped = await mcp.callTool({ name: 'swf_stop_workflow', arguments: {} });
        expect(stopped.structuredContent).toMatchObject({
          accepted: true,
          execution_id: 'stf_datataking-py-0007',
          run_number: 100042,
        });
      } finally {
        await mcp.close();
      }
    } finally {
      off();
    }
  });
});

describe('workflow commands through /api/cc/workflow/ with nobody answering', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await startTestCore({ workflowReplyTimeoutSeconds: 10 });
  });
  afterAll(() => t?.close());

  it('keeps at most 16 commands waiting, refuses the next with 429, then times each out with 504', async () => {
    const start = () =>
      t.api('/api/cc/workflow/start/', { method: 'POST', json: { stf_count: 2 } });
    const waiting = Array.from({ length: 16 }, start);
    await waitFor(
      'sixteen run_workflow commands sent',
      () => t.core.store.workflowMessages.query({ messageType: 'run_workflow' }).total === 16,
      9_000,
    );
    const extra = await start();
    expect(extra.status).toBe(429);
    expect(((await extra.json()) as { detail: string }).detail).toMatch(
      /16 workflow commands are already waiting/,
    );
    for (const res of await Promise.all(waiting)) {
      expect(res.status).toBe(504);
      expect(((await res.json()) as { detail: string }).detail).toMatch(
        /^no DAQ simulator answered in 10 s and no run started/,
      );
    }
    const bad = await t.api('/api/cc/workflow/start/', {
      method: 'POST',
      json: { stf_count: 2, rm: '-rf' },
    });
    expect(bad.status).toBe(400);
  });
});

describe('a silent runner while an execution runs', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await startTestCore({ workflowReplyTimeoutSeconds: 0.5 });
  });
  afterAll(() => t?.close());

  it('names the running execution in the no-answer error', async () => {
    const created = await t.api('/api/workflow-executions/', {
      method: 'POST',
      json: { execution_id: 'stf_datataking-py-0009', status: 'running', namespace: 'test-ns' },
    });
    expect(created.status).toBe(201);
    const mcp = await connect(t, 'ws', 'modern');
    try {
      const r = await mcp.callTool({ name: 'swf_start_workflow', arguments: {} });
      expect(r.isError).toBe(true);
      expect(text(r)).toMatch(
        /no DAQ simulator answered in 0.5 s and no run started: .*; execution stf_datataking-py-0009 is still running$/,
      );
    } finally {
      await mcp.close();
    }
  });
});

import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../../../helpers/core.js';
import { callOk, heartbeat, postJson } from '../../../../../helpers/mcp-tools.js';
import { connect } from '../../../../../helpers/mcp-client.js';

interface Status {
  ready: boolean;
  reasons: string[];
  broker: { state: string };
  daq_simulator: { name: string } | null;
  stage_agents: string[];
  running_workflows: number;
  running_executions: { execution_id: string }[];
  agents: {
    alive: number;
    exited: number;
    by_type: Record<string, { alive: number; total: number }>;
  };
}

let t: TestCore;
let client: Client;
const status = () => callOk<Status>(client, 'swf_get_testbed_status');

beforeAll(async () => {
  t = await startTestCore();
  client = await connect(t, 'ws', 'modern');
});
afterAll(async () => {
  await client.close();
  await t.close();
});

describe('swf_get_testbed_status readiness (swf-monitor semantics)', () => {
  it('is ready only with the broker up, a live DAQ simulator, stage agents and no running execution', async () => {
    const empty = await status();
    expect(empty.broker.state).toBe('up');
    expect(empty.ready).toBe(false);
    expect(empty.reasons).toEqual([
      expect.stringMatching(/no live DAQ simulator/),
      expect.stringMatching(/no live stage agent/),
    ]);

    // Stage agents alone do not make a testbed that can run.
    await heartbeat(t, { instance_name: 'data-agent-alice-1', agent_type: 'DATA' });
    const noRunner = await status();
    expect(noRunner.ready).toBe(false);
    expect(noRunner.reasons).toEqual([expect.stringMatching(/no live DAQ simulator/)]);

    await heartbeat(t, {
      instance_name: 'daq_simulator-agent-alice-1',
      agent_type: 'DAQ_Simulator',
    });
    const ready = await status();
    expect(ready).toMatchObject({
      ready: true,
      reasons: [],
      daq_simulator: { name: 'daq_simulator-agent-alice-1' },
      stage_agents: ['data-agent-alice-1'],
      running_workflows: 0,
    });

    await postJson(t, '/api/workflow-executions/', {
      execution_id: 'stf_datataking-alice-0001',
      namespace: 'test-ns',
      status: 'running',
      start_time: new Date().toISOString(),
    });
    const busy = await status();
    expect(busy.ready).toBe(false);
    expect(busy.running_workflows).toBe(1);
    expect(busy.running_executions.map((e) => e.execution_id)).toEqual([
      'stf_datataking-alice-0001',
    ]);
    expect(busy.reasons).toEqual([expect.stringMatching(/stf_datataking-alice-0001/)]);

    await postJson(
      t,
      '/api/workflow-executions/stf_datataking-alice-0001/',
      { status: 'completed', end_time: new Date().toISOString() },
      'PATCH',
    );
    expect((await status()).ready).toBe(true);
  });

  it('does not count an exited agent as alive (a restarted agent is one agent, not two)', async () => {
    // The previous data agent said goodbye; its replacement took over.
    await heartbeat(t, {
      instance_name: 'data-agent-alice-1',
      agent_type: 'DATA',
      status: 'EXITED',
      operational_state: 'EXITED',
    });
    await heartbeat(t, { instance_name: 'data-agent-alice-2', agent_type: 'DATA' });
    const s = await status();
    expect(s.agents.by_type.DATA).toEqual({ alive: 1, total: 2 });
    expect(s.agents.exited).toBe(1);
    expect(s.stage_agents).toEqual(['data-agent-alice-2']);
    expect(s.ready).toBe(true);

    // The DAQ simulator exits: nothing can take a start_workflow any more.
    await heartbeat(t, {
      instance_name: 'daq_simulator-agent-alice-1',
      agent_type: 'DAQ_Simulator',
      status: 'EXITED',
      operational_state: 'EXITED',
    });
    const gone = await status();
    expect(gone.ready).toBe(false);
    expect(gone.daq_simulator).toBeNull();
    expect(gone.reasons).toEqual([expect.stringMatching(/no live DAQ simulator/)]);
  });

  it('names an alive agent in ERROR as what blocks the run', async () => {
    await heartbeat(t, {
      instance_name: 'daq_simulator-agent-alice-3',
      agent_type: 'DAQ_Simulator',
    });
    await heartbeat(t, {
      instance_name: 'data-agent-alice-2',
      agent_type: 'DATA',
      status: 'ERROR',
    });
    const s = await status();
    expect(s.ready).toBe(false);
    expect(s.reasons).toEqual(['agents reporting ERROR: data-agent-alice-2']);
  });
});

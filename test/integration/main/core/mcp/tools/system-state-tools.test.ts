import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../../../helpers/core.js';
import { callOk, heartbeat, postJson, publish } from '../../../../../helpers/mcp-tools.js';
import { waitFor } from '../../../../../helpers/wait-for.js';
import { connect } from '../../../../../helpers/mcp-client.js';

let t: TestCore;
let client: Client;

beforeAll(async () => {
  t = await startTestCore();
  await heartbeat(t, { instance_name: 'daq_simulator-agent-alice-1', agent_type: 'DAQ_Simulator' });
  await heartbeat(t, { instance_name: 'data-agent-alice-2', agent_type: 'DATA' });
  await heartbeat(t, {
    instance_name: 'data-agent-alice-1',
    agent_type: 'DATA',
    status: 'EXITED',
    operational_state: 'EXITED',
  });
  await postJson(t, '/api/workflow-executions/', {
    execution_id: 'stf_datataking-alice-0001',
    namespace: 'test-ns',
    status: 'completed',
    start_time: new Date(Date.now() - 120_000).toISOString(),
    end_time: new Date().toISOString(),
  });
  await postJson(t, '/api/logs/', {
    app_name: 'data_agent',
    instance_name: 'data-agent-alice-2',
    levelname: 'ERROR',
    message: 'disk full',
  });
  await publish(t, '/topic/epictopic', [
    {
      msg_type: 'run_imminent',
      run_id: 100010,
      namespace: 'test-ns',
      state: 'beam',
      substate: 'not_ready',
    },
  ]);
  await waitFor('the run state recorded', async () => (await t.api('/api/run-states/100010/')).ok);
  client = await connect(t, 'ws', 'modern');
});
afterAll(async () => {
  await client.close();
  await t.close();
});

describe('swf_get_system_state (swf-monitor name and shape)', () => {
  it('answers the overview with the keys swf-monitor gives, from this testbed', async () => {
    const s = await callOk<Record<string, unknown>>(client, 'swf_get_system_state', {
      username: 'alice',
    });
    expect(Object.keys(s).sort()).toEqual(
      [
        'timestamp',
        'user_context',
        'agent_manager',
        'workflow_runner',
        'ready_to_run',
        'not_ready_reasons',
        'last_execution',
        'errors_last_hour',
        'agents',
        'executions',
        'messages_last_10min',
        'run_states',
        'persistent_state',
        'recent_events',
      ].sort(),
    );
    expect(s).toMatchObject({
      user_context: { username: 'alice', namespace: 'test-ns' },
      workflow_runner: { status: 'healthy', name: 'daq_simulator-agent-alice-1' },
      ready_to_run: true,
      not_ready_reasons: [],
      last_execution: { execution_id: 'stf_datataking-alice-0001', status: 'completed' },
      errors_last_hour: 1,
      agents: { total: 3, active: 2, exited: 1, healthy: 2, unhealthy: 0 },
      executions: { running: 0, completed_last_hour: 1 },
      messages_last_10min: 1,
      run_states: [
        expect.objectContaining({ run_number: 100010, state: 'beam', substate: 'not_ready' }),
      ],
    });
    expect(Object.keys(s.persistent_state as object).sort()).toEqual([
      'next_agent_id',
      'next_run_number',
      'next_workflow_execution_id',
    ]);
  });
});

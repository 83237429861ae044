import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../../../helpers/core.js';
import { callOk, heartbeat, publish } from '../../../../../helpers/mcp-tools.js';
import { nodeProgram } from '../../../../../helpers/supervisor.js';
import { tempDir } from '../../../../../helpers/temp-dir.js';
import { waitFor } from '../../../../../helpers/wait-for.js';
import { connect } from '../../../../../helpers/mcp-client.js';

interface AgentAnswer {
  process: {
    name: string;
    state: string;
    pid: number | null;
    since: string | null;
    uptime_seconds: number | null;
  } | null;
}

let t: TestCore;
let client: Client;
const fleetDir = tempDir();
let testStarted: number;

beforeAll(async () => {
  testStarted = Date.now();
  const fleetFile = join(fleetDir.path, 'fleet.toml');
  writeFileSync(fleetFile, `[programs.worker]\n${nodeProgram('sleep.js')}\nstartsecs = 0.2\n`);
  t = await startTestCore({ fleetFile });
  client = await connect(t, 'ws', 'modern');
});
afterAll(async () => {
  await client.close();
  await t.close();
  fleetDir.remove();
});

describe('agent tools tell the truth', () => {
  it('swf_list_agents offers the agent types that exist, and its filter example names real ones', async () => {
    await heartbeat(t, {
      instance_name: 'daq_simulator-agent-alice-1',
      agent_type: 'DAQ_Simulator',
    });
    await heartbeat(t, {
      instance_name: 'stf_processing-agent-alice-2',
      agent_type: 'STF_Processing',
    });
    const list = await callOk<{ agent_types: string[]; items: { name: string }[] }>(
      client,
      'swf_list_agents',
      { agent_type: 'DAQ_Simulator' },
    );
    expect(list.agent_types).toEqual(['DAQ_Simulator', 'STF_Processing']);
    expect(list.items.map((a) => a.name)).toEqual(['daq_simulator-agent-alice-1']);
    // swf-monitor's execution_id filter: the agents that sent messages of that execution.
    await publish(t, '/topic/epictopic', [
      {
        msg_type: 'run_imminent',
        sender: 'daq_simulator-agent-alice-1',
        execution_id: 'stf_datataking-alice-0005',
        run_id: 100011,
        namespace: 'test-ns',
      },
    ]);
    const byExecution = await waitFor('the message recorded', async () => {
      const r = await callOk<{ items: { name: string }[] }>(client, 'swf_list_agents', {
        execution_id: 'stf_datataking-alice-0005',
      });
      return r.items.length > 0 ? r : undefined;
    });
    expect(byExecution.items.map((a) => a.name)).toEqual(['daq_simulator-agent-alice-1']);
    const { tools } = await client.listTools();
    const schema = JSON.stringify(tools.find((x) => x.name === 'swf_list_agents')?.inputSchema);
    expect(schema).toContain('DAQ_Simulator');
    expect(schema).not.toMatch(/e\.g\. daqsim/);
  });

  it('swf_get_agent finds the program behind an agent by pid and reports its real uptime', async () => {
    const proc = await waitFor('the worker running', () =>
      t.core.supervisor.list().find((p) => p.name === 'worker' && p.state === 'RUNNING' && p.pid),
    );
    // The program's process announces itself under its own name, as every agent does.
    await heartbeat(t, {
      instance_name: 'data-agent-alice-3',
      agent_type: 'DATA',
      pid: proc.pid,
    });
    const first = await callOk<AgentAnswer>(client, 'swf_get_agent', {
      name: 'data-agent-alice-3',
    });
    expect(first.process).toMatchObject({ name: 'worker', state: 'RUNNING', pid: proc.pid });
    expect(Date.parse(first.process!.since!)).toBeGreaterThanOrEqual(testStarted);
    // Uptime grows with the process instead of repeating the start-up grace period.
    const later = await waitFor('uptime past two seconds', async () => {
      const a = await callOk<AgentAnswer>(client, 'swf_get_agent', { name: 'data-agent-alice-3' });
      return (a.process?.uptime_seconds ?? 0) >= 2 ? a : undefined;
    });
    expect(later.process!.uptime_seconds!).toBeLessThanOrEqual(
      Math.ceil((Date.now() - testStarted) / 1000) + 1,
    );
    // The fleet resource the diagnosis prompt embeds says the same, not the start-up grace.
    const fleet = await client.readResource({ uri: 'swf://fleet' });
    const text = (fleet.contents[0] as { text: string }).text;
    const worker = (
      JSON.parse(text) as { processes: { name: string; uptime_seconds: number | null }[] }
    ).processes.find((p) => p.name === 'worker');
    expect(worker!.uptime_seconds).toBeGreaterThanOrEqual(2);
    expect(text).not.toContain('up for');
  });
});

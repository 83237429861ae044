import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessState } from '../../../../../src/shared/process-info.js';
import type {
  MessageSender,
  ProcessControl,
  McpProcessInfo,
  ProcessOutputLine,
} from '../../../../../src/main/core/mcp/ports.js';
import {
  runWorkflowSchema,
  stopWorkflowSchema,
} from '../../../../../src/shared/workflow-messages.js';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';
import { connect, type Era, type Wire } from '../../../../helpers/mcp-client.js';

/**
 * Small in-test implementations of our own seams (the supervisor and the broker connection are
 * other modules): a fleet of two programs with a state machine and captured output, and a sender
 * that keeps what it was asked to publish.
 */
function fleet(): ProcessControl & { calls: string[] } {
  const procs = new Map<string, McpProcessInfo>([
    ['daqsim-agent', { name: 'daqsim-agent', state: 'STOPPED', pid: null }],
    ['data-agent', { name: 'data-agent', state: 'RUNNING', pid: 4242 }],
  ]);
  const output: ProcessOutputLine[] = Array.from({ length: 30 }, (_, i) => ({
    at: new Date(1_700_000_000_000 + i * 1000).toISOString(),
    stream: i % 7 === 0 ? ('stderr' as const) : ('stdout' as const),
    line: i % 7 === 0 ? `Traceback line ${i}` : `processed stf ${i}`,
  }));
  const calls: string[] = [];
  let nextPid = 5000;
  const set = (name: string, state: ProcessState) => {
    const p = procs.get(name);
    if (!p) throw new Error(`unknown program ${name}`);
    p.state = state;
    p.pid = state === 'RUNNING' ? nextPid++ : null;
    p.since = new Date().toISOString();
    return { ...p };
  };
  return {
    calls,
    list: () => [...procs.values()].map((p) => ({ ...p })),
    start: (name) => (calls.push(`start ${name}`), Promise.resolve(set(name, 'RUNNING'))),
    stop: (name) => (calls.push(`stop ${name}`), Promise.resolve(set(name, 'STOPPED'))),
    restart: (name) => (calls.push(`restart ${name}`), Promise.resolve(set(name, 'RUNNING'))),
    tail: (_name, n) => output.slice(-n),
    search: (_name, q, limit) =>
      output.filter((l) => l.line.toLowerCase().includes(q.toLowerCase())).slice(-limit),
    history: (name) => [{ at: '2026-01-01T00:00:00.000Z', state: procs.get(name)!.state }],
  };
}

const sent: { destination: string; body: Record<string, unknown> }[] = [];
const sender: MessageSender = {
  send(destination, body) {
    sent.push({ destination, body });
    return Promise.resolve();
  },
  status: () => ({ state: 'up', detail: 'embedded broker on 127.0.0.1' }),
};

let t: TestCore;
const pc = fleet();
beforeAll(async () => {
  // No DAQ simulator listens behind this sender: workflow commands time out quickly.
  t = await startTestCore(
    { workflowReplyTimeoutSeconds: 0.3 },
    { mcp: { processControl: pc, messageSender: sender } },
  );
  await t.api('/api/systemagents/heartbeat/', {
    method: 'POST',
    json: { instance_name: 'data-agent', agent_type: 'data', namespace: 'test-ns' },
  });
  await t.api('/api/systemagents/heartbeat/', {
    method: 'POST',
    json: { instance_name: 'daqsim-agent', agent_type: 'DAQ_Simulator', namespace: 'test-ns' },
  });
});
afterAll(() => t.close());

describe.each([
  ['ws', 'modern'],
  ['http', 'legacy'],
] as [Wire, Era][])('process and workflow tools over %s (%s era)', (wire, era) => {
  it('are offered with honest annotations when a supervisor and a broker are attached', async () => {
    const client = await connect(t, wire, era);
    try {
      const { tools } = await client.listTools();
      const byName = new Map(tools.map((x) => [x.name, x]));
      expect(byName.get('swf_stop_agent')?.annotations).toMatchObject({
        readOnlyHint: false,
        destructiveHint: true,
      });
      expect(byName.get('swf_start_agent')?.annotations).toMatchObject({
        readOnlyHint: false,
        destructiveHint: false,
      });
      expect(byName.get('swf_tail_agent_output')?.annotations).toMatchObject({
        readOnlyHint: true,
      });
      for (const n of [
        'swf_restart_agent',
        'swf_start_all_agents',
        'swf_stop_all_agents',
        'swf_search_agent_output',
        'swf_start_workflow',
        'swf_stop_workflow',
        'swf_send_message',
        'swf_list_processes',
      ])
        expect(byName.has(n)).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('starts, stops and restarts only programs the fleet names', async () => {
    const client = await connect(t, wire, era);
    try {
      const started = await client.callTool({
        name: 'swf_start_agent',
        arguments: { name: 'daqsim-agent' },
      });
      expect((started.structuredContent as { process: McpProcessInfo }).process.state).toBe(
        'RUNNING',
      );
      const refused = await client.callTool({
        name: 'swf_start_agent',
        arguments: { name: 'rm -rf /' },
      });
      expect(refused.isError).toBe(true);
      expect((refused.content as { text: string }[])[0]!.text).toMatch(
        /not a program of the fleet file.*daqsim-agent, data-agent/,
      );
      expect(pc.calls).not.toContain('start rm -rf /');
      const all = await client.callTool({ name: 'swf_stop_all_agents', arguments: {} });
      expect(
        (all.structuredContent as { items: McpProcessInfo[] }).items.map((p) => p.state),
      ).toEqual(['STOPPED', 'STOPPED']);
      await client.callTool({ name: 'swf_restart_agent', arguments: { name: 'data-agent' } });
      expect(pc.calls.slice(-3)).toEqual([
        'stop daqsim-agent',
        'stop data-agent',
        'restart data-agent',
      ]);
      const agent = await client.callTool({
        name: 'swf_get_agent',
        arguments: { name: 'data-agent' },
      });
      expect(
        (agent.structuredContent as { process: { state: string; history: unknown[] } }).process,
      ).toMatchObject({
        state: 'RUNNING',
        history: [{ state: 'RUNNING' }],
      });
    } finally {
      await client.close();
    }
  });

  it('tails and searches captured output', async () => {
    const client = await connect(t, wire, era);
    try {
      const tail = await client.callTool({
        name: 'swf_tail_agent_output',
        arguments: { name: 'data-agent', lines: 3 },
      });
      expect(
        (tail.structuredContent as { lines: ProcessOutputLine[] }).lines.map((l) => l.line),
      ).toEqual(['processed stf 27', 'Traceback line 28', 'processed stf 29']);
      const found = await client.callTool({
        name: 'swf_search_agent_output',
        arguments: { name: 'data-agent', query: 'traceback' },
      });
      expect((found.structuredContent as { lines: unknown[] }).lines).toHaveLength(5);
    } finally {
      await client.close();
    }
  });

  it('sends run_workflow / stop_workflow with a reply topic, says when nobody answers, and sends messages to the topic', async () => {
    const client = await connect(t, wire, era);
    sent.length = 0;
    try {
      // Nobody answers here: each command is an error that says what is missing.
      const started = await client.callTool({
        name: 'swf_start_workflow',
        arguments: { stf_count: 5, config: 'fast_processing_default' },
      });
      expect(started.isError).toBe(true);
      expect((started.content as { text: string }[])[0]!.text).toMatch(
        /no DAQ simulator answered in 0.3 s and no run started: is the daqsim program running\?/,
      );
      const stopped = await client.callTool({
        name: 'swf_stop_workflow',
        arguments: { execution_id: 'stf_datataking-x-0001' },
      });
      expect(stopped.isError).toBe(true);
      expect((stopped.content as { text: string }[])[0]!.text).toMatch(/no run ended/);
      await client.callTool({ name: 'swf_send_message', arguments: { message: 'beam is back' } });
      // A known type goes out only in the shape its one schema accepts.
      const bad = await client.callTool({
        name: 'swf_send_message',
        arguments: { message: 'go', message_type: 'start_run' },
      });
      expect(bad.isError).toBe(true);
      expect(JSON.stringify(bad.content)).toContain('run_id');
      expect(sent.map((s) => [s.destination, s.body.msg_type])).toEqual([
        ['/queue/workflow_control', 'run_workflow'],
        ['/queue/workflow_control', 'stop_workflow'],
        ['/topic/epictopic', 'announcement'],
      ]);
      expect(sent[0]!.body).toMatchObject({
        namespace: 'test-ns',
        workflow_name: 'stf_datataking',
        config: 'fast_processing_default',
        realtime: true,
        source: 'mcp',
      });
      // The namespace travels in the envelope only; params carry workflow parameters.
      expect(sent[0]!.body.params).toEqual({ stf_count: 5 });
      expect(runWorkflowSchema.safeParse(sent[0]!.body).success).toBe(true);
      expect(stopWorkflowSchema.safeParse(sent[1]!.body).success).toBe(true);
      expect(sent[1]!.body).toMatchObject({ execution_id: 'stf_datataking-x-0001', source: 'mcp' });
      // Each command names its own answer topic.
      expect(sent[0]!.body.reply_to).toMatch(
        /^\/topic\/swf_control_center\.replies\.[0-9a-f-]{36}$/,
      );
      expect(sent[1]!.body.reply_to).toMatch(/^\/topic\/swf_control_center\.replies\./);
      expect(sent[0]!.body.reply_to).not.toBe(sent[1]!.body.reply_to);
      const status = await client.callTool({ name: 'swf_get_testbed_status', arguments: {} });
      expect(
        status.structuredContent as { ready: boolean; broker: { state: string } },
      ).toMatchObject({
        ready: true,
        broker: { state: 'up' },
      });
    } finally {
      await client.close();
    }
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { McpProcessInfo, ProcessOutputLine } from '../../../../../src/main/core/mcp/ports.js';
import {
  runWorkflowSchema,
  stopWorkflowSchema,
} from '../../../../../src/shared/workflow-messages.js';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';
import { connect, type Era, type Wire } from '../../../../helpers/mcp-client.js';
import { nodeProgram, q } from '../../../../helpers/supervisor.js';
import { tempDir } from '../../../../helpers/temp-dir.js';
import { waitFor } from '../../../../helpers/wait-for.js';

/**
 * The MCP process and workflow tools steering the composed core: a fleet file of two node
 * programs under the real supervisor, and what the workflow tools publish seen on the embedded
 * broker. No DAQ simulator runs, so workflow commands get no answer.
 */

// 30 numbered lines on one stream (so their order is the order written), every 7th a traceback;
// then it stays up until stopped. No `${...}` in it: the fleet file expands those.
const OUTPUT_SCRIPT = [
  'for (let i = 0; i < 30; i++)',
  "  process.stdout.write((i % 7 === 0 ? 'Traceback line ' : 'processed stf ') + i + '\\n');",
  "process.on('SIGTERM', () => process.exit(0));",
  'setInterval(() => {}, 1 << 30);',
].join('\n');

const fleetDir = tempDir();
let t: TestCore;
interface Published {
  destination: string;
  body: Record<string, unknown>;
}
const published: Published[] = [];

const processOf = (r: { structuredContent?: unknown }) =>
  (r.structuredContent as { process: McpProcessInfo }).process;
const stateOf = (name: string) => t.core.supervisor.get(name)?.state;

beforeAll(async () => {
  const fleetFile = join(fleetDir.path, 'fleet.toml');
  writeFileSync(
    fleetFile,
    [
      `[programs.daqsim-agent]\n${nodeProgram('sleep.js')}\nautostart = false\nstartsecs = 0.2\nstopwaitsecs = 5\n`,
      `[programs.data-agent]\ncommand = ${q(process.execPath)}\nargs = ["-e", ${q(OUTPUT_SCRIPT)}]\n` +
        'autostart = true\nstartsecs = 0.2\nstopwaitsecs = 5\n',
    ].join('\n'),
  );
  t = await startTestCore({ fleetFile, workflowReplyTimeoutSeconds: 0.3 });
  t.core.broker!.observe((m) => {
    const destination = m.destination;
    if (destination === '/queue/workflow_control' || destination === '/topic/epictopic')
      published.push({
        destination,
        body: JSON.parse(m.body.toString()) as Record<string, unknown>,
      });
  });
  await waitFor('data-agent RUNNING', () => stateOf('data-agent') === 'RUNNING', 15_000);
  await t.api('/api/systemagents/heartbeat/', {
    method: 'POST',
    json: { instance_name: 'data-agent', agent_type: 'data', namespace: 'test-ns' },
  });
  await t.api('/api/systemagents/heartbeat/', {
    method: 'POST',
    json: { instance_name: 'daqsim-agent', agent_type: 'DAQ_Simulator', namespace: 'test-ns' },
  });
}, 30_000);
afterAll(async () => {
  await t?.close();
  fleetDir.remove();
}, 30_000);

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

  it('tails and searches captured output', async () => {
    const client = await connect(t, wire, era);
    try {
      // The other cases may have restarted it: every run's output is kept, the newest last.
      const runs = t.core.store.processes
        .transitions({ program: 'data-agent', limit: 1000 })
        .filter((x) => x.to_state === 'RUNNING').length;
      await waitFor(
        'the last line of every data-agent run captured',
        () =>
          t.core.supervisor.tail('data-agent', 2000).filter((l) => l.line === 'processed stf 29')
            .length === runs,
        15_000,
      );
      const tail = await client.callTool({
        name: 'swf_tail_agent_output',
        arguments: { name: 'data-agent', lines: 3 },
      });
      expect(tail.structuredContent).toMatchObject({ name: 'data-agent' });
      const lines = (tail.structuredContent as { lines: ProcessOutputLine[] }).lines;
      expect(lines.map((l) => l.line)).toEqual([
        'processed stf 27',
        'Traceback line 28',
        'processed stf 29',
      ]);
      expect(lines.every((l) => l.stream === 'stdout' && !Number.isNaN(Date.parse(l.at)))).toBe(
        true,
      );
      const found = await client.callTool({
        name: 'swf_search_agent_output',
        arguments: { name: 'data-agent', query: 'traceback' },
      });
      const oneRun = [0, 7, 14, 21, 28].map((i) => `Traceback line ${i}`);
      expect(
        (found.structuredContent as { lines: ProcessOutputLine[] }).lines.map((l) => l.line),
      ).toEqual(Array.from({ length: runs }, () => oneRun).flat());
      const newest = await client.callTool({
        name: 'swf_search_agent_output',
        arguments: { name: 'data-agent', query: 'TRACEBACK', limit: 2 },
      });
      expect(
        (newest.structuredContent as { lines: ProcessOutputLine[] }).lines.map((l) => l.line),
      ).toEqual(['Traceback line 21', 'Traceback line 28']);
      const unknown = await client.callTool({
        name: 'swf_tail_agent_output',
        arguments: { name: 'nobody' },
      });
      expect(unknown.isError).toBe(true);
      expect((unknown.content as { text: string }[])[0]!.text).toMatch(
        /not a program of the fleet file/,
      );
    } finally {
      await client.close();
    }
  });

  it('starts, stops and restarts only programs the fleet names', async () => {
    const client = await connect(t, wire, era);
    try {
      await t.core.supervisor.start('data-agent');
      const mark = t.core.store.mcpAudit.query({ limit: 1 }).items[0]?.id ?? 0;
      expect(stateOf('daqsim-agent')).not.toBe('RUNNING');
      const started = await client.callTool({
        name: 'swf_start_agent',
        arguments: { name: 'daqsim-agent' },
      });
      expect(processOf(started)).toMatchObject({ name: 'daqsim-agent', state: 'RUNNING' });
      expect(processOf(started).pid).toBe(t.core.supervisor.get('daqsim-agent')!.pid);
      const refused = await client.callTool({
        name: 'swf_start_agent',
        arguments: { name: 'rm -rf /' },
      });
      expect(refused.isError).toBe(true);
      expect((refused.content as { text: string }[])[0]!.text).toMatch(
        /not a program of the fleet file.*daqsim-agent, data-agent/,
      );
      expect(t.core.supervisor.list().map((p) => p.name)).toEqual(['daqsim-agent', 'data-agent']);

      const all = await client.callTool({ name: 'swf_stop_all_agents', arguments: {} });
      expect(all.structuredContent).toMatchObject({ failed: [] });
      expect(
        (all.structuredContent as { items: McpProcessInfo[] }).items.map((p) => [p.name, p.state]),
      ).toEqual([
        ['daqsim-agent', 'STOPPED'],
        ['data-agent', 'STOPPED'],
      ]);
      expect(t.core.supervisor.list().map((p) => p.state)).toEqual(['STOPPED', 'STOPPED']);

      const restarted = await client.callTool({
        name: 'swf_restart_agent',
        arguments: { name: 'data-agent' },
      });
      expect(processOf(restarted)).toMatchObject({ name: 'data-agent', state: 'RUNNING' });
      expect(processOf(restarted).pid).toBe(t.core.supervisor.get('data-agent')!.pid);
      expect(stateOf('daqsim-agent')).toBe('STOPPED');

      // Every steering call is audited, the refused one with its arguments and reason.
      const audit = t.core.store.mcpAudit
        .query({ limit: 20 })
        .items.filter((r) => r.id > mark)
        .reverse();
      expect(audit.map((r) => `${r.tool}:${r.outcome}`)).toEqual([
        'swf_start_agent:ok',
        'swf_start_agent:error',
        'swf_stop_all_agents:ok',
        'swf_restart_agent:ok',
      ]);
      expect(audit.every((r) => r.transport === wire)).toBe(true);
      expect(audit[1]).toMatchObject({ arguments: { name: 'rm -rf /' } });
      expect(audit[1]!.error).toMatch(/not a program of the fleet file/);
      expect(audit[3]).toMatchObject({ arguments: { name: 'data-agent' }, error: null });

      const agent = await client.callTool({
        name: 'swf_get_agent',
        arguments: { name: 'data-agent' },
      });
      const proc = (
        agent.structuredContent as {
          process: { name: string; state: string; history: { state: string }[] };
        }
      ).process;
      expect(proc).toMatchObject({ name: 'data-agent', state: 'RUNNING' });
      // Newest first: the restart's start after the stop of all.
      expect(proc.history.slice(0, 3).map((h) => h.state)).toEqual([
        'RUNNING',
        'STARTING',
        'STOPPED',
      ]);
    } finally {
      await client.close();
    }
  });

  it('sends run_workflow / stop_workflow with a reply topic, says when nobody answers, and sends messages to the topic', async () => {
    const client = await connect(t, wire, era);
    published.length = 0;
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
      const said = await client.callTool({
        name: 'swf_send_message',
        arguments: { message: 'beam is back' },
      });
      expect(said.isError).toBeFalsy();
      // A known type goes out only in the shape its one schema accepts.
      const bad = await client.callTool({
        name: 'swf_send_message',
        arguments: { message: 'go', message_type: 'start_run' },
      });
      expect(bad.isError).toBe(true);
      expect(JSON.stringify(bad.content)).toContain('run_id');
      // The embedded broker routes synchronously: what the tools sent is seen by now.
      expect(published.map((s) => [s.destination, s.body.msg_type])).toEqual([
        ['/queue/workflow_control', 'run_workflow'],
        ['/queue/workflow_control', 'stop_workflow'],
        ['/topic/epictopic', 'announcement'],
      ]);
      const [run, stop, note] = published.map((s) => s.body);
      expect(run).toMatchObject({
        namespace: 'test-ns',
        workflow_name: 'stf_datataking',
        config: 'fast_processing_default',
        realtime: true,
        source: 'mcp',
      });
      // The namespace travels in the envelope only; params carry workflow parameters.
      expect(run!.params).toEqual({ stf_count: 5 });
      expect(runWorkflowSchema.safeParse(run).success).toBe(true);
      expect(stopWorkflowSchema.safeParse(stop).success).toBe(true);
      expect(stop).toMatchObject({ execution_id: 'stf_datataking-x-0001', source: 'mcp' });
      expect(JSON.stringify(note)).toContain('beam is back');
      // Each command names its own answer topic.
      expect(run!.reply_to).toMatch(/^\/topic\/swf_control_center\.replies\.[0-9a-f-]{36}$/);
      expect(stop!.reply_to).toMatch(/^\/topic\/swf_control_center\.replies\./);
      expect(run!.reply_to).not.toBe(stop!.reply_to);
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

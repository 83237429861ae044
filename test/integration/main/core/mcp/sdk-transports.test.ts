import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';
import { waitFor } from '../../../../helpers/wait-for.js';
import { connect, type Era, type Wire } from '../../../../helpers/mcp-client.js';

let t: TestCore;

beforeAll(async () => {
  t = await startTestCore();
  for (const [name, type] of [
    ['daqsim-1', 'DAQ_Simulator'],
    ['data-1', 'data'],
    ['proc-1', 'processing'],
  ] as const) {
    const res = await t.api('/api/systemagents/heartbeat/', {
      method: 'POST',
      json: { instance_name: name, agent_type: type, namespace: 'test-ns', status: 'OK' },
    });
    expect(res.status).toBe(201);
  }
  // One exited agent, hidden by default.
  await t.api('/api/systemagents/heartbeat/', {
    method: 'POST',
    json: {
      instance_name: 'old-1',
      agent_type: 'data',
      status: 'EXITED',
      operational_state: 'EXITED',
    },
  });
  await t.api('/api/runs/', {
    method: 'POST',
    json: {
      run_number: 100123,
      start_time: new Date().toISOString(),
      run_conditions: { beam: 'on' },
    },
  });
  await t.api('/api/logs/', {
    method: 'POST',
    json: {
      app_name: 'data_agent',
      instance_name: 'data-1',
      levelname: 'ERROR',
      message: 'disk full',
      extra_data: { execution_id: 'exec-7' },
    },
  });
});
afterAll(() => t.close());

const cases: [Wire, Era][] = [
  ['ws', 'legacy'],
  ['ws', 'modern'],
  ['http', 'legacy'],
  ['http', 'modern'],
];

describe.each(cases)('MCP over %s, %s protocol era', (wire, era) => {
  it('negotiates the offered protocol version and lists the monitor tools with annotations and output schemas', async () => {
    const client = await connect(t, wire, era);
    try {
      expect(client.getNegotiatedProtocolVersion()).toBe(
        era === 'modern' ? '2026-07-28' : '2025-11-25',
      );
      const { tools } = await client.listTools();
      const names = tools.map((x) => x.name);
      for (const n of [
        'swf_list_agents',
        'swf_get_agent',
        'swf_get_agent_liveness',
        'swf_record_heartbeat',
        'swf_get_testbed_status',
        'swf_list_logs',
        'swf_list_messages',
        'swf_list_runs',
        'swf_get_run',
        'swf_list_stf_files',
      ])
        expect(names).toContain(n);
      // The core's supervisor and embedded broker are attached: their tools are offered.
      expect(names).toContain('swf_start_agent');
      expect(names).toContain('swf_start_workflow');
      for (const tool of tools) {
        // swf-monitor's own name for it, kept so that its clients' permission lists work.
        if (tool.name !== 'get_server_instructions') expect(tool.name).toMatch(/^swf_/);
        expect(tool.description?.length).toBeGreaterThan(40);
        expect(typeof tool.annotations?.readOnlyHint).toBe('boolean');
        expect(typeof tool.annotations?.destructiveHint).toBe('boolean');
        expect(tool.outputSchema?.type).toBe('object');
      }
    } finally {
      await client.close();
    }
  });

  it('pages agents as the monitor does and hides EXITED unless asked', async () => {
    const client = await connect(t, wire, era);
    try {
      const first = await client.callTool({ name: 'swf_list_agents', arguments: { limit: 2 } });
      expect(first.isError).toBeFalsy();
      const page = first.structuredContent as {
        items: { name: string }[];
        total_count: number;
        has_more: boolean;
      };
      expect(page.total_count).toBe(3);
      expect(page.has_more).toBe(true);
      expect(page.items.map((i) => i.name)).toEqual(['daqsim-1', 'data-1']);
      // The text copy is the same data.
      const text = (first.content as { type: string; text: string }[])[0]!.text;
      expect(JSON.parse(text)).toEqual(first.structuredContent);

      const all = await client.callTool({ name: 'swf_list_agents', arguments: { status: 'all' } });
      expect((all.structuredContent as { total_count: number }).total_count).toBe(4);
      const typed = await client.callTool({
        name: 'swf_list_agents',
        arguments: { agent_type: 'data', start_time: '2000-01-01T00:00:00' },
      });
      expect(
        (typed.structuredContent as { items: { name: string }[] }).items.map((i) => i.name),
      ).toEqual(['data-1']);
    } finally {
      await client.close();
    }
  });

  it('answers one agent, liveness, testbed status, logs, runs and one run', async () => {
    const client = await connect(t, wire, era);
    try {
      const agent = await client.callTool({ name: 'swf_get_agent', arguments: { name: 'data-1' } });
      const a = agent.structuredContent as {
        liveness: string;
        recent_heartbeats: unknown[];
        agent: { agent_type: string };
      };
      expect(a.liveness).toBe('alive');
      expect(a.agent.agent_type).toBe('data');
      expect(a.recent_heartbeats.length).toBeGreaterThanOrEqual(1);

      const live = await client.callTool({ name: 'swf_get_agent_liveness', arguments: {} });
      expect(
        (live.structuredContent as { agents: Record<string, string> }).agents['daqsim-1'],
      ).toBe('alive');

      const status = await client.callTool({ name: 'swf_get_testbed_status', arguments: {} });
      const s = status.structuredContent as {
        ready: boolean;
        reasons: string[];
        errors_last_hour: number;
        agents: { alive: number };
      };
      // The exited agent's recent heartbeat does not make it alive.
      expect(s.agents.alive).toBe(3);
      expect(s.errors_last_hour).toBe(1);
      // Broker up, a DAQ simulator and stage agents alive, none in ERROR, nothing running: ready.
      expect(s.reasons).toEqual([]);
      expect(s.ready).toBe(true);

      const logs = await client.callTool({
        name: 'swf_list_logs',
        arguments: { level: 'ERROR', execution_id: 'exec-7' },
      });
      expect((logs.structuredContent as { items: { message: string }[] }).items[0]!.message).toBe(
        'disk full',
      );

      const runs = await client.callTool({ name: 'swf_list_runs', arguments: {} });
      expect((runs.structuredContent as { total_count: number }).total_count).toBe(1);
      const run = await client.callTool({ name: 'swf_get_run', arguments: { run_number: 100123 } });
      expect(
        (run.structuredContent as { run: { run_conditions: unknown } }).run.run_conditions,
      ).toEqual({ beam: 'on' });
    } finally {
      await client.close();
    }
  });

  it('turns invalid arguments and unknown names into tool errors that say what to fix', async () => {
    const client = await connect(t, wire, era);
    try {
      const bad = await client.callTool({ name: 'swf_list_agents', arguments: { limit: 5000 } });
      expect(bad.isError).toBe(true);
      expect((bad.content as { text: string }[])[0]!.text).toMatch(/limit/);
      const badTime = await client.callTool({
        name: 'swf_list_logs',
        arguments: { start_time: 'yesterday' },
      });
      expect((badTime.content as { text: string }[])[0]!.text).toMatch(/ISO 8601/);
      const unknown = await client.callTool({ name: 'swf_get_agent', arguments: { name: 'nope' } });
      expect(unknown.isError).toBe(true);
      expect((unknown.content as { text: string }[])[0]!.text).toMatch(/swf_list_agents/);
    } finally {
      await client.close();
    }
  });

  it('records every tool call in the audit table and on the bus', async () => {
    const events: string[] = [];
    const off = t.core.bus.on('mcp.activity', (record) =>
      events.push(`${record.tool}:${record.outcome}`),
    );
    const mark = t.core.store.mcpAudit.query({ limit: 1 }).items[0]?.id ?? 0;
    const client = await connect(t, wire, era, `audit-${wire}-${era}`);
    try {
      await client.callTool({ name: 'swf_get_agent_liveness', arguments: {} });
      await client.callTool({ name: 'swf_list_runs', arguments: { limit: -1 } });
      const rows = t.core.store.mcpAudit.query({ limit: 10 }).items.filter((r) => r.id > mark);
      expect(rows.map((r) => `${r.tool}:${r.outcome}`).sort()).toEqual([
        'swf_get_agent_liveness:ok',
        'swf_list_runs:invalid_arguments',
      ]);
      const ok = rows.find((r) => r.tool === 'swf_get_agent_liveness')!;
      expect(ok.transport).toBe(wire);
      // (Stateless 2025 HTTP: named from the initialize seen on the same keep-alive connection.)
      expect(ok.clientName).toBe(`audit-${wire}-${era}`);
      expect(ok.clientVersion).toBe('9.9.9');
      expect(ok.durationMs).toBeGreaterThanOrEqual(0);
      const rejected = rows.find((r) => r.tool === 'swf_list_runs')!;
      expect(rejected.arguments).toEqual({ limit: -1 });
      expect(rejected.clientName).toBe(`audit-${wire}-${era}`);
      expect(rejected.error).toMatch(/>=\s*1|too small|greater/i);
      expect(events).toEqual(['swf_get_agent_liveness:ok', 'swf_list_runs:invalid_arguments']);
    } finally {
      off();
      await client.close();
    }
  });

  it('serves the fleet, agent and run resources and both prompts', async () => {
    const client = await connect(t, wire, era);
    try {
      const { resources } = await client.listResources();
      const uris = resources.map((r) => r.uri);
      expect(uris).toContain('swf://fleet');
      expect(uris).toContain('swf://agents/data-1');
      expect(uris).toContain('swf://runs/100123');
      const { resourceTemplates } = await client.listResourceTemplates();
      expect(resourceTemplates.map((r) => r.uriTemplate).sort()).toEqual([
        'swf://agents/{name}',
        'swf://runs/{run_number}',
      ]);
      const fleet = await client.readResource({ uri: 'swf://fleet' });
      const body = JSON.parse((fleet.contents[0] as { text: string }).text) as {
        agents: { name: string }[];
      };
      expect(body.agents.map((a) => a.name)).toContain('proc-1');
      const run = await client.readResource({ uri: 'swf://runs/100123' });
      expect(JSON.parse((run.contents[0] as { text: string }).text).run.run_number).toBe(100123);

      const { prompts } = await client.listPrompts();
      expect(prompts.map((p) => p.name).sort()).toEqual([
        'swf_diagnose_fleet',
        'swf_summarise_run',
      ]);
      const diag = await client.getPrompt({ name: 'swf_diagnose_fleet', arguments: {} });
      expect(JSON.stringify(diag.messages)).toContain('swf_get_testbed_status');
      const sum = await client.getPrompt({
        name: 'swf_summarise_run',
        arguments: { run_number: '100123' },
      });
      expect(JSON.stringify(sum.messages)).toContain('swf://runs/100123');
    } finally {
      await client.close();
    }
  });
});

describe('resource change notifications', () => {
  it.each(['ws', 'http'] as const)(
    'pushes resources/updated to a 2025 subscriber over %s, debounced',
    async (wire) => {
      const client = await connect(t, wire, 'legacy');
      const updates: string[] = [];
      client.setNotificationHandler('notifications/resources/updated', (n) => {
        updates.push(n.params.uri);
      });
      try {
        await client.subscribeResource({ uri: 'swf://agents/daqsim-1' });
        // Five heartbeats in a burst make one notification, and only for the subscribed URI.
        for (let i = 0; i < 5; i++)
          t.core.heartbeats.record({ instance_name: 'daqsim-1', agent_type: 'daqsim' }, 'rest');
        t.core.heartbeats.record({ instance_name: 'proc-1', agent_type: 'processing' }, 'rest');
        await waitFor('a list-changed notification', () => updates.length > 0, 10_000);
        // Another change after the window fires again: proof the first one was not just slow.
        t.core.heartbeats.record({ instance_name: 'daqsim-1', agent_type: 'daqsim' }, 'rest');
        await waitFor('a second list-changed notification', () => updates.length >= 2, 10_000);
        expect(updates).toEqual(['swf://agents/daqsim-1', 'swf://agents/daqsim-1']);
      } finally {
        await client.close();
      }
    },
  );

  it('announces a run when the core touches its URI (the hook for run events)', async () => {
    const client = await connect(t, 'ws', 'legacy');
    const updates: string[] = [];
    client.setNotificationHandler('notifications/resources/updated', (n) => {
      updates.push(n.params.uri);
    });
    try {
      await client.subscribeResource({ uri: 'swf://runs/100123' });
      t.core.mcp.changes.touch('swf://runs/100123');
      await waitFor('a list-changed notification', () => updates.length > 0, 10_000);
      expect(updates).toEqual(['swf://runs/100123']);
    } finally {
      await client.close();
    }
  });

  it.each(['ws', 'http'] as const)(
    'delivers updates on a 2026-07-28 subscriptions/listen stream over %s',
    async (wire) => {
      const client = await connect(t, wire, 'modern');
      const updates: string[] = [];
      client.setNotificationHandler('notifications/resources/updated', (n) => {
        updates.push(n.params.uri);
      });
      try {
        const sub = await client.listen({ resourceSubscriptions: ['swf://fleet'] });
        t.core.heartbeats.record({ instance_name: 'data-1', agent_type: 'data' }, 'rest');
        await waitFor('a list-changed notification', () => updates.length > 0, 10_000);
        expect(updates[0]).toBe('swf://fleet');
        await sub.close();
      } finally {
        await client.close();
      }
    },
  );
});

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import { ROOT } from '../../../../helpers/cli-process.js';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';
import { waitFor } from '../../../../helpers/wait-for.js';
import { connect } from '../../../../helpers/mcp-client.js';

interface ProcessItem {
  name: string;
  state: string;
  pid: number | null;
  since: string | null;
}

/**
 * The built-in agents name themselves `<type>-agent-<user>-<N>` while their programs are named
 * after the fleet file's entries: the MCP tools must still find the program behind each agent (by
 * the pid its heartbeats report) and say since when each process is in its state.
 */
describe('MCP: the default fleet, agents joined to their programs', { timeout: 120_000 }, () => {
  let t: TestCore;
  let mcp: Client;
  beforeAll(async () => {
    t = await startTestCore({ fleetFile: join(ROOT, 'agents/fleet.default.toml') });
    mcp = await connect(t, 'ws', 'legacy', 'agent-program-test');
  }, 120_000);
  afterAll(async () => {
    await mcp?.close();
    await t?.close();
  }, 60_000);

  const call = async <T>(name: string, args: Record<string, unknown> = {}) => {
    const res = await mcp.callTool({ name, arguments: args });
    expect(res.isError, JSON.stringify(res.content)).toBeFalsy();
    return res.structuredContent as T;
  };

  it('swf_list_processes says since when each running process is in its state', async () => {
    const items = await waitFor('four running programs', async () => {
      const { items } = await call<{ items: ProcessItem[] }>('swf_list_processes');
      return items.length === 4 && items.every((p) => p.state === 'RUNNING') ? items : undefined;
    });
    for (const p of items) {
      expect(p.since, p.name).toEqual(expect.any(String));
      expect(Date.parse(p.since!), p.name).toBeLessThanOrEqual(Date.now());
    }
  });

  it('swf_get_agent returns the program behind each built-in agent', async () => {
    const agents = await waitFor('four agents reporting their pid', () => {
      const withPid = t.core.store.agents.all().filter((a) => a.pid !== null);
      return withPid.length >= 4 ? withPid : undefined;
    });
    const programs = new Map(t.core.supervisor.list().map((p) => [p.pid, p.name]));
    for (const agent of agents) {
      expect(programs.has(agent.pid), agent.instance_name).toBe(true);
      const got = await call<{ process: ProcessItem | null }>('swf_get_agent', {
        name: agent.instance_name,
        heartbeats: 1,
      });
      expect(got.process, agent.instance_name).not.toBeNull();
      expect(got.process?.name).toBe(programs.get(agent.pid));
      expect(got.process?.pid).toBe(agent.pid);
      expect(got.process?.name).not.toBe(agent.instance_name);
    }
  });
});

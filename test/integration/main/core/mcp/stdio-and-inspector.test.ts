import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';
import { tempDir } from '../../../../helpers/temp-dir.js';
import { newClient, type Era } from '../../../../helpers/mcp-client.js';

const run = promisify(execFile);
// Each case spawns Node processes that compile TypeScript or load the Inspector: on a loaded
// two-core machine that alone can take tens of seconds, so these cases get a larger budget.
const SPAWN_TIMEOUT = 120_000;
const root = join(import.meta.dirname, '../../../../..');
const CLI = ['--import', 'tsx', join(root, 'src/main/cli.ts')];
const INSPECTOR = join(
  root,
  'node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js',
);

let t: TestCore;
beforeAll(async () => {
  t = await startTestCore();
  await t.api('/api/systemagents/heartbeat/', {
    method: 'POST',
    json: { instance_name: 'fastmon-1', agent_type: 'fastmon' },
  });
});
afterAll(() => t.close());

describe(
  'stdio bridge: `swf-control-center mcp` spawned by the SDK stdio client',
  { timeout: SPAWN_TIMEOUT },
  () => {
    it.each(['legacy', 'modern'] as Era[])(
      'serves the %s protocol era through the running core',
      async (era) => {
        const client = newClient(era, `stdio-${era}`);
        const transport = new StdioClientTransport({
          command: process.execPath,
          args: [...CLI, 'mcp', '--data-dir', t.dataDir],
          cwd: root,
          stderr: 'pipe',
        });
        await client.connect(transport);
        try {
          expect(client.getNegotiatedProtocolVersion()).toBe(
            era === 'modern' ? '2026-07-28' : '2025-11-25',
          );
          const r = await client.callTool({
            name: 'swf_get_agent',
            arguments: { name: 'fastmon-1' },
          });
          expect((r.structuredContent as { agent: { agent_type: string } }).agent.agent_type).toBe(
            'fastmon',
          );
          const audit = t.core.store.mcpAudit.query({ tool: 'swf_get_agent', limit: 1 }).items[0]!;
          expect(audit).toMatchObject({
            transport: 'stdio',
            clientName: `stdio-${era}`,
            outcome: 'ok',
          });
        } finally {
          await client.close();
        }
      },
    );

    it('exits 1 with a clear message when no core runs in the data folder', async () => {
      const empty = tempDir();
      try {
        const child = spawn(process.execPath, [...CLI, 'mcp', '--data-dir', empty.path], {
          cwd: root,
        });
        let stderr = '';
        child.stderr.on('data', (c) => (stderr += String(c)));
        const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
        expect(code).toBe(1);
        expect(stderr).toMatch(/no running SWF Control Center found/);
      } finally {
        empty.remove();
      }
    });
  },
);

describe('MCP Inspector CLI against the running core', { timeout: SPAWN_TIMEOUT }, () => {
  const inspector = (args: string[]) =>
    run(
      process.execPath,
      [
        INSPECTOR,
        '--cli',
        `http://127.0.0.1:${t.core.port}/mcp`,
        '--transport',
        'http',
        '--header',
        `Authorization: Bearer ${t.core.token}`,
        ...args,
      ],
      { encoding: 'utf8', cwd: root, env: { ...process.env, HOME: t.dataDir }, timeout: 55_000 },
    );

  it('lists the tools (with --strict schema portability checks) and calls one', async () => {
    const list = await inspector(['--method', 'tools/list', '--strict']);
    const tools = (JSON.parse(list.stdout) as { tools: { name: string }[] }).tools.map(
      (x) => x.name,
    );
    expect(tools).toContain('swf_get_testbed_status');
    expect(tools).toContain('swf_list_stf_files');

    const call = await inspector([
      '--method',
      'tools/call',
      '--tool-name',
      'swf_list_agents',
      '--tool-arg',
      'limit=5',
    ]);
    const result = JSON.parse(call.stdout) as {
      structuredContent: { items: { name: string }[]; total_count: number };
    };
    expect(result.structuredContent.total_count).toBe(1);
    expect(result.structuredContent.items[0]!.name).toBe('fastmon-1');
  });
});

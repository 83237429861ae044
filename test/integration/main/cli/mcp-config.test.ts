import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, spawnCore, type CoreProcess } from '../../../helpers/cli-process.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const run = promisify(execFile);

let dir: ReturnType<typeof tempDir>;
let core: CoreProcess;
beforeAll(async () => {
  dir = tempDir();
  core = await spawnCore(['--port', '0', '--broker-port', '0', '--data-dir', dir.path]);
});
afterAll(async () => {
  core.child.kill('SIGTERM');
  await core.exited;
  dir.remove();
});

describe('mcp-config', { timeout: 90_000 }, () => {
  it('prints a Claude Desktop config that works as pasted, from another folder with a minimal PATH', async () => {
    const r = await runCli(['mcp-config', 'claude-desktop', '--data-dir', dir.path]);
    expect(r.code).toBe(0);
    const config = JSON.parse(r.stdout) as {
      mcpServers: Record<string, { command: string; args: string[]; env?: Record<string, string> }>;
    };
    const server = config.mcpServers['swf-control-center']!;
    expect(server.command).toBe(process.execPath);
    expect(server.args).toEqual([CLI, 'mcp', '--data-dir', dir.path]);
    expect(JSON.stringify(config)).not.toMatch(/npx/);

    // As Claude Desktop launches it: that command line, nothing from our shell.
    const elsewhere = tempDir();
    try {
      const client = new Client({ name: 'claude-desktop-as-pasted', version: '1.0.0' });
      await client.connect(
        new StdioClientTransport({
          command: server.command,
          args: server.args,
          env: { PATH: '/nonexistent', ...server.env },
          cwd: elsewhere.path,
          stderr: 'pipe',
        }),
      );
      try {
        const tools = await client.listTools();
        expect(tools.tools.map((t) => t.name)).toContain('swf_get_testbed_status');
        const status = await client.callTool({ name: 'swf_list_agents', arguments: {} });
        expect(status.isError).toBeFalsy();
      } finally {
        await client.close();
      }
    } finally {
      elsewhere.remove();
    }
  });

  it('prints HTTP configs with this core URL and token for the other clients', async () => {
    const token = (await import('node:fs')).readFileSync(join(dir.path, 'token'), 'utf8').trim();
    for (const client of ['claude-code', 'vscode', 'cursor']) {
      const r = await runCli(['mcp-config', client, '--data-dir', dir.path]);
      expect(r.code, client).toBe(0);
      expect(r.stdout, client).toContain(`${core.url}mcp`);
      expect(r.stdout, client).toContain(`Bearer ${token}`);
    }
    const bad = await runCli(['mcp-config', 'notepad']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/usage: mcp-config claude-desktop\|claude-code\|vscode\|cursor/);
  });

  it('the Claude Code line runs in a POSIX shell as one command with the header intact', async () => {
    const r = await runCli(['mcp-config', 'claude-code', '--data-dir', dir.path]);
    // Replace the program with printf to see how the shell splits the words.
    const line = r.stdout.trim().replace(/^claude /, "printf '%s\\n' ");
    const { stdout } = await run('/bin/sh', ['-c', line]);
    const words = stdout.trim().split('\n');
    expect(words.slice(0, 4)).toEqual(['mcp', 'add', '--transport', 'http']);
    expect(words.at(-1)).toMatch(/^Authorization: Bearer \S+$/);
  });
});

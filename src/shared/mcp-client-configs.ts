import { z } from 'zod';

export const MCP_CLIENT_IDS = ['claude-desktop', 'claude-code', 'vscode', 'cursor'] as const;
export type McpClientId = (typeof MCP_CLIENT_IDS)[number];

/** The stdio bridge's exact command line: absolute paths, so no PATH or `npx` lookup is involved. */
export const mcpBridgeLauncherSchema = z.object({
  command: z.string(),
  args: z.array(z.string()),
  env: z.record(z.string(), z.string()),
});
export type McpBridgeLauncher = z.infer<typeof mcpBridgeLauncherSchema>;

export interface McpClientConfig {
  id: McpClientId;
  title: string;
  where: string;
  text: string;
}

const SERVER_NAME = 'swf-control-center';

const json = (value: unknown) => JSON.stringify(value, null, 2);

/** A POSIX shell word: the Claude Code line must survive paths and tokens with any character. */
const shellWord = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * The configuration each MCP client needs, as it is pasted. Claude Desktop launches the stdio
 * bridge (it reads the token itself, so its file holds no secret); the others speak Streamable
 * HTTP with the token in a header.
 */
export function mcpClientConfigs(opts: {
  url: string;
  token: string;
  bridge: McpBridgeLauncher;
}): McpClientConfig[] {
  const { url, token, bridge } = opts;
  const headers = { Authorization: `Bearer ${token}` };
  const desktopServer = {
    command: bridge.command,
    args: bridge.args,
    ...(Object.keys(bridge.env).length ? { env: bridge.env } : {}),
  };
  return [
    {
      id: 'claude-desktop',
      title: 'Claude Desktop',
      where: 'claude_desktop_config.json (stdio bridge; reads the token itself)',
      text: json({ mcpServers: { [SERVER_NAME]: desktopServer } }),
    },
    {
      id: 'claude-code',
      title: 'Claude Code',
      where: 'a terminal',
      text: `claude mcp add --transport http ${SERVER_NAME} ${shellWord(url)} --header ${shellWord(`Authorization: Bearer ${token}`)}`,
    },
    {
      id: 'vscode',
      title: 'VS Code',
      where: '.vscode/mcp.json',
      text: json({ servers: { [SERVER_NAME]: { type: 'http', url, headers } } }),
    },
    {
      id: 'cursor',
      title: 'Cursor',
      where: '.cursor/mcp.json',
      text: json({ mcpServers: { [SERVER_NAME]: { url, headers } } }),
    },
  ];
}

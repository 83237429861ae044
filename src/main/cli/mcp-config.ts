import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  MCP_CLIENT_IDS,
  mcpClientConfigs,
  type McpClientId,
} from '../../shared/mcp-client-configs.js';
import { coreInfoPath } from '../core/control-center.js';
import { mcpBridgeLauncher } from '../core/mcp/bridge-launcher.js';
import { readToken } from '../core/token.js';
import { dataDirFrom, fail } from './common.js';

const isClient = (s: string): s is McpClientId => (MCP_CLIENT_IDS as readonly string[]).includes(s);

/** The port the core of this folder listens on; the default one when it is not running. */
function mcpUrl(dataDir: string): string {
  try {
    const info = JSON.parse(readFileSync(coreInfoPath(dataDir), 'utf8')) as { url?: unknown };
    if (typeof info.url === 'string') return `${info.url}mcp`;
  } catch {
    // not running: the configured default is the best guess, and the bridge needs no URL at all
  }
  return `http://127.0.0.1:${process.env.SWF_CC_PORT ?? '8002'}/mcp`;
}

export function mcpConfigCommand(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { 'data-dir': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const client = positionals[0];
  if (!client || positionals.length > 1 || !isClient(client))
    fail(`usage: mcp-config ${MCP_CLIENT_IDS.join('|')} [--data-dir DIR]`, 2);
  const dataDir = dataDirFrom(values['data-dir']);
  let token = '<token>';
  try {
    token = readToken(dataDir);
  } catch {
    if (client !== 'claude-desktop')
      process.stderr.write(
        `note: no token in ${dataDir} yet (start the control center once); replace <token>\n`,
      );
  }
  const config = mcpClientConfigs({
    url: mcpUrl(dataDir),
    token,
    bridge: mcpBridgeLauncher(dataDir),
  });
  process.stdout.write(`${config.find((c) => c.id === client)!.text}\n`);
}

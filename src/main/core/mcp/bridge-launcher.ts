import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { McpBridgeLauncher } from '../../../shared/mcp-client-configs.js';
import { defaultDataDir } from '../config.js';

/** `bin/swf-control-center.js`, found from where this code runs (source tree or built `out/`). */
function findCliScript(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'bin', 'swf-control-center.js');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return null;
}

/**
 * How an MCP client launches the stdio bridge to this core: this very runtime and script by
 * absolute path (a client such as Claude Desktop does not use the shell's PATH), with the data
 * folder when it is not the default one. Under Electron the runtime is the app binary, which
 * behaves as Node only with ELECTRON_RUN_AS_NODE.
 */
export function mcpBridgeLauncher(dataDir: string): McpBridgeLauncher {
  const script = findCliScript() ?? 'swf-control-center.js';
  const custom = resolve(dataDir) !== resolve(defaultDataDir());
  return {
    command: process.execPath,
    args: [script, 'mcp', ...(custom ? ['--data-dir', resolve(dataDir)] : [])],
    env: process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {},
  };
}

import { parseArgs } from 'node:util';
import { runStdioBridge } from '../core/mcp/stdio-bridge.js';
import { dataDirFrom } from './common.js';

export async function mcpBridge(argv: string[]) {
  const { values } = parseArgs({ args: argv, options: { 'data-dir': { type: 'string' } } });
  const dataDir = dataDirFrom(values['data-dir']);
  const code = await runStdioBridge({
    dataDir,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
  });
  // stdin may still hold the event loop open after the core went away: exit once stdout is flushed.
  process.stdout.write('', () => process.exit(code));
}

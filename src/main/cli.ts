import { importSupervisordCommand } from './cli/import-supervisord.js';
import { fail } from './cli/common.js';
import { mcpBridge } from './cli/mcp-bridge.js';
import { mcpConfigCommand } from './cli/mcp-config.js';
import { serve } from './cli/serve.js';
import { status } from './cli/status.js';

const USAGE = `usage: swf-control-center <command> [options]

commands:
  serve    run the core headless and serve the UI to a browser
           [--port N] [--broker-port N] [--data-dir DIR] [--config FILE]
  status   print the fleet of a running core as a table
           [--data-dir DIR] [--all]
  import-supervisord <conf> [-o fleet.toml]
           turn the [program:x]/[group:x] sections of a supervisord config into a fleet file
           (to stdout without -o)
  mcp      bridge an MCP client's stdio to the running core (for Claude Desktop and other
           clients that launch a process) [--data-dir DIR]
  mcp-config claude-desktop|claude-code|vscode|cursor [--data-dir DIR]
           print a working configuration for that MCP client (absolute paths, this data folder)
  help     this text`;

async function main(argv: string[]) {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'status':
      return status(rest);
    case 'import-supervisord':
      return importSupervisordCommand(rest);
    case 'mcp':
      return mcpBridge(rest);
    case 'mcp-config':
      return mcpConfigCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      fail(`unknown command "${command}"\n${USAGE}`, 2);
  }
}

// `status | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof TypeError && (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS'))
    fail(err.message, 2);
  process.stderr.write(`swf-control-center: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

import { importSupervisordCommand } from './cli/import-supervisord.js';
import { fail } from './cli/common.js';
import { mcpBridge } from './cli/mcp-bridge.js';
import { mcpConfigCommand } from './cli/mcp-config.js';
import { run } from './cli/run.js';
import { serve } from './cli/serve.js';
import { status } from './cli/status.js';

const USAGE = `usage: swf-control-center <command> [options]

commands:
  serve    run the core headless and serve the UI to a browser
           [--port N] [--broker-port N] [--data-dir DIR] [--config FILE]
  status   print the fleet and the running execution of a running core
           [--data-dir DIR] [--all]
  run      start a workflow run on the running core; prints its execution id and run number
           [--workflow W] [--config TOML|NAME] [--stf-count N] [--wait] [--data-dir DIR]
           (--wait follows it to the end with progress per stage; non-zero exit if it fails)
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
    case 'run':
      return run(rest);
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

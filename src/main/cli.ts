import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, defaultDataDir, loadConfig, type ConfigInput } from './core/config.js';
import { coreInfoPath, startControlCenter } from './core/control-center.js';
import { PortInUseError } from './core/http/server.js';
import { runStdioBridge } from './core/mcp/stdio-bridge.js';
import { createLogger } from './core/logger.js';
import { importSupervisord, SupervisordImportError } from './core/supervisor/supervisord-import.js';
import { readToken } from './core/token.js';
import { settingsFilePath } from './core/ui/settings-file.js';
import { installDefaultFleet } from './default-fleet.js';
import { findRendererDir } from './static-dir.js';

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
  help     this text`;

function fail(message: string, code = 1): never {
  process.stderr.write(`swf-control-center: ${message}\n`);
  process.exit(code);
}

function intFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    fail(`${flag} must be a port number (0-65535), got "${value}"`, 2);
  return n;
}

async function serve(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'broker-port': { type: 'string' },
      'data-dir': { type: 'string' },
      config: { type: 'string' },
    },
    strict: true,
  });
  const flags: ConfigInput = {
    port: intFlag(values.port, '--port'),
    dataDir: values['data-dir'],
    broker: { port: intFlag(values['broker-port'], '--broker-port') },
  };
  // Without --config, the file the settings view writes (<dataDir>/config.toml) is used when present.
  const savedSettings = settingsFilePath(
    values['data-dir'] || process.env.SWF_CC_DATA_DIR || defaultDataDir(),
  );
  const file = values.config ?? (existsSync(savedSettings) ? savedSettings : undefined);
  let config;
  try {
    config = loadConfig({ file, flags });
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, 2);
    throw err;
  }

  const log = createLogger('core');
  if (!config.fleetFile) {
    const installed = installDefaultFleet(config.dataDir);
    if (installed)
      log.info(
        `first start: installed the default fleet (the four built-in agents) as ${installed}`,
      );
  }
  const staticDir = findRendererDir();
  if (!staticDir) log.warn('the UI is not built (run `npm run build`); serving the API only');
  let core;
  try {
    core = await startControlCenter({ config, staticDir, logger: log });
  } catch (err) {
    if (err instanceof PortInUseError) {
      const flag = err.port === config.broker.port ? '--broker-port' : '--port';
      fail(
        `port ${err.port} is already in use (is another SWF Control Center running?); choose another with ${flag} N`,
      );
    }
    throw err;
  }
  process.stdout.write(`ready ${core.url}\n`);
  log.info(`data in ${config.dataDir}; open ${core.url}#token=${core.token} in a browser`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping`);
    core
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        log.error('stop failed', err);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

interface StatusAgent {
  instance_name: string;
  agent_type: string;
  status: string;
  operational_state: string;
  liveness: string;
  last_heartbeat: string | null;
  pid: number | null;
}

interface StatusBroker {
  mode: string;
  state: string;
  detail?: string;
  url?: string;
}

interface StatusRecorder {
  stored: number;
  heartbeats: number;
  problems: Record<string, number>;
}

/** e.g. `broker: external connected stomp+ssl://mq.example:61612 (subscribed to /topic/epictopic)` */
function formatBrokerLine(b: StatusBroker): string {
  return `broker: ${b.mode} ${b.state}${b.url ? ` ${b.url}` : ''}${b.detail ? ` (${b.detail})` : ''}`;
}

function formatRecorderLine(r: StatusRecorder): string {
  const problems = Object.entries(r.problems);
  const total = problems.reduce((n, [, c]) => n + c, 0);
  const list = problems.map(([k, c]) => `${k} ${c}`).join(', ');
  return `recorder: ${r.stored} messages stored, ${r.heartbeats} STOMP heartbeats, ${total} problems${total ? ` (${list})` : ''}`;
}

function ago(iso: string | null): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 120
    ? `${s}s ago`
    : s < 7200
      ? `${Math.round(s / 60)}m ago`
      : `${Math.round(s / 3600)}h ago`;
}

export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

async function status(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: { 'data-dir': { type: 'string' }, all: { type: 'boolean' } },
  });
  const dataDir = values['data-dir'] ?? process.env.SWF_CC_DATA_DIR ?? defaultDataDir();
  let info: { url: string };
  let token: string;
  try {
    info = JSON.parse(readFileSync(coreInfoPath(dataDir), 'utf8')) as { url: string };
    token = readToken(dataDir);
  } catch {
    fail(
      `no running core found in ${dataDir} (start one with \`swf-control-center serve\`, or pass --data-dir)`,
    );
  }
  let body: {
    agents: StatusAgent[];
    broker?: StatusBroker;
    recorder?: StatusRecorder;
    processes?: StatusProcess[];
  };
  try {
    const res = await fetch(`${info.url}api/cc/status/${values.all ? '?all=true' : ''}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!res.ok) fail(`the core at ${info.url} answered ${res.status}`);
    body = (await res.json()) as typeof body;
  } catch (err) {
    fail(`cannot reach the core at ${info.url}: ${(err as Error).message}`);
  }
  if (body.broker) process.stdout.write(`${formatBrokerLine(body.broker)}\n`);
  if (body.recorder) process.stdout.write(`${formatRecorderLine(body.recorder)}\n`);
  const rows = body.agents.map((a) => [
    a.instance_name,
    a.agent_type,
    a.status,
    a.operational_state,
    a.liveness,
    ago(a.last_heartbeat),
    a.pid === null ? '-' : String(a.pid),
  ]);
  process.stdout.write(
    `${formatTable(['AGENT', 'TYPE', 'STATUS', 'STATE', 'LIVENESS', 'HEARTBEAT', 'PID'], rows)}\n`,
  );
  if (rows.length === 0) process.stdout.write('(no agents)\n');
  const procs = body.processes ?? [];
  if (procs.length) {
    const prow = procs.map((p) => [
      p.name,
      p.state,
      p.pid === null ? '-' : String(p.pid),
      p.uptimeSeconds === null
        ? '-'
        : ago(new Date(Date.now() - p.uptimeSeconds * 1000).toISOString()).replace(' ago', ''),
      p.cpuPercent === null ? '-' : `${p.cpuPercent.toFixed(1)}%`,
      p.rssBytes === null ? '-' : `${(p.rssBytes / 1024 / 1024).toFixed(1)} MB`,
      p.reason ?? '',
    ]);
    process.stdout.write(
      `\n${formatTable(['PROCESS', 'STATE', 'PID', 'UPTIME', 'CPU', 'RSS', 'INFO'], prow)}\n`,
    );
  }
}

interface StatusProcess {
  name: string;
  state: string;
  pid: number | null;
  uptimeSeconds: number | null;
  cpuPercent: number | null;
  rssBytes: number | null;
  reason: string | null;
}

function importSupervisordCommand(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { output: { type: 'string', short: 'o' } },
    allowPositionals: true,
    strict: true,
  });
  const conf = positionals[0];
  if (!conf || positionals.length > 1) fail('usage: import-supervisord <conf> [-o fleet.toml]', 2);
  let text: string;
  try {
    text = readFileSync(conf, 'utf8');
  } catch (err) {
    fail(`cannot read ${conf}: ${(err as Error).message}`);
  }
  let result;
  try {
    result = importSupervisord(text, conf);
  } catch (err) {
    if (err instanceof SupervisordImportError || (err as Error).name === 'FleetError')
      fail((err as Error).message);
    throw err;
  }
  if (values.output) {
    writeFileSync(values.output, result.toml);
    process.stderr.write(
      `wrote ${values.output}: ${result.programs.length} programs, ${result.groups.length} groups\n`,
    );
  } else process.stdout.write(result.toml);
  for (const n of result.notes) process.stderr.write(`note: ${n}\n`);
}

async function mcp(argv: string[]) {
  const { values } = parseArgs({ args: argv, options: { 'data-dir': { type: 'string' } } });
  const dataDir = values['data-dir'] ?? process.env.SWF_CC_DATA_DIR ?? defaultDataDir();
  const code = await runStdioBridge({
    dataDir,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
  });
  // stdin may still hold the event loop open after the core went away: exit once stdout is flushed.
  process.stdout.write('', () => process.exit(code));
}

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
      return mcp(rest);
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

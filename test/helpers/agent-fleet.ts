import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AgentStompClient } from '../../agents/lib/agent-stomp-client.js';
import { ROOT } from './cli-process.js';
import type { TestCore } from './core.js';

export type AgentName = 'daqsim' | 'data' | 'processing' | 'fastmon';

export interface AgentProcess {
  name: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The environment the supervisor gives a spawned agent, pointing at a test core. */
export function agentEnv(
  core: TestCore | { url: string; token: string },
  broker: { host: string; port: number },
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  const { url, token } = 'core' in core ? core.core : core;
  const base = url.replace(/\/$/, '');
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    USER: 'tester',
    ACTIVEMQ_HOST: broker.host,
    ACTIVEMQ_PORT: String(broker.port),
    ACTIVEMQ_USER: 'admin',
    ACTIVEMQ_PASSWORD: 'admin',
    ACTIVEMQ_USE_SSL: 'false',
    SWF_MONITOR_URL: base,
    SWF_MONITOR_HTTP_URL: base,
    SWF_API_TOKEN: token,
    SWF_ENV_LOADED: 'true',
    SWF_NAMESPACE: 'test-ns',
    SWF_HEARTBEAT_INTERVAL: '1',
    SWF_REST_RETRY_DELAYS: '0.2,0.5,1,2',
    SWF_RECONNECT_INITIAL_MS: '200',
    SWF_RECONNECT_MAX_MS: '2000',
    SWF_PROCESSING_MS: '10',
    SWF_STF_SIZE_BYTES: '4096',
    SWF_RUN_SETTLE_MS: '15000',
    ...extra,
  };
}

export function ensureAgentsBuilt(): void {
  if (!existsSync(join(ROOT, 'out/agents/daqsim.js'))) {
    throw new Error('out/agents/*.js are missing: run `npm run build` (npm test does it first)');
  }
}

/** Spawns a built agent exactly as the supervisor does: `process.execPath out/agents/<name>.js`. */
export function spawnAgent(
  name: AgentName,
  env: NodeJS.ProcessEnv,
  nodeArgs: string[] = [],
): AgentProcess {
  return spawnCommand(
    name,
    process.execPath,
    [...nodeArgs, join(ROOT, `out/agents/${name}.js`)],
    env,
  );
}

export function spawnCommand(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): AgentProcess {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.once('exit', (code, signal) => res({ code, signal })),
  );
  return { name, child, output: () => out, exited };
}

/** Stops a child (if still running) and waits; SIGKILL after 10 s. */
export async function stopAgent(a: AgentProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (a.child.exitCode === null && a.child.signalCode === null) {
    a.child.kill(signal);
    const t = setTimeout(() => a.child.kill('SIGKILL'), 10_000);
    const r = await a.exited;
    clearTimeout(t);
    return r;
  }
  return a.exited;
}

export interface Observed {
  body: Record<string, unknown>;
  destination: string;
  receivedAt: number;
}

/** A test subscriber on the workflow topic (and anything else), reconnecting like the agents. */
export async function observe(
  broker: { host: string; port: number },
  destinations: string[],
  credentials: { login: string; passcode: string } = { login: 'admin', passcode: 'admin' },
) {
  const conn = new AgentStompClient({
    host: broker.host,
    port: broker.port,
    login: credentials.login,
    passcode: credentials.passcode,
    ssl: false,
    heartbeatMs: 10_000,
    reconnectInitialMs: 200,
    reconnectMaxMs: 1000,
  });
  const seen: Observed[] = [];
  for (const d of destinations) {
    conn.subscribe(d, (text) => {
      seen.push({
        body: JSON.parse(text) as Record<string, unknown>,
        destination: d,
        receivedAt: Date.now(),
      });
    });
  }
  conn.start();
  await conn.waitUp(30_000);
  return {
    conn,
    seen,
    of: (type: string) => seen.filter((m) => m.body.msg_type === type).map((m) => m.body),
    send: (destination: string, body: unknown) =>
      conn.send(destination, JSON.stringify(body), { receipt: true }),
    close: () => conn.close(),
  };
}
export type Observer = Awaited<ReturnType<typeof observe>>;

export interface AgentRow {
  instance_name: string;
  agent_type: string;
  status: string;
  operational_state: string;
  namespace: string | null;
  last_heartbeat: string | null;
  pid: number | null;
}

export async function listAgents(core: TestCore): Promise<AgentRow[]> {
  return (await (await core.api('/api/systemagents/')).json()) as AgentRow[];
}

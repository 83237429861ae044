import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parse as parseToml } from 'smol-toml';

/**
 * Every agent setting comes from the environment (the supervisor passes them).
 * Names and defaults follow the original BaseAgent where one exists; the `SWF_*` knobs below that
 * the originals do not have are ours and are listed in agents/README.md.
 */
export interface AgentSettings {
  brokerHost: string;
  brokerPort: number;
  brokerUser: string;
  brokerPassword: string;
  useSsl: boolean;
  caFile: string | undefined;
  /** STOMP heart-beat (send, expect) in ms; the originals use 30 000 / 30 000. */
  stompHeartbeatMs: number;
  monitorUrl: string;
  monitorHttpUrl: string;
  apiToken: string | undefined;
  namespace: string;
  namespaceSource: 'SWF_NAMESPACE' | 'SWF_TESTBED_CONFIG' | 'default';
  testbedConfig: Record<string, unknown> | undefined;
  user: string;
  heartbeatIntervalMs: number;
  logLevel: number;
  /** REST retry delays (seconds) for connection errors, 404 and 5xx. */
  restRetryDelaysMs: number[];
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  /** How long a confirmed publish keeps retrying across reconnects before it is declared lost. */
  publishDeadlineMs: number;
  maxWorkers: number;
}

/**
 * Messages handled at once. The original's pool of 4 is threads; here a handler is a promise that
 * mostly waits on round trips to the monitor and the broker, so more of them overlap those waits
 * at no cost in threads, and the rows of more STFs share one REST request (`bulk-create.ts`).
 * Measured in fast mode (bench/pipeline.ts, 3,000 STFs, quiet host): 16 gave 336-337 STFs/s,
 * 64 gave 375-385, run for run.
 */
export const DEFAULT_MAX_WORKERS = 64;

export const LEVELS = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 } as const;
export type LevelName = keyof typeof LEVELS;

type Env = Record<string, string | undefined>;

function num(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return n;
}

function truthy(raw: string | undefined): boolean {
  return (raw ?? '').trim().toLowerCase() === 'true';
}

/** The testbed TOML path rule of the originals: a bare file name means `workflows/<name>`. */
export function resolveTestbedConfigPath(raw: string): string {
  return raw.includes('/') ? raw : `workflows/${raw}`;
}

function readTestbedConfig(env: Env): Record<string, unknown> | undefined {
  const raw = env.SWF_TESTBED_CONFIG;
  if (!raw) return undefined;
  const path = resolveTestbedConfigPath(raw);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`SWF_TESTBED_CONFIG: cannot read ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return parseToml(text) as Record<string, unknown>;
}

export function loadSettings(env: Env = process.env): AgentSettings {
  const user = env.USER || env.USERNAME || userInfo().username;
  const testbedConfig = readTestbedConfig(env);
  const tomlNs = (testbedConfig?.testbed as Record<string, unknown> | undefined)?.namespace;
  // Namespace: the supervisor's SWF_NAMESPACE wins, then the testbed TOML (the originals' only
  // source), then the design default `<user>-laptop` (the originals die without one; a desktop
  // app should not).
  let namespace = `${user}-laptop`;
  let namespaceSource: AgentSettings['namespaceSource'] = 'default';
  if (env.SWF_NAMESPACE) {
    namespace = env.SWF_NAMESPACE;
    namespaceSource = 'SWF_NAMESPACE';
  } else if (typeof tomlNs === 'string' && tomlNs !== '') {
    namespace = tomlNs;
    namespaceSource = 'SWF_TESTBED_CONFIG';
  }
  const monitorUrl = (env.SWF_MONITOR_URL || 'http://127.0.0.1:8002').replace(/\/+$/, '');
  const levelName = (env.SWF_LOG_LEVEL || (truthy(env.SWF_AGENT_QUIET) ? 'WARNING' : 'INFO'))
    .trim()
    .toUpperCase();
  const logLevel = LEVELS[levelName as LevelName] ?? LEVELS.INFO;
  const delays = (env.SWF_REST_RETRY_DELAYS || '2,5,10,20,40,60')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isFinite(n) && n >= 0)
    .map((s) => s * 1000);
  return {
    brokerHost: env.ACTIVEMQ_HOST || 'localhost',
    brokerPort: num(env, 'ACTIVEMQ_PORT', 61612),
    brokerUser: env.ACTIVEMQ_USER ?? 'admin',
    brokerPassword: env.ACTIVEMQ_PASSWORD ?? 'admin',
    useSsl: truthy(env.ACTIVEMQ_USE_SSL),
    caFile: env.ACTIVEMQ_SSL_CA_CERTS || undefined,
    stompHeartbeatMs: num(env, 'SWF_STOMP_HEARTBEAT_MS', 30_000),
    monitorUrl,
    monitorHttpUrl: (env.SWF_MONITOR_HTTP_URL || monitorUrl).replace(/\/+$/, ''),
    apiToken: env.SWF_API_TOKEN || undefined,
    namespace,
    namespaceSource,
    testbedConfig,
    user,
    heartbeatIntervalMs: num(env, 'SWF_HEARTBEAT_INTERVAL', 60) * 1000,
    logLevel,
    restRetryDelaysMs: delays,
    reconnectInitialMs: num(env, 'SWF_RECONNECT_INITIAL_MS', 500),
    reconnectMaxMs: num(env, 'SWF_RECONNECT_MAX_MS', 30_000),
    publishDeadlineMs: num(env, 'SWF_PUBLISH_DEADLINE_S', 60) * 1000,
    maxWorkers: Math.max(1, num(env, 'SWF_AGENT_MAX_WORKERS', DEFAULT_MAX_WORKERS)),
  };
}

/** Local naive ISO time with microseconds, as Python's `datetime.now().isoformat()` writes it. */
export function localIsoNow(date = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T` +
    `${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}.` +
    `${p(date.getMilliseconds(), 3)}000`
  );
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

import { readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';
import { BrokerUrlError, parseBrokerUrl } from './broker/broker-url.js';
import { namespaceSchema } from '../../shared/input-bounds.js';

/**
 * Every default lives here. Precedence: built-in defaults < config file < environment
 * < command-line flags. Every source is validated by the same schema, so an error names the key.
 */
const port = z.number().int().min(0).max(65535);

const configSchema = z
  .object({
    host: z.literal('127.0.0.1').default('127.0.0.1'),
    port: port.default(8002),
    dataDir: z.string().min(1),
    namespace: namespaceSchema,
    broker: z
      .object({
        mode: z.enum(['embedded', 'external']).default('embedded'),
        port: port.default(61612),
        url: z.string().optional(),
        /** Unset: the embedded broker uses a generated per-install passcode (broker-credentials). */
        login: z.string().optional(),
        passcode: z.string().optional(),
        caFile: z.string().optional(),
        /** External client: first reconnect delay and its cap (exponential back-off with jitter). */
        reconnectInitialMs: z.number().int().positive().default(500),
        reconnectMaxMs: z.number().int().positive().default(30_000),
      })
      .strict()
      .default({
        mode: 'embedded',
        port: 61612,
        reconnectInitialMs: 500,
        reconnectMaxMs: 30_000,
      }),
    workflowTopic: z.string().startsWith('/topic/').default('/topic/epictopic'),
    heartbeatTopic: z.string().startsWith('/topic/').default('/topic/swf.heartbeat'),
    workflowControlQueue: z.string().startsWith('/queue/').default('/queue/workflow_control'),
    /** How long starting or stopping a workflow waits for the DAQ simulator's answer. */
    workflowReplyTimeoutSeconds: z.number().positive().max(600).default(10),
    recorder: z
      .object({
        /** Incoming messages are stored in one transaction per tick of this length... */
        flushIntervalMs: z.number().int().positive().default(20),
        /** ...or as soon as this many are waiting. */
        maxBatch: z.number().int().positive().default(5_000),
      })
      .strict()
      .default({ flushIntervalMs: 20, maxBatch: 5_000 }),
    liveness: z
      .object({
        aliveSeconds: z.number().positive().default(300),
        exitedAfterSeconds: z.number().positive().default(180),
        sweepSeconds: z.number().positive().default(15),
      })
      .strict()
      .default({ aliveSeconds: 300, exitedAfterSeconds: 180, sweepSeconds: 15 }),
    retention: z
      .object({
        heartbeatMaxAgeDays: z.number().positive().default(7),
        heartbeatMaxRows: z.number().int().positive().default(2_000_000),
        logMaxAgeDays: z.number().positive().default(14),
        logMaxRows: z.number().int().positive().default(1_000_000),
        messageMaxAgeDays: z.number().positive().default(14),
        messageMaxRows: z.number().int().positive().default(1_000_000),
        pruneIntervalSeconds: z.number().positive().default(60),
        pruneBatchRows: z.number().int().positive().default(5_000),
      })
      .strict()
      .default({
        heartbeatMaxAgeDays: 7,
        heartbeatMaxRows: 2_000_000,
        logMaxAgeDays: 14,
        logMaxRows: 1_000_000,
        messageMaxAgeDays: 14,
        messageMaxRows: 1_000_000,
        pruneIntervalSeconds: 60,
        pruneBatchRows: 5_000,
      }),
    mcp: z
      .object({
        /** Resource-change notifications for one URI are coalesced over this window. */
        notifyDebounceMs: z.number().int().min(0).max(60_000).default(250),
        /** A WebSocket frame (or a /mcp body) above this closes the frame's connection (1009) or gets 413. */
        maxMessageBytes: z
          .number()
          .int()
          .positive()
          .default(4 * 1024 * 1024),
        /** 2025-era Streamable HTTP sessions kept at once (least recently used goes first). */
        maxHttpSessions: z.number().int().min(1).max(10_000).default(64),
        /** A 2025-era HTTP session unused this long is closed. */
        httpSessionIdleSeconds: z.number().positive().default(3600),
      })
      .strict()
      .default({
        notifyDebounceMs: 250,
        maxMessageBytes: 4 * 1024 * 1024,
        maxHttpSessions: 64,
        httpSessionIdleSeconds: 3600,
      }),
    fleetFile: z.string().optional(),
    /** How often the supervisor samples CPU % and RSS of its processes. */
    processMetricsSeconds: z.number().positive().max(3600).default(5),
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(1024 * 1024),
    /** Caps that keep one local process from holding every socket of the HTTP server. */
    http: z
      .object({
        maxConnections: z.number().int().min(8).max(100_000).default(512),
        /** A request's headers must arrive within this... */
        headersTimeoutMs: z.number().int().min(500).max(600_000).default(10_000),
        /** ...and its whole body within this. */
        requestTimeoutMs: z.number().int().min(500).max(600_000).default(30_000),
        maxUiSessions: z.number().int().min(1).max(10_000).default(32),
        maxMcpWebSockets: z.number().int().min(1).max(10_000).default(64),
      })
      .strict()
      .default({
        maxConnections: 512,
        headersTimeoutMs: 10_000,
        requestTimeoutMs: 30_000,
        maxUiSessions: 32,
        maxMcpWebSockets: 64,
      }),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

/** A partial config as a file, the environment or flags give it; merged before validation. */
export type ConfigInput = Record<string, unknown>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'swf-control-center');
}

function defaultNamespace(): string {
  let user = 'user';
  try {
    user = userInfo().username || user;
  } catch {
    // No passwd entry (some containers): keep the neutral name.
  }
  return `${user.replace(/[^A-Za-z0-9._-]/g, '-')}-laptop`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function mergeConfig(...layers: ConfigInput[]): ConfigInput {
  const out: ConfigInput = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      const prev = out[key];
      out[key] = isPlainObject(prev) && isPlainObject(value) ? mergeConfig(prev, value) : value;
    }
  }
  return out;
}

/** Reads a TOML or JSON config file (by extension); its keys use the schema's names. */
function readConfigFile(path: string): ConfigInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  try {
    const parsed: unknown = path.endsWith('.json') ? JSON.parse(text) : parseToml(text);
    if (!isPlainObject(parsed)) throw new Error('top level must be a table');
    return parsed;
  } catch (err) {
    throw new ConfigError(`config file ${path}: ${(err as Error).message}`);
  }
}

function envNumber(env: NodeJS.ProcessEnv, name: string, key: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new ConfigError(`${name}=${raw}: ${key} must be a number`);
  return n;
}

/** The environment variables the core honours (SWF_CC_* are ours; ACTIVEMQ_* match the agents). */
function configFromEnv(env: NodeJS.ProcessEnv = process.env): ConfigInput {
  return mergeConfig({
    port: envNumber(env, 'SWF_CC_PORT', 'port'),
    dataDir: env.SWF_CC_DATA_DIR || undefined,
    namespace: env.SWF_CC_NAMESPACE || undefined,
    fleetFile: env.SWF_CC_FLEET_FILE || undefined,
    broker: {
      port: envNumber(env, 'SWF_CC_BROKER_PORT', 'broker.port'),
      url: env.SWF_CC_BROKER_URL || undefined,
      mode: env.SWF_CC_BROKER_URL ? 'external' : undefined,
      login: env.SWF_CC_BROKER_LOGIN || undefined,
      passcode: env.SWF_CC_BROKER_PASSCODE || undefined,
      caFile: env.SWF_CC_BROKER_CA_FILE || undefined,
    },
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.length ? issue.path.join('.') : '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const prefix = issue.path.length ? `${issue.path.join('.')}.` : '';
    return `unknown key ${issue.keys.map((k) => `"${prefix}${k}"`).join(', ')}`;
  }
  return `"${key}": ${issue.message}`;
}

export function parseConfig(input: ConfigInput, source = 'config'): Config {
  const withDefaults = mergeConfig(
    { dataDir: defaultDataDir(), namespace: defaultNamespace() },
    input,
  );
  const result = configSchema.safeParse(withDefaults);
  if (!result.success) {
    throw new ConfigError(
      `invalid ${source}: ${result.error.issues.map(describeIssue).join('; ')}`,
    );
  }
  const cfg = result.data;
  if (cfg.broker.mode === 'external' && !cfg.broker.url) {
    throw new ConfigError(
      `invalid ${source}: "broker.url" is required when broker.mode is external`,
    );
  }
  if (cfg.broker.url !== undefined) {
    try {
      parseBrokerUrl(cfg.broker.url);
    } catch (err) {
      if (err instanceof BrokerUrlError)
        throw new ConfigError(`invalid ${source}: "broker.url": ${err.message}`);
      throw err;
    }
  }
  return cfg;
}

export interface LoadConfigOptions {
  file?: string;
  env?: NodeJS.ProcessEnv;
  flags?: ConfigInput;
}

export function loadConfig(opts: LoadConfigOptions = {}): Config {
  const fileLayer = opts.file ? readConfigFile(opts.file) : {};
  return parseConfig(
    mergeConfig(fileLayer, configFromEnv(opts.env ?? process.env), opts.flags ?? {}),
    opts.file ? `configuration (file ${opts.file}, environment, flags)` : 'configuration',
  );
}

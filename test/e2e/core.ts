import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** A real headless core (`swf-control-center serve`) in its own process and data folder. */
export interface E2eCore {
  url: string;
  port: number;
  token: string;
  dataDir: string;
  /** The page URL that carries the token. */
  pageUrl: string;
  heartbeat(body: Record<string, unknown>): Promise<Response>;
  stop(): Promise<void>;
  /** Starts the core again on the same port and data folder. */
  restart(): Promise<void>;
  remove(): void;
}

export interface E2eCoreOptions {
  /** TOML written to a config file passed with --config. */
  configToml?: string;
  /** Install and run the default fleet (the four built-in agents) on first start. */
  defaultFleet?: boolean;
}

function launch(dataDir: string, port: number, configFile?: string, defaultFleet = false) {
  const args = [
    'bin/swf-control-center.js',
    'serve',
    '--port',
    String(port),
    '--data-dir',
    dataDir,
  ];
  if (configFile) args.push('--config', configFile);
  // `--broker-port 0`: the embedded broker (when it exists) must not collide between suites.
  args.push('--broker-port', '0');
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      SWF_CC_LOG_LEVEL: 'warn',
      SWF_CC_NO_DEFAULT_FLEET: defaultFleet ? '0' : '1',
    },
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise<{ child: ChildProcess; url: string }>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(
      () => reject(new Error(`core did not start in 20 s: ${stderr}`)),
      20_000,
    );
    lines.on('line', (line) => {
      const m = /^ready (\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`core exited with ${code}: ${stderr}`));
    });
  });
}

function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startE2eCore(opts: E2eCoreOptions = {}): Promise<E2eCore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'swf-cc-e2e-'));
  let configFile: string | undefined;
  if (opts.configToml) {
    configFile = join(dataDir, 'test-config.toml');
    writeFileSync(configFile, opts.configToml);
  }
  const first = await launch(dataDir, 0, configFile, opts.defaultFleet);
  const url = first.url;
  let child = first.child;
  const port = Number(new URL(url).port);
  const token = readFileSync(join(dataDir, 'token'), 'utf8').trim();
  const core: E2eCore = {
    url,
    port,
    token,
    dataDir,
    pageUrl: `${url}#token=${token}`,
    heartbeat: (body) =>
      fetch(`${url}api/systemagents/heartbeat/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Token ${token}` },
        body: JSON.stringify(body),
      }),
    async stop() {
      child.kill('SIGTERM');
      await waitExit(child);
    },
    async restart() {
      ({ child } = await launch(dataDir, port, configFile));
    },
    remove() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return core;
}

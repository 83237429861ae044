import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './temp-dir.js';

/**
 * ActiveMQ 5.17 (Debian package `activemq`) as a real external broker for tests and benchmarks.
 * It runs `java -jar activemq.jar start xbean:file:<conf>` directly (not Debian's `activemq
 * console` wrapper, whose PID is a shell) with the project-owned config under
 * `test/fixtures/activemq/`, on free ports, in its own temporary base folder.
 */

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'activemq');
const ACTIVEMQ_HOME = process.env.ACTIVEMQ_HOME ?? '/usr/share/activemq';

export interface ActiveMqOptions {
  /** 0 or absent: a free port. */
  stompPort?: number;
  /** Add a `stomp+ssl` connector on this port (0: a free port); needs `sslKeystore`. */
  sslStompPort?: number;
  /** JKS or PKCS12 keystore with the broker's key and certificate. */
  sslKeystore?: string;
  sslKeystorePassword?: string;
  /** Users the simple authentication plugin accepts; default admin/admin. */
  users?: { login: string; passcode: string }[];
  /** Extra query options for the stomp connector URI, e.g. `transport.defaultHeartBeat=0,0`. */
  stompOptions?: string;
  /** Milliseconds to wait for the STOMP port to answer CONNECT. */
  startTimeoutMs?: number;
}

export interface ActiveMq {
  stompPort: number;
  sslStompPort?: number;
  /** The java process id (tests may check it is gone after stop). */
  pid(): number | undefined;
  /** Console output so far (warnings and errors only). */
  output(): string;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

/** Is Debian's ActiveMQ installed? Suites skip themselves with a clear reason when not. */
export function activeMqAvailable(): boolean {
  return existsSync(join(ACTIVEMQ_HOME, 'bin', 'activemq.jar'));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const xmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Java processes still running from this test process; killed on exit whatever happens. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/**
 * If this test process dies without running its exit hook (SIGKILL, a crashed worker), a small
 * detached shell kills the JVM within about a second, so no test run leaves java holding ports.
 * It exits by itself once the JVM is gone.
 */
function watchdog(javaPid: number) {
  if (process.platform === 'win32') return;
  const script = `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${javaPid} 2>/dev/null; do sleep 1; done; kill -KILL ${javaPid} 2>/dev/null`;
  spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
}

export async function startActiveMq(opts: ActiveMqOptions = {}): Promise<ActiveMq> {
  const base = tempDir('swf-cc-activemq-');
  const stompPort = opts.stompPort || (await freePort());
  const sslStompPort =
    opts.sslStompPort !== undefined ? opts.sslStompPort || (await freePort()) : undefined;
  const users = opts.users ?? [{ login: 'admin', passcode: 'admin' }];
  const conf = join(base.path, 'conf');
  for (const sub of ['conf', 'data', 'tmp']) mkdirSync(join(base.path, sub), { recursive: true });

  let sslContext = '';
  let extraConnectors = '';
  if (sslStompPort !== undefined) {
    if (!opts.sslKeystore) throw new Error('startActiveMq: sslStompPort needs sslKeystore');
    const password = xmlEscape(opts.sslKeystorePassword ?? 'changeit');
    const store = xmlEscape(opts.sslKeystore);
    sslContext = `    <sslContext><sslContext keyStore="file:${store}" keyStorePassword="${password}"/></sslContext>`;
    extraConnectors = `      <transportConnector name="stomp+ssl" uri="stomp+ssl://127.0.0.1:${sslStompPort}"/>`;
  }
  const stompUri = `stomp://127.0.0.1:${stompPort}${opts.stompOptions ? `?${opts.stompOptions}` : ''}`;
  const xml = readFileSync(join(FIXTURES, 'activemq.xml'), 'utf8')
    .replace(`stomp://127.0.0.1:@@STOMP_PORT@@`, xmlEscape(stompUri))
    .replace('@@EXTRA_CONNECTORS@@', extraConnectors)
    .replace('@@SSL_CONTEXT@@', sslContext)
    .replace(
      '@@USERS@@',
      users
        .map(
          (u) =>
            `          <authenticationUser username="${xmlEscape(u.login)}" password="${xmlEscape(u.passcode)}" groups="users"/>`,
        )
        .join('\n'),
    );
  writeFileSync(join(conf, 'activemq.xml'), xml);
  writeFileSync(join(conf, 'log4j.properties'), readFileSync(join(FIXTURES, 'log4j.properties')));

  const args = [
    '-Xms64m',
    '-Xmx512m',
    '--add-opens',
    'java.base/java.lang=ALL-UNNAMED',
    '--add-opens',
    'java.base/java.util=ALL-UNNAMED',
    '--add-opens',
    'java.base/java.util.concurrent=ALL-UNNAMED',
    '--add-opens',
    'java.base/java.net=ALL-UNNAMED',
    `-Djava.io.tmpdir=${join(base.path, 'tmp')}`,
    `-Dactivemq.classpath=${conf}`,
    `-Dactivemq.home=${ACTIVEMQ_HOME}`,
    `-Dactivemq.base=${base.path}`,
    `-Dactivemq.conf=${conf}`,
    `-Dactivemq.data=${join(base.path, 'data')}`,
    `-Dlog4j.configuration=file:${join(conf, 'log4j.properties')}`,
    '-jar',
    join(ACTIVEMQ_HOME, 'bin', 'activemq.jar'),
    'start',
    `xbean:file:${join(conf, 'activemq.xml')}`,
  ];

  let child: ChildProcess | undefined;
  let out = '';
  installExitHook();

  const launch = async () => {
    const proc = spawn('java', args, { cwd: base.path, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    running.add(proc);
    if (proc.pid !== undefined) watchdog(proc.pid);
    const exited = new Promise<never>((_, reject) => {
      proc.once('exit', (code, signal) => {
        running.delete(proc);
        reject(new Error(`ActiveMQ exited during start (code ${code}, signal ${signal}):\n${out}`));
      });
      proc.once('error', reject);
    });
    // Keep only a bounded tail: the broker prints little at WARN, but never grow without end.
    const keep = (chunk: Buffer) => {
      out = (out + chunk.toString('utf8')).slice(-20_000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    try {
      await Promise.race([waitForStomp(stompPort, opts.startTimeoutMs ?? 60_000), exited]);
    } catch (err) {
      proc.kill('SIGKILL');
      throw err;
    }
    exited.catch(() => undefined);
  };

  const stopProcess = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    // ActiveMQ stops in ~2 s on SIGTERM; force it after 10 s so a test run never leaks a JVM.
    const force = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(force);
    running.delete(proc);
  };

  try {
    await launch();
  } catch (err) {
    base.remove();
    throw err;
  }

  return {
    stompPort,
    sslStompPort,
    pid: () => child?.pid,
    output: () => out,
    async stop() {
      await stopProcess();
      base.remove();
    },
    async restart() {
      await stopProcess();
      await launch();
    },
  };
}

/** Resolves once a STOMP CONNECT on the port gets any answer frame (CONNECTED or ERROR). */
async function waitForStomp(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await stompAnswers(port)) return;
    if (Date.now() > deadline)
      throw new Error(`ActiveMQ did not answer STOMP on 127.0.0.1:${port}`);
    // A bounded retry interval while the JVM boots (a poll, not a sleep standing in for a signal).
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function stompAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () =>
      socket.write(
        'CONNECT\naccept-version:1.2\nhost:localhost\nlogin:probe\npasscode:probe\n\n\0',
      ),
    );
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      if (data.includes('\0')) done(true);
    });
    socket.once('close', () => done(data.length > 0));
  });
}

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './temp-dir.js';
import type { TlsMaterial } from './tls-material.js';
import { waitFor } from './wait-for.js';

/**
 * ActiveMQ 5.17 (Debian package `activemq`) as a real external broker for every test and
 * benchmark that needs one. It runs `java -jar activemq.jar start xbean:file:<conf>` directly (not
 * Debian's `activemq console` wrapper, whose PID is a shell) with the project-owned config in
 * `test/fixtures/activemq/`, on free loopback ports, in its own temporary base folder. Restarts
 * reuse the ports, so clients reconnect to the same URL.
 */

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'activemq');
const ACTIVEMQ_HOME = process.env.ACTIVEMQ_HOME ?? '/usr/share/activemq';

export interface ActiveMqOptions {
  /** Adds a `stomp+ssl` connector with this keystore (see `makeTlsMaterial`). */
  tls?: Pick<TlsMaterial, 'keyStore' | 'keyStorePassword'>;
  /** Users the simple authentication plugin accepts; default admin/admin. */
  users?: { login: string; passcode: string }[];
  /** Extra query options for the stomp connector URI, e.g. `transport.defaultHeartBeat=0,0`. */
  stompOptions?: string;
  /** Milliseconds to wait for the broker to answer STOMP. */
  startTimeoutMs?: number;
}

export interface ActiveMq {
  host: string;
  port: number;
  /** `stomp://127.0.0.1:<port>` */
  url: string;
  sslPort: number | undefined;
  /** `stomp+ssl://localhost:<port>` (the test certificate names localhost and 127.0.0.1). */
  sslUrl: string | undefined;
  /** The java process id (tests may check it is gone after stop). */
  pid(): number | undefined;
  /** Console output so far (warnings and errors; a bounded tail). */
  output(): string;
  /** SIGTERM and wait for exit, keeping the folder and ports for `startAgain`. */
  halt(): Promise<void>;
  /** Starts a halted broker on the same ports. */
  startAgain(): Promise<void>;
  /** `halt` then `startAgain`. */
  restart(): Promise<void>;
  /** Halts and removes the folder. Safe to call twice. */
  stop(): Promise<void>;
}

/** Is Debian's ActiveMQ installed? Suites skip themselves with a clear reason when not. */
export function activeMqAvailable(): boolean {
  return existsSync(join(ACTIVEMQ_HOME, 'bin', 'activemq.jar'));
}

async function freePort(): Promise<number> {
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

function brokerXml(opts: ActiveMqOptions, port: number, sslPort: number | undefined): string {
  const users = opts.users ?? [{ login: 'admin', passcode: 'admin' }];
  const stompUri = `stomp://127.0.0.1:${port}${opts.stompOptions ? `?${opts.stompOptions}` : ''}`;
  const ssl = opts.tls && sslPort !== undefined;
  return readFileSync(join(FIXTURES, 'activemq.xml'), 'utf8')
    .replace('@@STOMP_URI@@', xmlEscape(stompUri))
    .replace(
      '@@SSL_CONNECTOR@@',
      ssl
        ? `      <transportConnector name="stomp+ssl" uri="stomp+ssl://127.0.0.1:${sslPort}"/>`
        : '',
    )
    .replace(
      '@@SSL_CONTEXT@@',
      ssl
        ? `    <sslContext><sslContext keyStore="file:${xmlEscape(opts.tls!.keyStore)}" keyStorePassword="${xmlEscape(opts.tls!.keyStorePassword)}"/></sslContext>`
        : '',
    )
    .replace(
      '@@USERS@@',
      users
        .map(
          (u) =>
            `          <authenticationUser username="${xmlEscape(u.login)}" password="${xmlEscape(u.passcode)}" groups="users"/>`,
        )
        .join('\n'),
    );
}

function javaArgs(base: string): string[] {
  const conf = join(base, 'conf');
  return [
    '-Xms64m',
    '-Xmx512m',
    ...['java.lang', 'java.util', 'java.util.concurrent', 'java.net'].flatMap((m) => [
      '--add-opens',
      `java.base/${m}=ALL-UNNAMED`,
    ]),
    `-Djava.io.tmpdir=${join(base, 'tmp')}`,
    `-Dactivemq.classpath=${conf}`,
    `-Dactivemq.home=${ACTIVEMQ_HOME}`,
    `-Dactivemq.base=${base}`,
    `-Dactivemq.conf=${conf}`,
    `-Dactivemq.data=${join(base, 'data')}`,
    `-Dlog4j.configuration=file:${join(conf, 'log4j.properties')}`,
    '-jar',
    join(ACTIVEMQ_HOME, 'bin', 'activemq.jar'),
    'start',
    `xbean:file:${join(conf, 'activemq.xml')}`,
  ];
}

export async function startActiveMq(opts: ActiveMqOptions = {}): Promise<ActiveMq> {
  const dir = tempDir('swf-cc-activemq-');
  const base = dir.path;
  const conf = join(base, 'conf');
  for (const sub of ['conf', 'data', 'tmp']) mkdirSync(join(base, sub), { recursive: true });
  writeFileSync(join(conf, 'log4j.properties'), readFileSync(join(FIXTURES, 'log4j.properties')));
  const login = (opts.users ?? [{ login: 'admin', passcode: 'admin' }])[0]!;
  let port = 0;
  let sslPort: number | undefined;
  // A free port is only free until someone else takes it: between `freePort` and the JVM's bind,
  // another test process may. Each start attempt takes fresh ports.
  const choosePorts = async () => {
    port = await freePort();
    sslPort = opts.tls ? await freePort() : undefined;
    writeFileSync(join(conf, 'activemq.xml'), brokerXml(opts, port, sslPort));
  };

  let child: ChildProcess | undefined;
  let out = '';
  installExitHook();

  const launch = async () => {
    const proc = spawn('java', javaArgs(base), { cwd: base, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    running.add(proc);
    if (proc.pid !== undefined) watchdog(proc.pid);
    let exit: string | undefined;
    proc.once('exit', (code, signal) => {
      running.delete(proc);
      exit = `code ${code}, signal ${signal}`;
    });
    proc.once('error', (err) => (exit = err.message));
    // Keep only a bounded tail: the broker prints little at WARN, but never grow without end.
    const keep = (chunk: Buffer) => {
      out = (out + chunk.toString('utf8')).slice(-20_000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    try {
      await waitFor(
        `ActiveMQ to answer STOMP on 127.0.0.1:${port}`,
        async () => {
          if (exit !== undefined)
            throw new Error(`ActiveMQ exited during start (${exit}):\n${out}`);
          return (
            (await isActiveMq(port, login)) && (sslPort === undefined || (await accepts(sslPort)))
          );
        },
        opts.startTimeoutMs ?? 60_000,
        100,
      );
    } catch (err) {
      proc.kill('SIGKILL');
      throw err;
    }
  };

  const halt = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    // ActiveMQ stops in ~2 s on SIGTERM; force it after 15 s so a test run never leaks a JVM.
    const force = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    await gone;
    clearTimeout(force);
    running.delete(proc);
  };

  for (let attempt = 1; ; attempt++) {
    await choosePorts();
    try {
      await launch();
      break;
    } catch (err) {
      if (attempt < 3) continue;
      dir.remove();
      throw err;
    }
  }

  let stopped = false;
  return {
    host: '127.0.0.1',
    port,
    url: `stomp://127.0.0.1:${port}`,
    sslPort,
    sslUrl: sslPort === undefined ? undefined : `stomp+ssl://localhost:${sslPort}`,
    pid: () => child?.pid,
    output: () => out,
    halt,
    startAgain: launch,
    async restart() {
      await halt();
      await launch();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await halt();
      dir.remove();
    },
  };
}

/** Does something accept TCP connections on 127.0.0.1:port? */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Is it this ActiveMQ that answers on the port: does a STOMP CONNECT with the broker's own user get
 * CONNECTED from a server that names itself ActiveMQ? Another process that took the port meanwhile
 * (another test's broker) does not pass.
 */
function isActiveMq(port: number, user: { login: string; passcode: string }): Promise<boolean> {
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
        `CONNECT\naccept-version:1.2\nhost:localhost\nlogin:${user.login}\npasscode:${user.passcode}\n\n\0`,
      ),
    );
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      if (data.includes('\0')) done(/^\s*CONNECTED\n/.test(data) && /\nserver:ActiveMQ/.test(data));
    });
    socket.once('close', () => done(false));
  });
}

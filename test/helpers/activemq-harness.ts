import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './temp-dir.js';

/**
 * A real ActiveMQ 5.17 (Debian package) for the recorder and external-client tests, started the
 * way TOOLCHAIN.md says: `java -jar activemq.jar start xbean:file:<conf>` with the project-owned
 * config in test/fixtures/activemq-recorder/, generated per broker into a temp folder. The first
 * start binds port 0 and learns the ports from the log; restarts reuse them, so clients can
 * reconnect to the same URL. Every started java is SIGKILLed when the test process exits.
 */
const FIXTURES = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'fixtures',
  'activemq-recorder',
);
const ACTIVEMQ_HOME = '/usr/share/activemq';

export interface ActiveMqTls {
  keyStore: string;
  keyStorePassword: string;
  keyStoreType?: 'jks' | 'pkcs12';
}

export interface ActiveMqOptions {
  /** Adds a `stomp+ssl` connector with this keystore. */
  tls?: ActiveMqTls;
  startTimeoutMs?: number;
}

export interface ActiveMq {
  stompPort: number;
  /** `stomp://127.0.0.1:<port>` */
  stompUrl: string;
  sslPort: number | undefined;
  /** `stomp+ssl://localhost:<port>` (the test certificate names localhost and 127.0.0.1). */
  sslUrl: string | undefined;
  readonly running: boolean;
  pid(): number | undefined;
  /** Stops (SIGTERM, waits for exit) and starts again on the same ports. */
  restart(): Promise<void>;
  /** SIGTERM and wait for exit, keeping the folder and ports for `startAgain`. */
  halt(): Promise<void>;
  /** Starts a halted broker on the same ports. */
  startAgain(): Promise<void>;
  stop(): Promise<void>;
  /** Everything java printed, for failure messages. */
  output(): string;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export async function startActiveMq(opts: ActiveMqOptions = {}): Promise<ActiveMq> {
  const dir = tempDir('swf-cc-amq-');
  const base = dir.path;
  for (const sub of ['conf', 'data', 'tmp']) mkdirSync(join(base, sub), { recursive: true });
  copyFileSync(join(FIXTURES, 'log4j.properties'), join(base, 'conf', 'log4j.properties'));
  const timeoutMs = opts.startTimeoutMs ?? 60_000;

  let stompPort = 0;
  let sslPort = 0;
  let child: ChildProcess | undefined;
  let output = '';

  function writeConfig() {
    const connectors = [`<transportConnector name="stomp" uri="stomp://127.0.0.1:${stompPort}"/>`];
    let sslContext = '';
    if (opts.tls) {
      connectors.push(
        `<transportConnector name="stomp+ssl" uri="stomp+ssl://127.0.0.1:${sslPort}"/>`,
      );
      sslContext = `<sslContext><sslContext keyStore="file:${opts.tls.keyStore}" keyStorePassword="${
        opts.tls.keyStorePassword
      }" keyStoreType="${opts.tls.keyStoreType ?? 'jks'}"/></sslContext>`;
    }
    const xml = readFileSync(join(FIXTURES, 'activemq.xml'), 'utf8')
      .replace('@@DATA@@', join(base, 'data'))
      .replace('@@SSL_CONTEXT@@', sslContext)
      .replace('@@CONNECTORS@@', connectors.join('\n      '));
    writeFileSync(join(base, 'conf', 'activemq.xml'), xml);
  }

  async function start() {
    writeConfig();
    output = '';
    const proc = spawn(
      'java',
      [
        '-Xms64m',
        '-Xmx256m',
        '--add-opens',
        'java.base/java.lang=ALL-UNNAMED',
        '--add-opens',
        'java.base/java.util=ALL-UNNAMED',
        '--add-opens',
        'java.base/java.util.concurrent=ALL-UNNAMED',
        '--add-opens',
        'java.base/java.net=ALL-UNNAMED',
        `-Djava.io.tmpdir=${join(base, 'tmp')}`,
        `-Dactivemq.classpath=${join(base, 'conf')}`,
        `-Dactivemq.home=${ACTIVEMQ_HOME}`,
        `-Dactivemq.base=${base}`,
        `-Dactivemq.conf=${join(base, 'conf')}`,
        `-Dactivemq.data=${join(base, 'data')}`,
        '-jar',
        join(ACTIVEMQ_HOME, 'bin', 'activemq.jar'),
        'start',
        `xbean:file:${join(base, 'conf', 'activemq.xml')}`,
      ],
      { cwd: base, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    live.add(proc);
    proc.once('exit', () => live.delete(proc));

    const want = opts.tls ? 2 : 1;
    await new Promise<void>((resolve, reject) => {
      const found = new Map<string, number>();
      const timer = setTimeout(
        () => fail(new Error(`ActiveMQ did not start within ${timeoutMs} ms:\n${output}`)),
        timeoutMs,
      );
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        for (const m of output.matchAll(
          /Listening for connections at: (stomp(?:\+ssl)?):\/\/[^:]+:(\d+)/g,
        )) {
          found.set(m[1]!, Number(m[2]));
        }
        if (found.size >= want) {
          stompPort = found.get('stomp')!;
          if (opts.tls) sslPort = found.get('stomp+ssl')!;
          done();
          resolve();
        }
      };
      const onExit = (code: number | null) =>
        fail(new Error(`ActiveMQ exited (code ${code}) before listening:\n${output}`));
      const done = () => {
        clearTimeout(timer);
        proc.stdout!.off('data', onData);
        proc.stderr!.off('data', onData);
        proc.off('exit', onExit);
        // Keep collecting for failure messages.
        proc.stdout!.on('data', (c: Buffer) => (output += c.toString()));
        proc.stderr!.on('data', (c: Buffer) => (output += c.toString()));
      };
      const fail = (err: Error) => {
        done();
        proc.kill('SIGKILL');
        reject(err);
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.once('exit', onExit);
    });
    await waitForPort(stompPort, timeoutMs);
  }

  async function stop() {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const killer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
  }

  await start();
  return {
    get stompPort() {
      return stompPort;
    },
    get stompUrl() {
      return `stomp://127.0.0.1:${stompPort}`;
    },
    get sslPort() {
      return opts.tls ? sslPort : undefined;
    },
    get sslUrl() {
      return opts.tls ? `stomp+ssl://localhost:${sslPort}` : undefined;
    },
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    pid: () => child?.pid,
    async restart() {
      await stop();
      await start();
    },
    halt: stop,
    startAgain: start,
    async stop() {
      await stop();
      dir.remove();
    },
    output: () => output,
  };
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

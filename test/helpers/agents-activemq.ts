import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { tempDir } from './temp-dir.js';

/**
 * A real ActiveMQ 5.17 (Debian package) for the agents' tests and benchmark, started with a
 * project-owned config in a temp folder (TOOLCHAIN.md "ActiveMQ"): STOMP on a free loopback port,
 * optionally stomp+ssl with a keystore made by keytool, no JMX, no persistence, and no pending
 * message limit on topics (ActiveMQ's sample config discards messages for slow topic consumers;
 * the pipeline's agents may lag the DAQ simulator by thousands of messages in fast mode).
 */
export interface ActiveMq {
  host: string;
  port: number;
  /** stomp+ssl port when started with `ssl: true`. */
  sslPort?: number;
  /** PEM of the broker's self-signed certificate (CN/SAN localhost), the agents' CA file. */
  caFile?: string;
  /** SIGTERM and wait for exit (SIGKILL after 15 s). */
  stop(): Promise<void>;
  /** Starts again on the same ports (after stop). */
  start(): Promise<void>;
  /** stop + remove the folder. Safe to call twice. */
  close(): Promise<void>;
  output(): string;
}

const JAVA_OPENS = [
  'java.base/java.lang',
  'java.base/java.util',
  'java.base/java.util.concurrent',
  'java.base/java.net',
].flatMap((m) => ['--add-opens', `${m}=ALL-UNNAMED`]);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = netConnect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function activemqXml(stompPort: number, sslPort: number | undefined, base: string): string {
  const ssl =
    sslPort === undefined
      ? ''
      : `<sslContext><sslContext keyStore="file:${base}/conf/broker.ks" keyStorePassword="password"/></sslContext>`;
  const sslConnector =
    sslPort === undefined
      ? ''
      : `<transportConnector name="stomp+ssl" uri="stomp+ssl://127.0.0.1:${sslPort}"/>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<beans xmlns="http://www.springframework.org/schema/beans"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans-2.0.xsd
  http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="swf-agents-test"
          useJmx="false" persistent="false" advisorySupport="false" schedulerSupport="false"
          dataDirectory="\${activemq.data}">
    <destinationPolicy>
      <policyMap><policyEntries>
        <policyEntry topic="&gt;" producerFlowControl="true" memoryLimit="64mb"/>
        <policyEntry queue="&gt;" producerFlowControl="true" memoryLimit="64mb"/>
      </policyEntries></policyMap>
    </destinationPolicy>
    ${ssl}
    <plugins>
      <simpleAuthenticationPlugin anonymousAccessAllowed="false">
        <users><authenticationUser username="admin" password="admin" groups="users"/></users>
      </simpleAuthenticationPlugin>
    </plugins>
    <systemUsage><systemUsage>
      <memoryUsage><memoryUsage limit="256 mb"/></memoryUsage>
      <tempUsage><tempUsage limit="1 gb"/></tempUsage>
    </systemUsage></systemUsage>
    <transportConnectors>
      <transportConnector name="stomp" uri="stomp://127.0.0.1:${stompPort}"/>
      ${sslConnector}
    </transportConnectors>
  </broker>
</beans>
`;
}

const LOG4J = `log4j.rootLogger=WARN, console
log4j.appender.console=org.apache.log4j.ConsoleAppender
log4j.appender.console.layout=org.apache.log4j.PatternLayout
log4j.appender.console.layout.ConversionPattern=%d %-5p [%c{1}] %m%n
`;

export async function startActiveMq(opts: { ssl?: boolean } = {}): Promise<ActiveMq> {
  const dir = tempDir('swf-agents-amq-');
  const base = dir.path;
  for (const d of ['conf', 'data', 'tmp']) mkdirSync(join(base, d), { recursive: true });
  const port = await freePort();
  const sslPort = opts.ssl ? await freePort() : undefined;
  let caFile: string | undefined;
  if (opts.ssl) {
    const ks = join(base, 'conf/broker.ks');
    execFileSync(
      'keytool',
      [
        '-genkeypair',
        '-alias',
        'broker',
        '-keyalg',
        'RSA',
        '-keysize',
        '2048',
        '-validity',
        '2',
        '-dname',
        'CN=localhost',
        '-ext',
        'SAN=dns:localhost,ip:127.0.0.1',
        '-keystore',
        ks,
        '-storetype',
        'JKS',
        '-storepass',
        'password',
        '-keypass',
        'password',
      ],
      { stdio: 'ignore' },
    );
    caFile = join(base, 'conf/broker-ca.pem');
    execFileSync(
      'keytool',
      [
        '-exportcert',
        '-rfc',
        '-alias',
        'broker',
        '-keystore',
        ks,
        '-storepass',
        'password',
        '-file',
        caFile,
      ],
      { stdio: 'ignore' },
    );
  }
  writeFileSync(join(base, 'conf/activemq.xml'), activemqXml(port, sslPort, base));
  writeFileSync(join(base, 'conf/log4j.properties'), LOG4J);

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let out = '';

  async function start(): Promise<void> {
    const c = spawn(
      'java',
      [
        '-Xms64m',
        '-Xmx256m',
        ...JAVA_OPENS,
        `-Djava.io.tmpdir=${base}/tmp`,
        `-Dactivemq.classpath=${base}/conf`,
        '-Dactivemq.home=/usr/share/activemq',
        `-Dactivemq.base=${base}`,
        `-Dactivemq.conf=${base}/conf`,
        `-Dactivemq.data=${base}/data`,
        '-jar',
        '/usr/share/activemq/bin/activemq.jar',
        'start',
        `xbean:file:${base}/conf/activemq.xml`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = c;
    c.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    let gone = false;
    exited = new Promise((res) =>
      c.once('exit', () => {
        gone = true;
        res();
      }),
    );
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (gone) throw new Error(`ActiveMQ exited before accepting\n${out}`);
      const ready =
        (await portAccepts(port)) && (sslPort === undefined || (await portAccepts(sslPort)));
      if (ready) return;
      await new Promise((r) => setTimeout(r, 100)); // bounded poll for the port, not a sync sleep
    }
    c.kill('SIGKILL');
    throw new Error(`ActiveMQ did not accept on ${port} within 60 s\n${out}`);
  }

  async function stop(): Promise<void> {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    c.kill('SIGTERM');
    const timer = setTimeout(() => c.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
    child = undefined;
  }

  let closed = false;
  await start();
  return {
    host: '127.0.0.1',
    port,
    sslPort,
    caFile,
    stop,
    start,
    async close() {
      if (closed) return;
      closed = true;
      await stop();
      dir.remove();
    },
    output: () => out,
  };
}

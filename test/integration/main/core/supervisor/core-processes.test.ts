import { execFile, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';
import { nodeProgram } from '../../../../helpers/supervisor.js';
import { tempDir } from '../../../../helpers/temp-dir.js';
import { waitFor } from '../../../../helpers/wait-for.js';
import { alive } from '../../../../helpers/process-alive.js';

const CLI = fileURLToPath(new URL('../../../../../src/main/cli.ts', import.meta.url));
const run = promisify(execFile);

const VARS = [
  'ACTIVEMQ_HOST',
  'ACTIVEMQ_PORT',
  'ACTIVEMQ_USER',
  'ACTIVEMQ_PASSWORD',
  'ACTIVEMQ_USE_SSL',
  'ACTIVEMQ_SSL_CA_CERTS',
  'SWF_MONITOR_URL',
  'SWF_MONITOR_HTTP_URL',
  'SWF_API_TOKEN',
  'SWF_ENV_LOADED',
  'SWF_NAMESPACE',
  'SWF_TESTBED_CONFIG',
];

let tc: TestCore | undefined;
let fleetDir: ReturnType<typeof tempDir> | undefined;
afterEach(async () => {
  await tc?.close();
  tc = undefined;
  fleetDir?.remove();
  fleetDir = undefined;
});

describe('supervisor inside the control center', () => {
  it('gives agents the core environment, serves /api/cc/processes and status, stops programs on core stop', async () => {
    fleetDir = tempDir();
    const fleetFile = join(fleetDir.path, 'fleet.toml');
    writeFileSync(
      fleetFile,
      `[programs.envy]
${nodeProgram('print-env.js', ...VARS)}
startsecs = 0.2
[programs.idle]
${nodeProgram('sleep.js')}
startsecs = 0.2
autostart = false
[groups.g]
programs = ["idle"]
`,
    );
    tc = await startTestCore({ fleetFile, processMetricsSeconds: 0.3 });
    const { core } = tc;
    const envLine = await waitFor(
      'the env line',
      () => core.supervisor.tail('envy', 1)[0]?.line,
      10_000,
    );
    const env = JSON.parse(envLine) as Record<string, string>;
    expect(env).toMatchObject({
      ACTIVEMQ_HOST: '127.0.0.1',
      ACTIVEMQ_PORT: String(core.broker!.port),
      // The supervised pair, which may take the broker's reserved slots; not the user-visible one.
      ACTIVEMQ_USER: 'swf-supervised',
      ACTIVEMQ_PASSWORD: core.brokerCredentials.supervised.passcode,
      ACTIVEMQ_USE_SSL: 'false',
      ACTIVEMQ_SSL_CA_CERTS: '',
      SWF_MONITOR_URL: `http://127.0.0.1:${core.port}`,
      SWF_MONITOR_HTTP_URL: `http://127.0.0.1:${core.port}`,
      SWF_API_TOKEN: core.token,
      SWF_ENV_LOADED: 'true',
      SWF_NAMESPACE: 'test-ns',
    });
    expect(env.ACTIVEMQ_PASSWORD).not.toBe(
      readFileSync(join(tc.dataDir, 'broker-passcode'), 'utf8').trim(),
    );
    expect(readFileSync(env.SWF_TESTBED_CONFIG!, 'utf8')).toMatch(
      /\[testbed\]\nnamespace = "test-ns"/,
    );

    // The env line can come before startsecs has passed: wait for RUNNING, then look.
    await waitFor('envy RUNNING', () => core.supervisor.get('envy')?.state === 'RUNNING', 10_000);
    const list = (await (await tc.api('/api/cc/processes/')).json()) as {
      processes: { name: string; state: string }[];
      groups: Record<string, string[]>;
    };
    expect(list.processes.map((p) => [p.name, p.state])).toEqual([
      ['envy', 'RUNNING'],
      ['idle', 'STOPPED'],
    ]);
    expect(list.groups).toEqual({ g: ['idle'] });

    const started = await tc.api('/api/cc/processes/g/start/', { method: 'POST' });
    expect(started.status).toBe(200);
    const body = (await started.json()) as {
      processes: { name: string; state: string; pid: number }[];
    };
    expect(body.processes).toMatchObject([{ name: 'idle', state: 'RUNNING' }]);
    const idlePid = body.processes[0]!.pid;

    expect((await tc.api('/api/cc/processes/nope/start/', { method: 'POST' })).status).toBe(404);
    const tail = (await (
      await tc.api('/api/cc/processes/idle/tail/?lines=5&stream=stdout')
    ).json()) as {
      lines: { line: string }[];
    };
    await waitFor('the status table', async () => {
      const r = (await (await tc!.api('/api/cc/processes/idle/search/?q=STARTED')).json()) as {
        lines: unknown[];
      };
      return r.lines.length === 1;
    });
    expect(Array.isArray(tail.lines)).toBe(true);
    expect((await tc.api('/api/cc/processes/idle/search/?q=(&regex=true')).status).toBe(400);

    await waitFor('idle metrics', () => core.supervisor.get('idle')!.rssBytes !== null, 10_000);
    const status = (await (await tc.api('/api/cc/status/')).json()) as {
      processes: { name: string; rssBytes: number }[];
    };
    expect(status.processes.find((p) => p.name === 'idle')!.rssBytes).toBeGreaterThan(0);

    const { stdout } = await run(process.execPath, [
      '--import',
      'tsx',
      CLI,
      'status',
      '--data-dir',
      tc.dataDir,
    ]);
    expect(stdout).toMatch(/PROCESS\s+STATE\s+PID\s+UPTIME\s+CPU\s+RSS/);
    expect(stdout).toMatch(
      new RegExp(`idle\\s+RUNNING\\s+${idlePid}\\s+\\S+\\s+[\\d.]+%\\s+[\\d.]+ MB`),
    );

    const stopped = await tc.api('/api/cc/processes/all/stop/', { method: 'POST' });
    expect(
      ((await stopped.json()) as { processes: { state: string }[] }).processes.map((p) => p.state),
    ).toEqual(['STOPPED', 'STOPPED']);
    await tc.api('/api/cc/processes/idle/start/', { method: 'POST' });
    const again = core.supervisor.get('idle')!.pid!;
    await tc.close();
    tc = undefined;
    expect(alive(again)).toBe(false);
  }, 40_000);

  it('the real CLI core, SIGKILLed, leaves no child or grandchild behind', async () => {
    fleetDir = tempDir();
    const pidFile = join(fleetDir.path, 'pids');
    const fleetFile = join(fleetDir.path, 'fleet.toml');
    writeFileSync(
      fleetFile,
      `[programs.stubborn]\n${nodeProgram('stubborn.js', pidFile)}\nstartsecs = 0.2\nstopwaitsecs = 1\n`,
    );
    const core = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        CLI,
        'serve',
        '--port',
        '0',
        '--broker-port',
        '0',
        '--data-dir',
        join(fleetDir.path, 'data'),
      ],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
        env: { ...process.env, SWF_CC_FLEET_FILE: fleetFile },
      },
    );
    let out = '';
    core.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor('ready', () => out.includes('ready '), 20_000);
      const [pid, grandchild] = await waitFor('the pid file', () => {
        try {
          const p = readFileSync(pidFile, 'utf8').trim().split(' ').map(Number);
          return p.length === 2 ? p : undefined;
        } catch {
          return undefined;
        }
      });
      expect(alive(pid!) && alive(grandchild!)).toBe(true);
      core.kill('SIGKILL');
      await waitFor('child and grandchild gone', () => !alive(pid!) && !alive(grandchild!), 10_000);
    } finally {
      core.kill('SIGKILL');
    }
  }, 40_000);
});

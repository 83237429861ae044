import { spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';
import { ROOT } from '../../../../helpers/cli-process.js';

const PYTHON = '/usr/bin/python3';

function runPython(
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; lines: Record<string, unknown>[]; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(PYTHON, [script], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) =>
      resolve({
        code: code ?? -1,
        stderr: err,
        lines: out
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      }),
    );
  });
}

describe('an original-style Python BaseAgent (python3-requests) against the core', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await startTestCore();
  });
  afterAll(() => t.close());

  it('gets every answer it expects, and the core stores what it sent', async () => {
    const base = t.core.url.replace(/\/$/, '');
    const run = await runPython(join(ROOT, 'test/fixtures/python/base_agent_lifecycle.py'), {
      SWF_MONITOR_URL: base,
      SWF_MONITOR_HTTP_URL: base.replace('127.0.0.1', 'localhost'),
      SWF_API_TOKEN: t.core.token,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const byCall = (name: string) => run.lines.filter((l) => l.call === name);
    const user = userInfo().username;

    expect(byCall('next-agent-id')[0]).toEqual({
      call: 'next-agent-id',
      status: 200,
      body: { agent_id: 1, status: 'success' },
    });
    const name = `data-agent-${user}-1`;
    expect(run.lines.at(-1)).toEqual({ agent_name: name, done: true });
    expect(byCall('register-subscriber')[0]).toMatchObject({
      status: 201,
      body: { subscriber_name: `${name}-/topic/epictopic` },
    });
    expect(byCall('register-subscriber-again')[0]!.status).toBe(400);

    const hbs = byCall('heartbeat');
    expect(hbs.map((h) => h.status)).toEqual([201, 200, 200]);
    expect(hbs[0]!.body).toMatchObject({
      instance_name: name,
      status: 'OK',
      operational_state: 'READY',
      namespace: 'alice-dev',
    });
    expect(hbs[1]!.body).toMatchObject({ operational_state: 'PROCESSING', workflow_enabled: true });
    expect(byCall('log').map((l) => l.status)).toEqual([201, 201]);
    expect(byCall('check-monitor-health')[0]).toMatchObject({ status: 200 });
    expect(byCall('next-run-number')[0]!.body).toEqual({ run_number: 100010, status: 'success' });
    expect(byCall('ensure-namespace')[0]!.body).toMatchObject({
      name: 'alice-dev',
      created: true,
      status: 'success',
    });

    // What the core stored.
    const agent = t.core.store.agents.get(name)!;
    expect(agent).toMatchObject({
      agent_type: 'DATA',
      status: 'EXITED',
      operational_state: 'EXITED',
      namespace: 'alice-dev',
      hostname: 'laptop.local',
      description: 'DATA agent. Agent shutdown',
    });
    expect(
      t.core.store.heartbeats.query({ instanceName: name }).items.map((h) => h.operational_state),
    ).toEqual(['EXITED', 'PROCESSING', 'READY']);
    const logs = t.core.store.appLogs.query({ instanceName: name }).items;
    expect(logs.map((l) => [l.levelname, l.message])).toEqual([
      ['WARNING', 'slow disk'],
      ['INFO', 'Processing STF file'],
    ]);
    expect(logs[1]!.extra_data).toEqual({
      execution_id: 'stf_datataking-alice-0044',
      run_id: 100123,
      username: 'alice',
    });
    expect(logs[1]).toMatchObject({
      app_name: 'base_agent',
      module: 'base_agent_lifecycle',
      funcname: '<module>',
    });
    expect(
      t.core.store.subscribers.list({ subscriber_name: `${name}-/topic/epictopic` }).total,
    ).toBe(1);
  });
});

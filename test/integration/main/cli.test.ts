import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, runCli, spawnCore, type CoreProcess } from '../../helpers/cli-process.js';
import { waitFor } from '../../helpers/wait-for.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('swf-control-center serve', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => cleanup.splice(0).forEach((f) => f()));

  function dataDir() {
    const d = tempDir();
    cleanup.push(() => d.remove());
    return d.path;
  }
  function track(p: CoreProcess) {
    cleanup.push(() => p.child.exitCode === null && p.child.kill('SIGKILL'));
    return p;
  }

  it('prints ready, writes a 0600 token on first start, keeps it, and stops cleanly on SIGTERM and SIGINT', async () => {
    const dir = dataDir();
    const core = track(await spawnCore(['--port', '0', '--broker-port', '0', '--data-dir', dir]));
    expect(core.stdout()).toMatch(/^ready http:\/\/127\.0\.0\.1:\d+\/\n$/);
    const token = readFileSync(join(dir, 'token'), 'utf8').trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    if (process.platform !== 'win32') expect(statSync(join(dir, 'token')).mode & 0o777).toBe(0o600);

    const hb = await fetch(`${core.url}api/systemagents/heartbeat/`, {
      method: 'POST',
      headers: { authorization: `Token ${token}` },
      body: JSON.stringify({ instance_name: 'kept-1' }),
    });
    expect(hb.status).toBe(201);
    core.child.kill('SIGTERM');
    expect(await core.exited).toBe(0);

    const again = track(await spawnCore(['--port', '0', '--broker-port', '0', '--data-dir', dir]));
    expect(readFileSync(join(dir, 'token'), 'utf8').trim()).toBe(token);
    const list = (await (
      await fetch(`${again.url}api/systemagents/`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { instance_name: string }[];
    expect(list.map((a) => a.instance_name)).toEqual(['kept-1']);
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
  });

  it('keeps a heartbeat answered 2xx even when killed with SIGKILL right after', async () => {
    const dir = dataDir();
    const core = track(await spawnCore(['--port', '0', '--broker-port', '0', '--data-dir', dir]));
    const token = readFileSync(join(dir, 'token'), 'utf8').trim();
    const names = Array.from({ length: 50 }, (_, i) => `durable-${i}`);
    for (const name of names) {
      const res = await fetch(`${core.url}api/systemagents/heartbeat/`, {
        method: 'POST',
        headers: { authorization: `Token ${token}` },
        body: JSON.stringify({ instance_name: name, status: 'OK' }),
      });
      expect(res.status).toBe(201);
    }
    core.child.kill('SIGKILL');
    expect(await core.exited).toBe('SIGKILL');

    const again = track(await spawnCore(['--port', '0', '--broker-port', '0', '--data-dir', dir]));
    const list = (await (
      await fetch(`${again.url}api/systemagents/`, { headers: { authorization: `Token ${token}` } })
    ).json()) as { instance_name: string }[];
    expect(list.map((a) => a.instance_name).sort()).toEqual([...names].sort());
    again.child.kill('SIGTERM');
    await again.exited;
  });

  it('gives a one-line error naming the port and the flag when the port is busy', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    cleanup.push(() => blocker.close());
    const port = (blocker.address() as { port: number }).port;
    const res = await runCli([
      'serve',
      '--port',
      String(port),
      '--broker-port',
      '0',
      '--data-dir',
      dataDir(),
    ]);
    expect(res.code).toBe(1);
    expect(
      res.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('swf-control-center:')),
    ).toEqual([
      `swf-control-center: port ${port} is already in use (is another SWF Control Center running?); choose another with --port N`,
    ]);
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a bad flag or config with a message naming it', async () => {
    const bad = await runCli(['serve', '--port', 'eighty', '--data-dir', dataDir()]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--port must be a port number');
    const dir = dataDir();
    const cfg = join(dir, 'c.toml');
    (await import('node:fs')).writeFileSync(cfg, '[liveness]\naliveSeconds = "soon"\n');
    const badCfg = await runCli(['serve', '--config', cfg, '--data-dir', dir]);
    expect(badCfg.code).toBe(2);
    expect(badCfg.stderr).toContain('"liveness.aliveSeconds"');
  });

  it('status prints the fleet of a running core as a table', async () => {
    const dir = dataDir();
    const core = track(await spawnCore(['--port', '0', '--broker-port', '0', '--data-dir', dir]));
    const token = readFileSync(join(dir, 'token'), 'utf8').trim();
    await fetch(`${core.url}api/systemagents/heartbeat/`, {
      method: 'POST',
      headers: { authorization: `Token ${token}` },
      body: JSON.stringify({
        instance_name: 'daq_simulator-agent-alice-3',
        agent_type: 'DAQ_Simulator',
        operational_state: 'READY',
        pid: 4242,
      }),
    });
    const res = await runCli(['status', '--data-dir', dir]);
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split('\n');
    // The fleet table follows the broker and recorder lines.
    const header = lines.findIndex((l) =>
      /^AGENT\s+TYPE\s+STATUS\s+STATE\s+LIVENESS\s+HEARTBEAT\s+PID$/.test(l),
    );
    expect(header).toBeGreaterThanOrEqual(0);
    expect(lines[0]).toMatch(/^broker: embedded listening \(127\.0\.0\.1:\d+\)$/);
    expect(lines.find((l) => l.startsWith('daq_simulator-agent-alice-3'))).toMatch(
      /DAQ_Simulator\s+OK\s+READY\s+alive\s+\d+s ago\s+4242/,
    );
    core.child.kill('SIGTERM');
    await core.exited;
    const gone = await runCli(['status', '--data-dir', dir]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/no running core found/);
  });
  it(
    'installs the default fleet on first start and runs the four built-in agents',
    { timeout: 120_000 },
    async () => {
      const dir = dataDir();
      const core = track(
        await spawnCore(['--port', '0', '--broker-port', '0', '--data-dir', dir], {
          SWF_CC_NO_DEFAULT_FLEET: '0',
        }),
      );
      expect(readFileSync(join(dir, 'fleet.toml'), 'utf8')).toBe(
        readFileSync(join(ROOT, 'agents/fleet.default.toml'), 'utf8'),
      );
      const token = readFileSync(join(dir, 'token'), 'utf8').trim();
      const running = await waitFor('four RUNNING programs', async () => {
        const res = await fetch(`${core.url}api/cc/processes/`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const body = (await res.json()) as { processes: { name: string; state: string }[] };
        const up = body.processes
          .filter((p) => p.state === 'RUNNING')
          .map((p) => p.name)
          .sort();
        return up.length === 4 ? up : undefined;
      });
      expect(running).toEqual(['daqsim', 'data', 'fastmon', 'processing']);
      core.child.kill('SIGTERM');
      expect(await core.exited).toBe(0);
    },
  );
});

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, spawnCore, type CoreProcess } from '../../../helpers/cli-process.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function stopLater(core: CoreProcess) {
  cleanups.push(async () => {
    if (core.child.exitCode === null && core.child.signalCode === null) core.child.kill('SIGTERM');
    await core.exited;
  });
}

describe('one core per data folder', { timeout: 90_000 }, () => {
  it('refuses a second core on the same folder in under 2 s, naming the first URL and pid, and starts nothing', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const first = await spawnCore(['--port', '0', '--broker-port', '0', '--data-dir', dir.path]);
    stopLater(first);
    const infoBefore = readFileSync(join(dir.path, 'core.json'), 'utf8');

    const t0 = Date.now();
    const second = await runCli([
      'serve',
      '--port',
      '0',
      '--broker-port',
      '0',
      '--data-dir',
      dir.path,
    ]);
    const ms = Date.now() - t0;

    expect(second.code).toBe(1);
    expect(ms).toBeLessThan(2_000 + 1_500); // + the Node start-up of a loaded machine
    const lines = second.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(first.url);
    expect(lines[0]).toContain(`pid ${first.child.pid}`);
    expect(second.stdout).not.toMatch(/ready/);
    // The first core is untouched: its core.json survives, it still answers.
    expect(readFileSync(join(dir.path, 'core.json'), 'utf8')).toBe(infoBefore);
    const status = await runCli(['status', '--data-dir', dir.path]);
    expect(status.code).toBe(0);
  });

  it('takes over the lock of a core that was killed', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const first = await spawnCore(['--port', '0', '--broker-port', '0', '--data-dir', dir.path]);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(readFileSync(join(dir.path, 'core.lock'), 'utf8')).toContain(String(first.child.pid));

    const second = await spawnCore(['--port', '0', '--broker-port', '0', '--data-dir', dir.path]);
    stopLater(second);
    expect(readFileSync(join(dir.path, 'core.lock'), 'utf8')).toContain(String(second.child.pid));
  });

  it('says in one line which data folder cannot be used and why', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const blocker = join(dir.path, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const r = await runCli(['serve', '--port', '0', '--data-dir', join(blocker, 'data')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      `swf-control-center: cannot use the data folder ${join(blocker, 'data')}: a file of that name is in the way; choose another with --data-dir DIR`,
    ]);
  });
});

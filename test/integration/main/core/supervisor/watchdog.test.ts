import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../../src/main/core/logger.js';
import { startWatchdog } from '../../../../../src/main/core/supervisor/watchdog.js';
import { tempDir } from '../../../../helpers/temp-dir.js';
import { waitFor } from '../../../../helpers/wait-for.js';
import { alive } from '../../../../helpers/process-alive.js';

/**
 * The watchdog's wait for a program's stop time is counted in rounds of its shell loop; on a
 * loaded machine a round takes far longer than its 50 ms sleep. Here every `sleep` the watchdog
 * runs takes half a second (a PATH shim), as on a machine under heavy load: a program that ignores
 * SIGTERM and has a 1 s stop time must still be killed within a few seconds, not after 20 slow
 * rounds.
 */
describe.skipIf(process.platform === 'win32')('process watchdog under slow rounds', () => {
  const dir = tempDir('swf-watchdog-');
  const savedPath = process.env.PATH;
  afterEach(() => {
    process.env.PATH = savedPath;
  });

  it('kills a program ignoring SIGTERM about its stop time after the core is gone', async () => {
    writeFileSync(join(dir.path, 'sleep'), '#!/bin/sh\nexec /bin/sleep 0.5\n');
    chmodSync(join(dir.path, 'sleep'), 0o755);
    const stubborn = spawn(
      process.execPath,
      ['-e', "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000);"],
      { detached: true, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let out = '';
    stubborn.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor('the stubborn program ready', () => out.includes('ready'));
    const pid = stubborn.pid!;
    try {
      process.env.PATH = `${dir.path}:${savedPath ?? ''}`;
      const watchdog = startWatchdog(silentLogger);
      process.env.PATH = savedPath;
      watchdog.register(pid, 'SIGTERM', 1000);
      const t0 = Date.now();
      await watchdog.close();
      await waitFor('the stubborn program gone', () => !alive(pid), 15_000);
      const ms = Date.now() - t0;
      // At least its stop time; at most stop time + 2 s of clock rounding + a few slow rounds.
      expect(ms).toBeGreaterThanOrEqual(1000);
      expect(ms).toBeLessThan(5000);
    } finally {
      if (alive(pid)) process.kill(-pid, 'SIGKILL');
      dir.remove();
    }
  }, 30_000);
});

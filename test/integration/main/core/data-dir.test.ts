import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../src/main/core/config.js';
import { startControlCenter } from '../../../../src/main/core/control-center.js';
import { type Logger, silentLogger } from '../../../../src/main/core/logger.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const mode = (path: string) => statSync(path).mode & 0o777;

function capturingLogger(lines: string[]): Logger {
  const self: Logger = {
    ...silentLogger,
    info: (m) => lines.push(m),
    warn: (m) => lines.push(m),
    child: () => self,
  };
  return self;
}

describe.skipIf(process.platform === 'win32')('data folder permissions', () => {
  const dirs: { remove(): void }[] = [];
  let umask: number | undefined;
  afterEach(() => {
    if (umask !== undefined) process.umask(umask);
    for (const d of dirs.splice(0)) d.remove();
  });

  const start = (dataDir: string, lines: string[] = []) =>
    startControlCenter({
      logger: capturingLogger(lines),
      config: parseConfig({ port: 0, dataDir, namespace: 'perm-ns', broker: { port: 0 } }),
    });

  it('creates the folder 0700 and every file 0600 even with umask 000', async () => {
    const tmp = tempDir();
    dirs.push(tmp);
    umask = process.umask(0);
    const dataDir = join(tmp.path, 'data');
    const core = await start(dataDir);
    try {
      // A write so the WAL and shared-memory files exist.
      await core.heartbeats.submit({ instance_name: 'perm-agent' }, 'rest');
      expect(mode(dataDir)).toBe(0o700);
      const files = readdirSync(dataDir);
      expect(files).toEqual(expect.arrayContaining(['token', 'swf-control-center.sqlite']));
      expect(files.some((f) => f.endsWith('-wal'))).toBe(true);
      for (const f of files) {
        const p = join(dataDir, f);
        if (statSync(p).isDirectory()) expect(mode(p), f).toBe(0o700);
        else expect(mode(p), f).toBe(0o600);
      }
    } finally {
      await core.stop();
    }
  });

  it('tightens an existing folder and its files on start, with a log line', async () => {
    const tmp = tempDir();
    dirs.push(tmp);
    const dataDir = join(tmp.path, 'data');
    mkdirSync(join(dataDir, 'logs'), { recursive: true });
    writeFileSync(join(dataDir, 'fleet.toml'), '# fleet\n');
    writeFileSync(join(dataDir, 'logs', 'old.log'), 'x\n');
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'logs'), 0o755);
    chmodSync(join(dataDir, 'fleet.toml'), 0o644);
    chmodSync(join(dataDir, 'logs', 'old.log'), 0o644);
    const lines: string[] = [];
    const core = await start(dataDir, lines);
    try {
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(join(dataDir, 'logs'))).toBe(0o700);
      expect(mode(join(dataDir, 'fleet.toml'))).toBe(0o600);
      expect(mode(join(dataDir, 'logs', 'old.log'))).toBe(0o600);
      expect(lines.some((l) => /readable by others; made owner-only/.test(l))).toBe(true);
    } finally {
      await core.stop();
    }
  });
});

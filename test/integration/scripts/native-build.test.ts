import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureNativeModule, packageDir } from '../../../scripts/electron-setup.js';
import { openDb } from '../../../src/main/core/store/db.js';
import { tempDir } from '../../helpers/temp-dir.js';

// The Electron-ABI build cannot run here (no Electron headers without github/electronjs.org),
// so the same code path builds for this Node's ABI from the local headers: a real node-gyp
// compile in a copy of better-sqlite3, loaded through `nativeBinding`, with the package's own
// build (the one `npm test` loads) checked to be untouched.
const nodeHeaders = existsSync('/usr/include/node/node.h') ? '/usr' : undefined;
// A full compile takes 1.5-4 minutes on two shared cores: opt in with SWF_CC_NATIVE_BUILD_TEST=1.
const slowOptIn = process.env.SWF_CC_NATIVE_BUILD_TEST === '1';
const nodeBuild = join(packageDir('better-sqlite3'), 'build', 'Release', 'better_sqlite3.node');
const fingerprint = (path: string) => ({
  sha: createHash('sha256').update(readFileSync(path)).digest('hex'),
  mtime: statSync(path).mtimeMs,
});

let dir: ReturnType<typeof tempDir>;
beforeAll(() => {
  dir = tempDir();
});
afterAll(() => dir.remove());

describe.skipIf(!nodeHeaders || !slowOptIn)(
  'native module build in a copy (SWF_CC_NATIVE_BUILD_TEST=1)',
  () => {
    it('builds, loads through nativeBinding, and leaves node_modules/better-sqlite3/build alone', async () => {
      const before = fingerprint(nodeBuild);
      const started = Date.now();
      const result = await ensureNativeModule({
        nativeRoot: join(dir.path, 'native'),
        runtime: 'node',
        target: process.versions.node,
        abi: process.versions.modules,
        nodedir: nodeHeaders,
        timeoutMs: 600_000,
      });
      const seconds = (Date.now() - started) / 1000;
      process.stdout.write(
        `native build for node ${process.versions.node}: ${seconds.toFixed(1)} s\n`,
      );
      expect(result, JSON.stringify(result)).toMatchObject({ status: 'built' });
      expect(result.path).toBe(
        join(
          dir.path,
          'native',
          `node-${process.versions.node}-${process.versions.modules}`,
          'better_sqlite3.node',
        ),
      );
      expect(fingerprint(nodeBuild)).toEqual(before);

      const db = openDb(join(dir.path, 'x.sqlite'), { nativeBinding: result.path });
      try {
        db.exec('CREATE TABLE t (v TEXT)');
        db.prepare('INSERT INTO t VALUES (?)').run('from the copy');
        expect(db.prepare('SELECT v FROM t').get()).toEqual({ v: 'from the copy' });
      } finally {
        db.close();
      }
      // The work folder is gone; a second start finds the build at once.
      const again = await ensureNativeModule({
        nativeRoot: join(dir.path, 'native'),
        runtime: 'node',
        target: process.versions.node,
        abi: process.versions.modules,
        timeoutMs: 1000,
      });
      expect(again).toEqual({ status: 'present', path: result.path });
    }, 700_000);
  },
);

describe('native module build failure', () => {
  it('headers unavailable: fails fast with a one-line reason and a log, leaves no binding', async () => {
    const mirror = createServer((_req, res) => {
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((r) => mirror.listen(0, '127.0.0.1', r));
    try {
      const port = (mirror.address() as AddressInfo).port;
      const result = await ensureNativeModule({
        nativeRoot: join(dir.path, 'native-fail'),
        runtime: 'electron',
        target: '45.4.1',
        abi: '150',
        distUrl: `http://127.0.0.1:${port}/headers`,
        timeoutMs: 120_000,
        // A fresh header cache, so nothing downloaded earlier can be used.
        env: { ...process.env, npm_config_devdir: join(dir.path, 'gyp-cache') },
      });
      expect(result.status).toBe('failed');
      expect(result.detail).toMatch(/404/);
      expect(result.detail).not.toContain('\n');
      expect(existsSync(result.log!)).toBe(true);
      expect(
        existsSync(join(dir.path, 'native-fail', 'electron-45.4.1-150', 'better_sqlite3.node')),
      ).toBe(false);
    } finally {
      mirror.close();
    }
  });
});

import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli-process.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * The test layout rule (README, "Tests"): `test/<kind>/<dir>/<name>.test.ts`, where `<kind>` is
 * `unit` or `integration` and `<dir>` is the folder under test with a leading `src/` dropped
 * (`main/core/broker`, `shared`), or a folder at the repository root (`agents/lib`, `scripts`),
 * or nothing for a file at the root itself (`electron-builder.yml`). Only test files live there;
 * shared helpers are in `test/helpers/`, fixtures in `test/fixtures/`.
 */
const KINDS = ['unit', 'integration'];
const NOT_SOURCE = new Set(['src', 'node_modules', 'out', 'dist', 'release', '.git']);

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function filesUnder(dir: string): string[] {
  if (!isDir(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** Files under `test/unit` and `test/integration` of `root` that break the rule, with why. */
function misplacedTests(root: string): string[] {
  const wrong: string[] = [];
  for (const kind of KINDS) {
    const base = join(root, 'test', kind);
    for (const file of filesUnder(base)) {
      const shown = relative(root, file).split(sep).join('/');
      if (!file.endsWith('.test.ts')) {
        wrong.push(`${shown}: not a test file (helpers belong in test/helpers/)`);
        continue;
      }
      const dir = relative(base, join(file, '..')).split(sep).join('/');
      if (dir === '') continue;
      const first = dir.split('/')[0]!;
      const mirrors =
        !NOT_SOURCE.has(first) && (isDir(join(root, 'src', dir)) || isDir(join(root, dir)));
      if (!mirrors) wrong.push(`${shown}: no folder src/${dir} or ${dir} in the repository`);
    }
  }
  return wrong.sort();
}

describe('test layout', () => {
  it('every unit and integration test sits in the folder of the source it tests', () => {
    expect(misplacedTests(ROOT)).toEqual([]);
  });

  it('reports a test in a folder that mirrors no source folder, and a helper among the tests', () => {
    const dir = tempDir('swf-test-layout-');
    try {
      const put = (path: string) => {
        mkdirSync(join(dir.path, path, '..'), { recursive: true });
        writeFileSync(join(dir.path, path), '');
      };
      mkdirSync(join(dir.path, 'src/main/core/broker'), { recursive: true });
      mkdirSync(join(dir.path, 'agents/lib'), { recursive: true });
      put('test/unit/main/core/broker/router.test.ts');
      put('test/unit/agents/lib/settings.test.ts');
      put('test/unit/config.test.ts');
      put('test/unit/broker/router.test.ts');
      put('test/integration/src/main/core/broker/router.test.ts');
      put('test/integration/main/core/broker/client.ts');
      expect(misplacedTests(dir.path)).toEqual([
        'test/integration/main/core/broker/client.ts: not a test file (helpers belong in test/helpers/)',
        'test/integration/src/main/core/broker/router.test.ts: no folder src/src/main/core/broker or src/main/core/broker in the repository',
        'test/unit/broker/router.test.ts: no folder src/broker or broker in the repository',
      ]);
    } finally {
      dir.remove();
    }
  });
});

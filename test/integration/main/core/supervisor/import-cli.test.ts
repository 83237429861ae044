import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFleetFile } from '../../../../../src/main/core/supervisor/fleet.js';
import { tempDir } from '../../../../helpers/temp-dir.js';

const CLI = fileURLToPath(new URL('../../../../../src/main/cli.ts', import.meta.url));
const CONF = fileURLToPath(
  new URL('../../../../fixtures/supervisord/agents.supervisord.conf', import.meta.url),
);
const run = promisify(execFile);

let dir: ReturnType<typeof tempDir> | undefined;
afterEach(() => dir?.remove());

describe('swf-control-center import-supervisord', () => {
  it('writes a fleet file the supervisor loads, and reports what it left out', async () => {
    dir = tempDir();
    const out = join(dir.path, 'fleet.toml');
    const { stderr } = await run(process.execPath, [
      '--import',
      'tsx',
      CLI,
      'import-supervisord',
      CONF,
      '-o',
      out,
    ]);
    expect(stderr).toMatch(/wrote .*fleet\.toml: 7 programs, 1 groups/);
    expect(stderr).toMatch(/note: \[unix_http_server\], \[supervisord\]/);
    const fleet = loadFleetFile(out);
    expect(fleet.programs['workflow-runner']).toMatchObject({
      command: 'python',
      args: ['workflows/workflow_runner.py'],
      stopsignal: 'QUIT',
    });
    expect(readFileSync(out, 'utf8')).toMatch(/^# Imported from /);
  });

  it('fails with file:line for a bad config', async () => {
    dir = tempDir();
    const bad = join(dir.path, 'bad.conf');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(bad, '[program:x]\ncommand=python a.py\nstartsecs=abc\n');
    const err = await run(process.execPath, [
      '--import',
      'tsx',
      CLI,
      'import-supervisord',
      bad,
    ]).then(
      () => undefined,
      (e: { stderr: string; code: number }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stderr).toMatch(/bad\.conf:3: \[program:x\] startsecs: not a number: "abc"/);
  });
});

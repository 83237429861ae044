import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveLaunch } from '../../../../../src/main/core/supervisor/launch.js';
import { parseFleet } from '../../../../../src/main/core/supervisor/fleet.js';
import { importSupervisord } from '../../../../../src/main/core/supervisor/supervisord-import.js';
import { tempDir } from '../../../../helpers/temp-dir.js';

const CONF = join(import.meta.dirname, '../../../../fixtures/supervisord/agents.supervisord.conf');

const dirs: { remove(): void }[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

/** `<home>/swf-testbed/agents.supervisord.conf`, as the testbed's checkout lays it out. */
function testbedCheckout(withVenv: boolean) {
  const home = tempDir();
  dirs.push(home);
  const testbed = join(home.path, 'swf-testbed');
  mkdirSync(testbed);
  const conf = join(testbed, 'agents.supervisord.conf');
  copyFileSync(CONF, conf);
  if (withVenv) {
    mkdirSync(join(testbed, '.venv', 'bin'), { recursive: true });
    writeFileSync(join(testbed, '.venv', 'bin', 'python'), '#!/bin/sh\n');
    chmodSync(join(testbed, '.venv', 'bin', 'python'), 0o755);
  }
  return { home: home.path, testbed, conf };
}

type Programs = Record<string, { command: string; cwd?: string }>;

describe('import-supervisord on the testbed checkout', () => {
  it('resolves ${SWF_HOME} from the checkout and python to its virtualenv, with a note for each', () => {
    const t = testbedCheckout(true);
    const r = importSupervisord(readFileSync(t.conf, 'utf8'), t.conf, { PATH: '/usr/bin' });
    const programs = (parse(r.toml) as { programs: Programs }).programs;
    const data = programs['example-data-agent']!;
    expect(data.cwd).toBe(t.testbed);
    expect(data.command).toBe(join(t.testbed, '.venv', 'bin', 'python'));
    expect(r.notes.join('\n')).toMatch(/\$\{SWF_HOME\} is not set; used /);
    expect(r.notes.join('\n')).toMatch(/used the testbed's .*\.venv\/bin\/python/);
  });

  it('without a virtualenv, says which interpreter to set', () => {
    const t = testbedCheckout(false);
    const r = importSupervisord(readFileSync(t.conf, 'utf8'), t.conf, { PATH: '/usr/bin' });
    expect(r.notes.join('\n')).toContain(
      `set command to the testbed virtualenv's python (e.g. ${join(t.testbed, '.venv', 'bin', 'python')})`,
    );
  });

  it('outside a checkout, names the variable to set', () => {
    const r = importSupervisord(readFileSync(CONF, 'utf8'), CONF, { PATH: '/usr/bin' });
    expect(r.notes.join('\n')).toMatch(
      /\$\{SWF_HOME\} is not set; set SWF_HOME in the control center's environment/,
    );
  });
});

describe('a program whose folder or command is missing', () => {
  const launchOf = (toml: string) => {
    const fleet = parseFleet(toml, 'fleet.toml');
    const spec = { name: 'p', index: 0, config: fleet.programs.p! };
    return resolveLaunch(spec as Parameters<typeof resolveLaunch>[0], {
      baseEnv: { PATH: '/usr/bin:/bin' },
      agentEnv: {},
      baseDir: '/',
      resolveAgent: () => '/nonexistent.js',
    });
  };

  it('names the unset variable behind a missing cwd', () => {
    const r = launchOf('[programs.p]\ncommand = "sh"\ncwd = "${SWF_HOME}/swf-testbed"\n');
    expect(r).toEqual({
      ok: false,
      reason:
        "cwd /swf-testbed does not exist: ${SWF_HOME} not set; set SWF_HOME in the control center's environment or put the path in the fleet file",
    });
  });

  it('tells a missing python to use the testbed virtualenv', () => {
    const r = launchOf('[programs.p]\ncommand = "python3.99"\ncwd = "/tmp"\n');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(
      /command not found: python3\.99 .*set command to its python \(e\.g\. \/tmp\/\.venv\/bin\/python\)/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import {
  expandProcesses,
  FleetError,
  parseFleet,
} from '../../../../../src/main/core/supervisor/fleet.js';
import { locateTomlKey } from '../../../../../src/main/core/supervisor/toml-locate.js';

const errorOf = (text: string) => {
  try {
    parseFleet(text, '/x/fleet.toml');
  } catch (err) {
    if (err instanceof FleetError) return err;
    throw err;
  }
  throw new Error('no error');
};

describe('fleet file', () => {
  it('parses programs with defaults, numprocs names and groups', () => {
    const fleet = parseFleet(`
[programs.web]
command = "python"
args = ["-u", "x.py"]
numprocs = 3
stopsignal = "SIGQUIT"
autorestart = "unexpected"
[programs.data]
agent = "data"
autostart = false
[groups.agents]
programs = ["web", "data"]
`);
    expect(fleet.programs.web).toMatchObject({
      autostart: true,
      startsecs: 1,
      startretries: 3,
      stopsignal: 'QUIT',
      stopwaitsecs: 10,
      exitcodes: [0],
      log_backups: 5,
    });
    expect(expandProcesses(fleet).map((p) => p.name)).toEqual([
      'web:00',
      'web:01',
      'web:02',
      'data',
    ]);
    expect(fleet.groups.agents!.programs).toEqual(['web', 'data']);
  });

  it('a TOML syntax error names file and line', () => {
    const err = errorOf('[programs.a]\ncommand = "x"\nargs = [1,\n');
    expect(err.message).toMatch(/^\/x\/fleet\.toml:\d+: /);
    expect(err.issues[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('a validation error names file, line and key', () => {
    const err = errorOf(`
[programs.ok]
command = "a"

[programs.bad]
command = "b"
startsecs = -1
`);
    expect(err.message).toBe(
      '/x/fleet.toml:7: "programs.bad.startsecs": Too small: expected number to be >=0',
    );
    const unknown = errorOf('[programs.a]\ncommand = "x"\nstartsec = 2\n');
    expect(unknown.message).toBe('/x/fleet.toml:3: "programs.a.startsec": unknown key "startsec"');
    const both = errorOf('[programs.a]\ncommand = "x"\nagent = "data"\n');
    expect(both.message).toMatch(
      /fleet\.toml:1: "programs\.a": give exactly one of "command" or "agent"/,
    );
    const badAgent = errorOf('[programs.a]\nagent = "nope"\n');
    expect(badAgent.message).toMatch(/fleet\.toml:2: "programs\.a\.agent": /);
    const group = errorOf('[programs.a]\ncommand = "x"\n[groups.g]\nprograms = ["a", "zz"]\n');
    expect(group.message).toMatch(
      /fleet\.toml:4: "groups\.g\.programs\.1": group "g" names unknown program "zz"/,
    );
    const sig = errorOf('[programs.a]\ncommand = "x"\nstopsignal = "BOGUS"\n');
    expect(sig.issues[0]!.line).toBe(3);
  });

  it('locates dotted keys and quoted table names', () => {
    const text = '[programs."my.prog"]\ncommand = "x"\nenv.FOO = 1\n[programs.b]\nargs = [1]\n';
    expect(locateTomlKey(text, ['programs', 'my.prog', 'env', 'FOO'])).toBe(3);
    expect(locateTomlKey(text, ['programs', 'b', 'args', 0])).toBe(5);
    expect(locateTomlKey(text, ['programs', 'b', 'missing'])).toBe(4);
  });
});

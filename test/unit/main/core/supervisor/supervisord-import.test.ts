import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseFleet } from '../../../../../src/main/core/supervisor/fleet.js';
import {
  importSupervisord,
  splitCommand,
  SupervisordImportError,
} from '../../../../../src/main/core/supervisor/supervisord-import.js';

const CONF = fileURLToPath(
  new URL('../../../../fixtures/supervisord/agents.supervisord.conf', import.meta.url),
);

describe('import-supervisord', () => {
  it("turns the testbed's agents.supervisord.conf into a valid fleet file", () => {
    const result = importSupervisord(readFileSync(CONF, 'utf8'), CONF);
    const fleet = parseFleet(result.toml);
    expect(Object.keys(fleet.programs)).toEqual([
      'example-data-agent',
      'example-processing-agent',
      'example-fastmon-agent',
      'fast-processing-agent',
      'workflow-runner',
      'stf-data-agent',
      'stf-processing-agent',
    ]);
    expect(fleet.programs['stf-data-agent']).toMatchObject({
      command: 'python',
      args: ['-u', 'agents/data_agent.py', '-v'],
      cwd: '${SWF_HOME}/swf-testbed',
      env: { SWF_TESTBED_CONFIG: '${SWF_TESTBED_CONFIG}' },
      autostart: false,
      autorestart: true,
      stopwaitsecs: 10,
      stopsignal: 'QUIT',
    });
    expect(fleet.groups['example-agents']!.programs).toEqual([
      'example-data-agent',
      'example-processing-agent',
      'example-fastmon-agent',
    ]);
    expect(result.notes.join('\n')).toMatch(/\[supervisord\].*skipped/);
    expect(result.notes.join('\n')).toMatch(/stdout_logfile, stderr_logfile left out/);
  });

  it('handles quoting, sizes, exitcodes, numprocs and errors with file:line', () => {
    const conf = `[program:x]
command=/usr/bin/env "a b" 'c d' e\\ f
environment=A="1,2",B=plain , C='q'
exitcodes=0,2
numprocs=2
process_name=%(program_name)s_%(process_num)02d
stdout_logfile_maxbytes=1MB
stdout_logfile_backups=2
startsecs=0
`;
    const fleet = parseFleet(importSupervisord(conf, '/etc/s.conf').toml);
    expect(fleet.programs.x).toMatchObject({
      command: '/usr/bin/env',
      args: ['a b', 'c d', 'e f'],
      env: { A: '1,2', B: 'plain', C: 'q' },
      exitcodes: [0, 2],
      numprocs: 2,
      log_max_bytes: 1024 * 1024,
      log_backups: 2,
      startsecs: 0,
    });
    expect(() => importSupervisord('[program:y]\nautostart=maybe\n', '/etc/s.conf')).toThrow(
      SupervisordImportError,
    );
    expect(() => importSupervisord('[program:y]\nautostart=maybe\n', '/etc/s.conf')).toThrow(
      /\/etc\/s\.conf:2: \[program:y\] autostart: not a boolean/,
    );
    expect(splitCommand(`python -c "print('x y')"`)).toEqual(['python', '-c', "print('x y')"]);
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCore, type CoreProcess } from '../../../helpers/cli-process.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { waitFor } from '../../../helpers/wait-for.js';

/**
 * `swf-control-center run` and `status` as a user types them, against a real `serve` with the
 * default fleet: a run from a testbed TOML followed to its end, a long run shown by `status`, a
 * second run refused with the DAQ simulator's reason, and a stopped run ending `--wait` non-zero.
 */
describe('swf-control-center run', () => {
  const dir = tempDir();
  let core: CoreProcess;
  let token: string;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(new URL(path, core.url), {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
  const cli = (...args: string[]) => runCli([...args, '--data-dir', dir.path]);

  beforeAll(async () => {
    core = await spawnCore(['--port', '0', '--broker-port', '0', '--data-dir', dir.path], {
      SWF_CC_NO_DEFAULT_FLEET: '0',
    });
    token = readFileSync(join(dir.path, 'token'), 'utf8').trim();
    await waitFor(
      'four agents READY',
      async () => {
        const body = (await (await api('api/cc/status/')).json()) as {
          agents: { operational_state: string }[];
        };
        return body.agents.filter((a) => a.operational_state === 'READY').length >= 4;
      },
      90_000,
      200,
    );
  }, 120_000);
  afterAll(async () => {
    if (core && core.child.exitCode === null) {
      core.child.kill('SIGTERM');
      await core.exited;
    }
    dir.remove();
  }, 60_000);

  it(
    'runs a testbed TOML to the end with progress per stage and exits 0',
    { timeout: 120_000 },
    async () => {
      const toml = join(dir.path, 'quick.toml');
      writeFileSync(
        toml,
        '[workflow]\nname = "stf_datataking"\nrealtime = false\n\n[parameters]\nstf_count = 9\nphysics_period_count = 1\n',
      );
      const r = await cli('run', '--config', toml, '--stf-count', '4', '--wait');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const lines = r.stdout.trim().split('\n');
      const [, exec, run] = /^execution (stf_datataking-\S+-\d{4}) run (\d+)$/.exec(lines[0]!)!;
      // The flag wins over the file: 4 STFs, each through every stage.
      expect(lines.at(-2)).toMatch(
        new RegExp(
          `^run ${run} completed/ended: STFs generated 4, ready 4, processed 4, fastmon 4; TF samples \\d+$`,
        ),
      );
      expect(lines.at(-1)).toBe(`execution ${exec} completed`);
      const execution = (await (await api(`api/cc/workflow/executions/${exec}/`)).json()) as {
        execution: { status: string; parameter_values: Record<string, unknown> };
      };
      expect(execution.execution).toMatchObject({
        status: 'completed',
        parameter_values: { realtime: false },
      });
      // The simulator records the resolved config section by section: the flag's count is in it.
      const sections = Object.values(execution.execution.parameter_values).filter(
        (v): v is Record<string, unknown> => typeof v === 'object' && v !== null,
      );
      expect(sections.filter((s) => 'stf_count' in s).map((s) => s.stf_count)).toContain(4);
      expect(sections.filter((s) => 'stf_count' in s).map((s) => s.stf_count)).not.toContain(9);
    },
  );

  it(
    'shows the running execution, refuses a second run, and a stopped run ends --wait non-zero',
    { timeout: 120_000 },
    async () => {
      const idle = await cli('status');
      expect(idle.stdout).toMatch(/^execution: none running$/m);
      // Real time with the default schedule: long enough to look at while it runs.
      const waiting = cli('run', '--stf-count', '500', '--wait');
      const shown = await waitFor(
        'status to show the running execution',
        async () => {
          const s = await cli('status');
          return /^execution: (stf_datataking-\S+) running for \d+s, run (\d+) /m.exec(s.stdout);
        },
        60_000,
        200,
      );
      const [, exec, run] = shown;
      const second = await cli('run', '--stf-count', '3');
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(
        new RegExp(
          `^swf-control-center: the DAQ simulator refused: execution ${exec} \\(run ${run}, .*still running; send stop_workflow first\\n$`,
        ),
      );
      const stop = await api('api/cc/workflow/stop/', {
        method: 'POST',
        body: JSON.stringify({ execution_id: exec }),
      });
      expect(await stop.json()).toEqual({
        accepted: true,
        execution_id: exec,
        run_number: Number(run),
        reason: null,
      });
      const ended = await waiting;
      expect(ended.code).toBe(1);
      expect(ended.stdout).toMatch(new RegExp(`^execution ${exec} run ${run}\\n`));
      // Progress per stage while it ran, from the first poll on.
      expect(ended.stdout).toMatch(
        new RegExp(
          `^run ${run} \\S+: STFs generated \\d+, ready \\d+, processed \\d+, fastmon \\d+; TF samples \\d+$`,
          'm',
        ),
      );
      expect(ended.stderr).toBe(`swf-control-center: execution ${exec} terminated\n`);
      expect((await cli('status')).stdout).toMatch(/^execution: none running$/m);
    },
  );

  it('says what is wrong with a bad request', async () => {
    const bad = await cli('run', '--stf-count', 'many');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--stf-count must be a positive whole number, got "many"/);
    const toml = join(dir.path, 'bad.toml');
    writeFileSync(toml, '[parameters]\nstf_count = 3\nnamespace = "x"\n');
    const unknown = await cli('run', '--config', toml);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown \[parameters\] namespace/);
  });
});

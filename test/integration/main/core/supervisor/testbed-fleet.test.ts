import { execFile } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { stringify } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_WORKFLOW_CONFIGS } from '../../../../../agents/daqsim/builtin-configs.js';
import type { RunProgress } from '../../../../../src/shared/workflow-messages.js';
import { ensureAgentsBuilt } from '../../../../helpers/agent-fleet.js';
import { ROOT } from '../../../../helpers/cli-process.js';
import { startTestCore, type TestCore } from '../../../../helpers/core.js';
import { tempDir } from '../../../../helpers/temp-dir.js';
import { waitFor } from '../../../../helpers/wait-for.js';

const CLI = fileURLToPath(new URL('../../../../../src/main/cli.ts', import.meta.url));
const PYTHON = join(ROOT, 'test/fixtures/python');

/**
 * The testbed's own supervisord file, imported by the CLI with neither SWF_HOME nor a virtualenv
 * in its environment, runs the testbed's programs on the core: here a checkout whose data agent
 * and workflow runner are the Python stand-ins of this repository and whose `.venv/bin/python`
 * is the system interpreter. The built-in processing and fastmon agents complete the pipeline.
 */
describe('the testbed agents.supervisord.conf, imported, runs the testbed programs', () => {
  const home = tempDir('swf-home-');
  const testbed = join(home.path, 'swf-testbed');
  let tc: TestCore;
  let importNotes = '';

  beforeAll(async () => {
    ensureAgentsBuilt();
    mkdirSync(join(testbed, 'example_agents'), { recursive: true });
    mkdirSync(join(testbed, 'workflows'), { recursive: true });
    mkdirSync(join(testbed, '.venv', 'bin'), { recursive: true });
    symlinkSync('/usr/bin/python3', join(testbed, '.venv', 'bin', 'python'));
    copyFileSync(
      join(ROOT, 'test/fixtures/supervisord/agents.supervisord.conf'),
      join(testbed, 'agents.supervisord.conf'),
    );
    copyFileSync(
      join(PYTHON, 'example_data_agent.py'),
      join(testbed, 'example_agents/example_data_agent.py'),
    );
    copyFileSync(join(PYTHON, 'workflow_runner.py'), join(testbed, 'workflows/workflow_runner.py'));
    for (const [file, config] of Object.entries(BUILTIN_WORKFLOW_CONFIGS))
      writeFileSync(join(testbed, 'workflows', file), stringify(config));

    const fleet = join(home.path, 'fleet.toml');
    const { stderr } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        CLI,
        'import-supervisord',
        join(testbed, 'agents.supervisord.conf'),
        '-o',
        fleet,
      ],
      { env: { PATH: process.env.PATH, HOME: home.path } },
    );
    importNotes = stderr + readFileSync(fleet, 'utf8');
    appendFileSync(
      fleet,
      '\n[programs.processing]\nagent = "processing"\nautostart = true\n' +
        '\n[programs.fastmon]\nagent = "fastmon"\nautostart = true\n',
    );
    tc = await startTestCore({ fleetFile: fleet });
  }, 120_000);

  afterAll(async () => {
    await tc?.close();
    home.remove();
  }, 60_000);

  it('resolves SWF_HOME and the venv python, starts the runner and data agent, and a run completes', async () => {
    expect(importNotes).toContain(`\${SWF_HOME} is not set; used ${home.path}`);
    expect(importNotes).toContain(`used the testbed's ${join(testbed, '.venv', 'bin', 'python')}`);
    const res = await tc.api('/api/cc/processes/example-data-agent/start/', { method: 'POST' });
    expect(res.status).toBe(200);
    expect(
      (await tc.api('/api/cc/processes/workflow-runner/start/', { method: 'POST' })).status,
    ).toBe(200);
    const { core } = tc;
    await waitFor(
      'the runner, the data agent, processing and fastmon READY',
      () =>
        core.store.agents
          .list({})
          .items.filter((a) => a.operational_state === 'READY')
          .map((a) => a.instance_name.split('-agent-')[0])
          .sort()
          .join() === ['daq_simulator', 'data', 'fastmon', 'stf_processing'].sort().join(),
      60_000,
    );
    let ended: RunProgress | undefined;
    core.bus.on('run.progress', (p) => {
      if (p.state === 'ended' && p.stf.processed === 4 && p.stf.fastmon === 4) ended = p;
    });
    await core.broker!.send(
      '/queue/workflow_control',
      JSON.stringify({
        msg_type: 'run_workflow',
        namespace: core.config.namespace,
        workflow_name: 'stf_datataking',
        config: 'fast_processing_default',
        realtime: false,
        params: { stf_count: 4 },
      }),
    );
    const progress = await waitFor('a run with 4 STFs at every stage', () => ended, 120_000);
    expect(progress.stf).toEqual({ generated: 4, ready: 4, processed: 4, fastmon: 4 });
    expect(core.supervisor.get('workflow-runner')?.state).toBe('RUNNING');
    expect(core.supervisor.get('example-data-agent')?.state).toBe('RUNNING');
  }, 240_000);
});

import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PromptOutput } from '../../../../agents/daqsim/prompt-output.js';
import { tempDir } from '../../../helpers/temp-dir.js';

describe('prompt_processing output folder', () => {
  const dir = tempDir('swf-prompt-');
  afterAll(() => dir.remove());
  const env = { SWF_DATA_DIR: join(dir.path, 'data'), MINE: dir.path };

  it('takes [prompt_processing].container, then SWF_PROMPT_PROCESSING_CONTAINER, then the data folder', () => {
    expect(
      new PromptOutput(7, { prompt_processing: { container: '$MINE/c' } }, env).container,
    ).toBe(join(dir.path, 'c'));
    expect(
      new PromptOutput(
        7,
        { prompt_processing: { container: '' } },
        {
          ...env,
          SWF_PROMPT_PROCESSING_CONTAINER: '~/pp',
        },
      ).container,
    ).toBe(join(homedir(), 'pp'));
    const out = new PromptOutput(7, {}, env);
    expect(out).toMatchObject({ container: env.SWF_DATA_DIR, dataset: 'swf.7.run' });
    expect(out.folder).toBe(join(env.SWF_DATA_DIR, 'swf.7.run'));
  });

  it('writes each STF as its message JSON into <container>/swf.<run>.run, owner-only', async () => {
    const out = new PromptOutput(9, { prompt_processing: { container: join(dir.path, 'w') } }, env);
    await out.prepare();
    await out.write('swf.9.000001.stf', { msg_type: 'stf_gen', sequence: 1 });
    const file = join(dir.path, 'w', 'swf.9.run', 'swf.9.000001.stf');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ msg_type: 'stf_gen', sequence: 1 });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('names the folder it could not make', async () => {
    writeFileSync(join(dir.path, 'a-file'), '');
    const container = join(dir.path, 'a-file', 'c');
    const blocked = new PromptOutput(1, { prompt_processing: { container } }, env);
    await expect(blocked.prepare()).rejects.toThrow(
      `could not create the output folder ${join(container, 'swf.1.run')}`,
    );
  });
});

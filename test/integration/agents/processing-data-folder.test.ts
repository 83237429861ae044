import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adlerTag } from '../../../agents/lib/adler32.js';
import { tokenPath } from '../../../src/main/core/token.js';
import {
  type LoneProcessingAgent,
  startLoneProcessingAgent,
} from '../../helpers/lone-processing-agent.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

/**
 * Anyone who can publish names the file the processing agent reads; it must read only files in
 * its data folder, or it would announce the checksum of any file its user can read (the API
 * token's included). The agent runs as the supervisor runs it, against the core's own broker.
 */
describe('the processing agent reads only files inside its data folder', () => {
  let lone: LoneProcessingAgent;
  const data = tempDir('swf-processing-data-');

  beforeAll(async () => {
    lone = await startLoneProcessingAgent(data.path);
  }, 60_000);

  afterAll(async () => {
    await lone?.close();
    data.remove();
  });

  const stfReady = (filename: string, path: string, checksum: string) =>
    lone.publish({
      msg_type: 'stf_ready',
      run_id: 7,
      filename,
      file_url: pathToFileURL(path).href,
      checksum,
    });
  const outcome = (filename: string) =>
    waitFor(`processing_complete for ${filename}`, () =>
      lone.completed.find((m) => m.filename === filename),
    );

  it('checks a file inside, refuses the token file and a symlink to it, unread', async () => {
    mkdirSync(join(data.path, 'run_7'));
    const inside = join(data.path, 'run_7', 'swf.7.000001.stf');
    writeFileSync(inside, 'stf bytes');
    const link = join(data.path, 'run_7', 'swf.7.000003.stf');
    symlinkSync(tokenPath(lone.tc.dataDir), link);
    const tokenSum = adlerTag(readFileSync(tokenPath(lone.tc.dataDir)));

    await stfReady('swf.7.000001.stf', inside, adlerTag(readFileSync(inside)));
    await stfReady('swf.7.000002.stf', tokenPath(lone.tc.dataDir), 'ad:00000001');
    await stfReady('swf.7.000003.stf', link, 'ad:00000001');

    expect(await outcome('swf.7.000001.stf')).toMatchObject({ status: 'ok' });
    for (const name of ['swf.7.000002.stf', 'swf.7.000003.stf']) {
      const m = await outcome(name);
      expect(m).toMatchObject({ status: 'failed' });
      expect(String(m.error)).toMatch(/outside the data folder/);
      expect(JSON.stringify(m)).not.toContain(tokenSum.replace(/^ad:/, ''));
    }
  }, 60_000);
});

import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readStfFile, SYNC_IO_MAX_BYTES, writeStfFile } from '../../../../agents/lib/file-io.js';
import { tempDir } from '../../../helpers/temp-dir.js';

describe('STF file I/O', () => {
  const dir = tempDir('swf-cc-file-io-');
  afterEach(() => rmSync(join(dir.path, 'run_1'), { recursive: true, force: true }));
  afterAll(() => dir.remove());

  it('creates the run folder at the first file and again when it was removed', async () => {
    const path = join(dir.path, 'run_1', 'a.stf');
    await writeStfFile(path, Buffer.from('first'));
    expect(readFileSync(path, 'utf8')).toBe('first');
    rmSync(join(dir.path, 'run_1'), { recursive: true });
    await writeStfFile(path, Buffer.from('second'));
    expect((await readStfFile(path, 6)).toString()).toBe('second');
  });

  it('writes and reads a file above the synchronous limit through the thread pool', async () => {
    const path = join(dir.path, 'run_1', 'big.stf');
    const big = Buffer.alloc(SYNC_IO_MAX_BYTES + 1, 3);
    await writeStfFile(path, big);
    expect((await readStfFile(path, big.length)).equals(big)).toBe(true);
  });

  it('reports an error other than a missing folder as it is', async () => {
    // The folder exists but the file name is a folder: EISDIR, not retried as ENOENT.
    await writeStfFile(join(dir.path, 'run_1', 'x'), Buffer.from('x'));
    await expect(writeStfFile(join(dir.path, 'run_1'), Buffer.from('y'))).rejects.toThrow(/EISDIR/);
  });
});

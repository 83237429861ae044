import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the data agent writes STF files and the processing agent may read them. */
export function agentDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SWF_DATA_DIR || join(tmpdir(), 'swf-control-center-data');
}

/**
 * The local path behind a `file:` URL, only when it lies inside `folder` once every symlink is
 * resolved: a message names the file, so without this check anyone who can publish could make
 * the agent read (and announce the checksum of) any file its user can read.
 */
export function fileInsideFolder(fileUrl: string, folder: string): string {
  // The native call is one libc realpath; the JS one is an lstat per path component.
  const path = realpathSync.native(fileURLToPath(fileUrl));
  const root = realpathSync.native(folder);
  const rel = relative(root, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel))
    throw new Error(`${fileUrl} is outside the data folder ${root}`);
  return path;
}

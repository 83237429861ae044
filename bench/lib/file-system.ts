import { readFileSync } from 'node:fs';
import { basename, resolve, sep } from 'node:path';

/**
 * What file system a folder is on, said for the benchmark's output: the data agent creates one
 * file per STF, and what that costs depends on it. On Linux the mount is found in
 * `/proc/self/mountinfo`; an ext4 without a journal is named, because its inode allocator passes
 * over every inode freed in the last one to five minutes one by one, so a run that follows a
 * deletion of many files pays for each of them on every file it creates. Elsewhere: undefined.
 */
export function describeFileSystem(folder: string): string | undefined {
  let mounts: string;
  try {
    mounts = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return undefined;
  }
  const path = resolve(folder);
  let best: { point: string; type: string; source: string } | undefined;
  for (const line of mounts.split('\n')) {
    const [left, right] = line.split(' - ');
    const point = left?.split(' ')[4]?.replace(/\\040/g, ' ');
    const [type, source] = right?.split(' ') ?? [];
    if (!point || !type || !source) continue;
    const inside = path === point || path.startsWith(point === sep ? sep : point + sep);
    if (inside && (!best || point.length >= best.point.length)) best = { point, type, source };
  }
  if (!best) return undefined;
  if (best.type !== 'ext4') return `${best.type} (${best.point})`;
  let journal = '';
  try {
    const task = readFileSync(`/sys/fs/ext4/${basename(best.source)}/journal_task`, 'utf8');
    if (task.trim() === '<none>')
      journal =
        ' without a journal: each new file passes over the inodes freed in the last minutes';
  } catch {
    // not readable here: say nothing about the journal
  }
  return `ext4 (${best.point}, ${best.source})${journal}`;
}

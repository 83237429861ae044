import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Up to this size an STF file is read and written synchronously. For the small files of a busy
 * run the thread-pool round trips of the async calls (open, write or read, close: each a wake-up
 * of a pool thread and of the loop) cost the agent several times the CPU of the I/O itself, about
 * 115 µs against 20 µs for a 4 kB file on a virtual machine, while the synchronous call holds the
 * event loop for tens of microseconds. Larger files go through the thread pool so heartbeats keep
 * their schedule.
 */
export const SYNC_IO_MAX_BYTES = 1024 * 1024;

/** Reads a whole file; `expectedBytes` (announced by its producer) picks the way. */
export async function readStfFile(
  path: string,
  expectedBytes: number | null | undefined,
): Promise<Buffer> {
  if (expectedBytes != null && expectedBytes <= SYNC_IO_MAX_BYTES) return readFileSync(path);
  return readFile(path);
}

/**
 * Writes a whole file, creating its folder when it is missing (first STF of a run, or a folder
 * removed meanwhile), so the caller need not look for the folder before every file.
 */
export async function writeStfFile(path: string, bytes: Buffer): Promise<void> {
  const write = () =>
    bytes.length <= SYNC_IO_MAX_BYTES ? writeFileSync(path, bytes) : writeFile(path, bytes);
  try {
    await write();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(dirname(path), { recursive: true });
    await write();
  }
}

import { closeSync, mkdirSync, open, readFileSync, writeSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Up to this size an STF file is read, and written, mostly synchronously. For the small files of a
 * busy run the thread-pool round trips of the async calls (open, write or read, close: each a
 * wake-up of a pool thread and of the loop) cost the agent several times the CPU of the I/O
 * itself: a 4 kB file measured 75-185 µs of CPU through `fs.promises.writeFile`, 17-27 µs
 * synchronously, 45-50 µs with only the open on the pool. Larger files go through the thread
 * pool so heartbeats keep their schedule.
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

/** `open` on the thread pool, answering a plain descriptor (a FileHandle costs more to make). */
function openForWrite(path: string): Promise<number> {
  return new Promise((resolve, reject) =>
    open(path, 'w', (err, fd) => (err ? reject(err) : resolve(fd))),
  );
}

/**
 * Writes a whole file, creating its folder when it is missing (first STF of a run, or a folder
 * removed meanwhile), so the caller need not look for the folder before every file. A small file
 * is created on the thread pool and written and closed synchronously: creating the entry is what
 * can wait, for a millisecond or more while the file system commits its journal, and the event
 * loop should not wait with it; writing a few kB into the page cache and closing do not wait.
 */
export async function writeStfFile(path: string, bytes: Buffer): Promise<void> {
  const write = async () => {
    if (bytes.length > SYNC_IO_MAX_BYTES) return writeFile(path, bytes);
    const fd = await openForWrite(path);
    try {
      writeSync(fd, bytes);
    } finally {
      closeSync(fd);
    }
  };
  try {
    await write();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(dirname(path), { recursive: true });
    await write();
  }
}

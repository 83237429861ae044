import { readFileSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';

/**
 * Up to this size an STF file is read or written synchronously: for the small files of a busy
 * run the thread-pool round trips of the async calls (open, write or read, close) cost the agent
 * more CPU than the I/O itself, while a synchronous call holds the event loop for microseconds.
 * Larger files go through the thread pool so heartbeats keep their schedule.
 */
export const SYNC_IO_MAX_BYTES = 1024 * 1024;

export async function writeStfFile(path: string, bytes: Buffer): Promise<void> {
  if (bytes.length <= SYNC_IO_MAX_BYTES) writeFileSync(path, bytes);
  else await writeFile(path, bytes);
}

/** Reads a whole file; `expectedBytes` (announced by its producer) picks the way. */
export async function readStfFile(
  path: string,
  expectedBytes: number | null | undefined,
): Promise<Buffer> {
  if (expectedBytes != null && expectedBytes <= SYNC_IO_MAX_BYTES) return readFileSync(path);
  return readFile(path);
}

import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/**
 * Up to this size an STF file is read synchronously: for the small files of a busy run the
 * thread-pool round trips of the async calls (open, fstat, read, close) cost the agent more CPU
 * than the read itself, while a synchronous read holds the event loop for microseconds. Larger
 * files go through the thread pool so heartbeats keep their schedule. (Writes stay async: creating
 * a file can take a millisecond on a journaling file system, which the loop should not wait out.)
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

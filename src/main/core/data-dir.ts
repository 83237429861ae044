import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Logger } from './logger.js';

/** The data folder holds the token, broker secrets and every recorded message: owner only. */
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/** The data folder cannot be made or written: one line for the user, never a stack trace. */
export class DataDirError extends Error {
  constructor(dataDir: string, cause: NodeJS.ErrnoException, options?: ErrorOptions) {
    const why =
      cause.code === 'EACCES' || cause.code === 'EPERM'
        ? 'permission denied'
        : cause.code === 'EROFS'
          ? 'the file system is read-only'
          : cause.code === 'ENOTDIR' || cause.code === 'EEXIST'
            ? 'a file of that name is in the way'
            : cause.code === 'ENOSPC'
              ? 'the disk is full'
              : cause.message;
    super(
      `cannot use the data folder ${dataDir}: ${why}; choose another with --data-dir DIR`,
      options,
    );
    this.name = 'DataDirError';
  }
}

const loose = (mode: number, want: number) => (mode & 0o777 & ~want) !== 0;

/**
 * Creates the data folder owner-only, or tightens an existing one and everything in it (an older
 * install or a permissive umask left them group/world readable). Symbolic links are not followed.
 * Answers how many entries were tightened so the caller can log it.
 */
function secureDataDir(dataDir: string): { tightened: number } {
  mkdirSync(dataDir, { recursive: true, mode: DIR_MODE });
  if (process.platform === 'win32') return { tightened: 0 };
  let tightened = 0;
  const stack = [dataDir];
  while (stack.length) {
    const dir = stack.pop()!;
    const st = lstatSync(dir);
    if (loose(st.mode, DIR_MODE)) {
      chmodSync(dir, DIR_MODE);
      tightened++;
    }
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) stack.push(path);
      else if (entry.isFile() && loose(lstatSync(path).mode, FILE_MODE)) {
        chmodSync(path, FILE_MODE);
        tightened++;
      }
    }
  }
  return { tightened };
}

/**
 * Makes sure `path` exists as an owner-only file before a library creates it with its own mode
 * (SQLite gives its WAL and shared-memory files the database file's permissions).
 */
export function ensurePrivateFile(path: string): void {
  closeSync(openSync(path, 'a', FILE_MODE));
  if (process.platform !== 'win32') chmodSync(path, FILE_MODE);
}

/**
 * {@link secureDataDir}, saying so in the log when an existing folder had to be tightened; a
 * folder that cannot be made or written is a {@link DataDirError} (one line for the user).
 */
export function prepareDataDir(dataDir: string, log: Logger): void {
  let tightened: number;
  try {
    ({ tightened } = secureDataDir(dataDir));
    accessSync(dataDir, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new DataDirError(dataDir, err as NodeJS.ErrnoException, { cause: err });
  }
  if (tightened)
    log.warn(
      `data folder ${dataDir}: ${tightened} entries were readable by others; made owner-only (0700 folders, 0600 files)`,
    );
}

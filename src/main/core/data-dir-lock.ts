import {
  closeSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

const lockPath = (dataDir: string) => join(dataDir, 'core.lock');

/** A second core on the same data folder would run a second fleet on the same database. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    readonly url: string | null,
  ) {
    super(
      `a control center is already running on ${dataDir} (pid ${pid}${url ? `, ${url}` : ''}); ` +
        'stop it first, or use another folder with --data-dir DIR',
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else; it still holds the folder.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock younger than this without a pid is a starter between create and write, not stale. */
const HALF_WRITTEN_GRACE_MS = 5_000;

function readPid(path: string): number | null {
  try {
    const pid = Number((JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown }).pid);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function mtimeMs(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** The URL the holder published once it listened (it may still be starting). */
function runningUrl(dataDir: string, pid: number): string | null {
  try {
    const info = JSON.parse(readFileSync(join(dataDir, 'core.json'), 'utf8')) as {
      pid?: unknown;
      url?: unknown;
    };
    return info.pid === pid && typeof info.url === 'string' ? info.url : null;
  } catch {
    return null;
  }
}

/**
 * Takes the data folder for this process: `core.lock` made with O_EXCL holds the owner's pid.
 * A lock whose pid is gone (a killed core) is taken over; a live one refuses with its URL and pid.
 * The folder must exist (`prepareDataDir`).
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  const path = lockPath(dataDir);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readPid(path);
      if (holder !== null && isAlive(holder))
        throw new DataDirLockedError(dataDir, holder, runningUrl(dataDir, holder));
      if (holder === null && Date.now() - mtimeMs(path) < HALF_WRITTEN_GRACE_MS)
        throw new Error(`another control center is starting on ${dataDir}; try again`, {
          cause: err,
        });
      // Stale (its core was killed) or half-written: move it aside rather than unlink, so two
      // starters racing for the same stale lock cannot both delete and both create.
      try {
        renameSync(path, `${path}.stale-${process.pid}`);
        rmSync(`${path}.stale-${process.pid}`, { force: true });
      } catch (renameErr) {
        if ((renameErr as NodeJS.ErrnoException).code !== 'ENOENT') throw renameErr;
      }
      continue;
    }
    writeSync(fd, JSON.stringify({ pid: process.pid, at: new Date().toISOString() }));
    closeSync(fd);
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        if (readPid(path) === process.pid) rmSync(path, { force: true });
      },
    };
  }
  throw new Error(`could not take ${path}: another process keeps replacing it`);
}

import { readFileSync } from 'node:fs';

/** A process's CPU split and system calls so far, from Linux's /proc; undefined elsewhere. */
export interface ProcCounters {
  /** Clock ticks in user and in kernel mode (all threads). */
  user: number;
  system: number;
  /** read-like and write-like system calls (sockets and files alike). */
  reads: number;
  writes: number;
}

export function procCounters(pid: number): ProcCounters | undefined {
  try {
    // The command name (field 2) may hold spaces; the fields after it are space-separated.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(io)?.[1]);
    // utime and stime are fields 14 and 15 of stat; the list after the name starts at field 3.
    return {
      user: Number(rest[11]),
      system: Number(rest[12]),
      reads: field('syscr'),
      writes: field('syscw'),
    };
  } catch {
    return undefined;
  }
}

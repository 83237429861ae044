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

/** The whole machine's CPU ticks so far, from Linux's /proc/stat; undefined elsewhere. */
export interface MachineCounters {
  busy: number;
  idle: number;
  /** Ticks a hypervisor gave to other guests while this one had work: lost capacity. */
  steal: number;
}

export function machineCounters(): MachineCounters | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]!
      .split(/\s+/)
      .slice(1)
      .map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already inside user).
    const [user, nice, system, idle, iowait, irq, softirq, steal] = cpu as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    return { busy: user + nice + system + irq + softirq, idle: idle + iowait, steal };
  } catch {
    return undefined;
  }
}

/** "N % busy, M % stolen" between two readings, or undefined off Linux. */
export function machineShare(a?: MachineCounters, b?: MachineCounters): string | undefined {
  if (!a || !b) return undefined;
  const busy = b.busy - a.busy;
  const steal = b.steal - a.steal;
  const total = busy + steal + (b.idle - a.idle) || 1;
  return `${Math.round((busy / total) * 100)} % busy, ${Math.round((steal / total) * 100)} % taken by the hypervisor (steal)`;
}

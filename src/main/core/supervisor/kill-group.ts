/** Signals a whole process group; false when it is gone already. */
export function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    // Windows has no process groups or signals: ending the leader is the best it offers.
    process.kill(process.platform === 'win32' ? pgid : -pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is gone already.
  }
}

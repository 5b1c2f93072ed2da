import fs from 'node:fs';

/**
 * Whether process `pid` exists on this host and has not exited. Signal 0 only checks: EPERM means the
 * process exists but belongs to another user (a lock or scratch folder it holds is live), ESRCH that
 * it is gone. A zombie (exited, not yet reaped: a rank whose mpirun died first waits for a container's
 * init to reap it, seconds here) answers signal 0 too, so Linux's /proc says which it is.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** The state field of /proc/PID/stat (after the parenthesised command, which may hold spaces) is Z; false where /proc is absent. */
function isZombie(pid: number): boolean {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
}

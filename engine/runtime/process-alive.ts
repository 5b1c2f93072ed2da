/**
 * Whether process `pid` exists on this host. Signal 0 only checks: EPERM means the process exists
 * but belongs to another user (a lock or scratch folder it holds is live), ESRCH that it is gone.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

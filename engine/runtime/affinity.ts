// Binding one thread to chosen CPUs, as OSU's latency test binds its two ranks to cores (mpirun
// --bind-to core). Two threads ping-ponging on a 2-core machine run in whichever placement the
// scheduler picks (both on one core or one each), and each placement is its own latency mode:
// measured with the gate's link metrics, a tcp 10 B ratio spread 0.39-2.42 unbound and 1.01-1.11
// with the pinger on one CPU and the echo threads on the other. Linux only: the thread's id comes
// from /proc/thread-self and util-linux's taskset sets the mask (Node has no sched_setaffinity).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** Parses a CPU list as the kernel prints it (`0-3,6,8-9`); [] for anything else. */
export function parseCpuList(text: string): number[] {
  const cpus: number[] = [];
  for (const part of text.trim().split(',')) {
    const m = /^(\d{1,4})(?:-(\d{1,4}))?$/.exec(part);
    if (!m) return [];
    const [from, to] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (to < from) return [];
    for (let c = from; c <= to; c++) cpus.push(c);
  }
  return cpus;
}

/** The CPUs this thread may run on (Cpus_allowed_list of /proc/thread-self/status); [] where that cannot be read. */
export function allowedCpus(): number[] {
  try {
    const m = /^Cpus_allowed_list:\s*(\S+)$/m.exec(fs.readFileSync('/proc/thread-self/status', 'utf8'));
    return m ? parseCpuList(m[1]) : [];
  } catch {
    return [];
  }
}

/** This thread's kernel id (a worker thread's differs from the process id); undefined off Linux. */
function threadId(): number | undefined {
  try {
    return Number(/\/task\/(\d+)$/.exec(fs.readlinkSync('/proc/thread-self'))?.[1]) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Restricts the calling thread (only it: threads it starts later inherit the mask) to `cpus`;
 * returns whether that took effect. Fails quietly where there is no taskset, no /proc, or a CPU
 * outside the allowed set: the caller then runs unbound and says so.
 */
export function bindThisThread(cpus: number[]): boolean {
  const tid = threadId();
  if (tid === undefined || cpus.length === 0) return false;
  try {
    execFileSync('taskset', ['-p', '-c', cpus.join(','), String(tid)], { stdio: 'ignore', timeout: 5000 });
  } catch {
    return false;
  }
  return allowedCpus().join(',') === [...cpus].sort((a, b) => a - b).join(',');
}

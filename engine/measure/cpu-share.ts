// How much of the machine other processes took while something was timed: the CPU time every CPU
// spent busy (/proc/stat, steal included: a hypervisor's other guests count as others too), minus
// this process's own (all its threads, and the children it has waited for: /proc/self/stat), over
// all the CPU time there was. A ratio of two timings survives a machine that is uniformly slower;
// it does not survive other work that comes and goes, or that takes the cores a parallel contender
// needs. This share says which case a measurement was in. Linux only; elsewhere it is unknown.
import fs from 'node:fs';

export interface CpuTicks {
  /** ticks every CPU spent in anything but idle and iowait */
  busy: number;
  /** all ticks of all CPUs */
  total: number;
  /** ticks of this process and its waited-for children */
  own: number;
}

/** Busy and total ticks from /proc/stat's first line (`cpu user nice system idle iowait irq softirq steal ...`). */
export function parseProcStat(text: string): { busy: number; total: number } {
  const line = text.split('\n').find((l) => /^cpu\s/.test(l));
  const fields = line?.trim().split(/\s+/).slice(1, 9).map(Number);
  if (!fields || fields.length < 8 || fields.some((f) => !Number.isFinite(f) || f < 0)) throw new Error(`/proc/stat: no "cpu" line with 8 counters: ${JSON.stringify(line ?? text.slice(0, 80))}`);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/** utime + stime + cutime + cstime from /proc/<pid>/stat (fields 14-17; the name in parentheses may hold spaces). */
export function parseProcSelfStat(text: string): number {
  const rest = text.slice(text.lastIndexOf(')') + 1).trim().split(/\s+/);
  // rest[0] is field 3 (state), so field k is rest[k - 3]
  const ticks = [14, 15, 16, 17].map((k) => Number(rest[k - 3]));
  if (text.lastIndexOf(')') < 0 || ticks.some((t) => !Number.isFinite(t) || t < 0)) throw new Error(`/proc/self/stat: cannot read the CPU time fields: ${JSON.stringify(text.slice(0, 80))}`);
  return ticks.reduce((a, b) => a + b, 0);
}

/** The counters now, or undefined where /proc is not there. */
export function cpuTicks(): CpuTicks | undefined {
  let stat: string;
  let self: string;
  try {
    stat = fs.readFileSync('/proc/stat', 'utf8');
    self = fs.readFileSync('/proc/self/stat', 'utf8');
  } catch {
    return undefined; // not Linux: the share stays unknown
  }
  return { ...parseProcStat(stat), own: parseProcSelfStat(self) };
}

/** Share (0..1) of all CPU time between two readings that went to other processes; undefined when unknown. */
export function othersShare(before: CpuTicks | undefined, after: CpuTicks | undefined): number | undefined {
  if (!before || !after) return undefined;
  const total = after.total - before.total;
  if (total <= 0) return undefined;
  const others = after.busy - before.busy - (after.own - before.own);
  return Math.min(1, Math.max(0, others / total));
}

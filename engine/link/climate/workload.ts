// Sizing the coupled model's workload so that a table's proportions hold on this machine. The
// bytes a secured link carries a day are given (a paper's table implies them) and sent as messages
// of a fixed size; the one knob left, how much a rank computes a step, is set on short runs of the
// cells the table is calibrated on (no security and security everywhere, on both transports),
// against the cipher's cost measured in the same runs. The other cells (security on the coupler
// only) are then predictions.
import type { ModelSpec, Workload } from './cluster.js';
import { initialSlab, step } from './model.js';

/** A table's proportions: (all secure - no security), its mean over the transports, over no security on each. */
export interface TableShape {
  securedOverNone: { shm: number; tcp: number };
}

/** The transports a calibration runs on: both with threads, tcp alone under mpirun (no shm between processes). */
export type CalibrationTransport = 'shm' | 'tcp';

/**
 * Seconds a simulated day of the calibration cells, each the median of its repetitions in one
 * round, for each transport calibrated on.
 */
export interface CalibrationRound {
  workload: Workload;
  none: Partial<Record<CalibrationTransport, number>>;
  all: Partial<Record<CalibrationTransport, number>>;
}

export interface WorkloadPlan {
  /** bytes an atmosphere rank sends each neighbour a day in transposes (and receives back) */
  transposeBytesPerDay: number;
  /** bytes of one transpose message (rounded to whole float64s) */
  messageBytes: number;
  stepsPerDay: number;
  /** ocean sweeps per atmosphere sweep (the models' own proportion) */
  oceanSweepsPerAtmosphere: number;
}

/** The plan's transposes with `sweeps` physics sweeps an atmosphere step. */
export function workloadOf(plan: WorkloadPlan, sweeps: number): Workload {
  const perStep = plan.transposeBytesPerDay / plan.stepsPerDay;
  const transposeMessages = Math.max(1, Math.round(perStep / plan.messageBytes));
  const atmosphere = Math.max(0, Math.round(sweeps));
  return {
    physicsSweeps: { atmosphere, ocean: Math.round(atmosphere * plan.oceanSweepsPerAtmosphere) },
    transposeMessages,
    transposeBytes: Math.max(8, 8 * Math.round(perStep / transposeMessages / 8)),
  };
}

const TRANSPORTS = ['shm', 'tcp'] as const;

/**
 * The next sweeps from the rounds so far (the last one last): the cipher's extra seconds a day (all
 * minus none) do not depend on compute, so the unsecured day each transport should take follows
 * from the table's proportion, and compute moves the unsecured days (their mean) there. The slope
 * of a day in sweeps comes from the last round and the latest one with other sweeps; without one,
 * from `sweepS`, the measured seconds of a sweep, scaled by how much slower the cipher ran in the
 * round than `cipherSPerDay`, its seconds a day measured alone (the rank threads share the cores).
 */
export function nextSweeps(plan: WorkloadPlan, shape: TableShape, rounds: CalibrationRound[], alone: { sweepS: number; cipherSPerDay: number }): number {
  const last = rounds[rounds.length - 1];
  // the mean over the transports the rounds ran on
  const transports = TRANSPORTS.filter((t) => last.none[t] !== undefined && last.all[t] !== undefined);
  const mean = (f: (t: CalibrationTransport) => number) => transports.reduce((s, t) => s + f(t), 0) / transports.length;
  const at = (r: CalibrationRound, mode: 'none' | 'all', t: CalibrationTransport) => r[mode][t] ?? NaN;
  const sweeps = last.workload.physicsSweeps.atmosphere;
  const extra = Math.max(mean((t) => at(last, 'all', t) - at(last, 'none', t)), 0);
  const shortBy = mean((t) => extra / shape.securedOverNone[t] - at(last, 'none', t));
  const other = [...rounds].reverse().find((r) => r.workload.physicsSweeps.atmosphere !== sweeps);
  const secant = other ? (mean((t) => at(last, 'none', t)) - mean((t) => at(other, 'none', t))) / (sweeps - other.workload.physicsSweeps.atmosphere) : NaN;
  const slowdown = Math.max(extra / alone.cipherSPerDay, 1);
  const modelled = alone.sweepS * plan.stepsPerDay * slowdown;
  // Two rounds a few sweeps apart on a busy machine can differ by noise alone, and a secant near
  // zero would send the next round to no compute at all: it is trusted within 3x of the model.
  const slope = secant > modelled / 3 && secant < modelled * 3 ? secant : modelled;
  return Math.max(0, sweeps + shortBy / slope);
}

/** The cells a calibration round runs on `transports`, in its order. */
export const calibrationCells = (transports: readonly CalibrationTransport[] = TRANSPORTS) => transports.flatMap((intra) => (['none', 'all'] as const).map((mode) => ({ intra, mode })));

/** Seconds one physics sweep adds to a step of one rank of `spec` (the fastest of a few timings). */
export function measureSweepS(spec: ModelSpec): number {
  const surface = new Float64Array(Math.ceil(spec.grid.ny / spec.ranks) * spec.grid.nx);
  const time = (sweeps: number) => {
    const slab = initialSlab(spec.grid, spec.ranks, 0, 0);
    let best = Infinity;
    for (let i = 0; i < 5; i++) {
      const t0 = process.hrtime.bigint();
      step(slab, spec.diffusivity, surface, spec.coupling, sweeps);
      best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
    }
    return best;
  };
  const sweeps = 16;
  time(sweeps);
  return Math.max((time(sweeps) - time(0)) / sweeps, 1e-7);
}

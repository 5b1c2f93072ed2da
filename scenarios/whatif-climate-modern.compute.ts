// The compute ratio SP2 -> today of whatif-climate-modern (issue 19 §4), from a sustained figure on
// both sides. The paper's machine: "the Argonne IBM SP2, which connects 128 Power 1 processors"
// (Sect. 7). The TOP500 lists carry that machine's own LINPACK row; today's side is a LINPACK-style
// solve measured on one core of this machine in the same run. Peak to peak is kept as context.

/** A TOP500 row of an IBM SP with POWER1 processors: the list's own figures, with where to read them. */
export interface Top500Row {
  site: string;
  computer: string;
  processors: number;
  /** LINPACK (Rmax) and theoretical peak (Rpeak), GFlop/s, whole system */
  rmaxGflops: number;
  rpeakGflops: number;
  /** "Processor Speed (MHz)" */
  clockMHz: number;
  /** the list and the row, as a reader finds it */
  source: string;
}

/**
 * The TOP500 files as stored in github.com/lass-lab/Top500-analysis-dataset (commit f632b46),
 * data/top500/csv/TOP500_199406.csv: copies of top500.org's lists. Argonne's row stands unchanged in
 * every list from June 1994 to June 1996 (November 1993: Rmax 3.861 GFlop/s); the 8-processor rows are
 * in the November 1993 list.
 */
const TOP500_FILE = 'TOP500 list of June 1994 (top500.org; as stored in github.com/lass-lab/Top500-analysis-dataset, data/top500/csv/TOP500_199406.csv)';

/** The paper's machine: Argonne's 128-processor SP, POWER1 at 62.5 MHz (rank 100 of June 1994). */
export const ARGONNE_SP: Top500Row = {
  site: 'Argonne National Laboratory', computer: 'IBM 9076-005 SP1', processors: 128, rmaxGflops: 4.8, rpeakGflops: 16, clockMHz: 62.5,
  source: `${TOP500_FILE}, rank 100: Argonne National Laboratory, IBM "9076-005 SP1", 128 processors, POWER1, 62.5 MHz, Rmax 4.8 GFlop/s, Rpeak 16 GFlop/s, Nmax 26 000`,
};

/** The smallest SP of the same nodes on the list (NCAR's among them): less of its LINPACK time is communication. */
export const SMALL_SP: Top500Row = {
  site: 'NCAR (National Center for Atmospheric Research)', computer: 'IBM 9076-001 SP1', processors: 8, rmaxGflops: 0.664, rpeakGflops: 1, clockMHz: 62.5,
  source: `TOP500 list of November 1993 (same copy, data/top500/csv/TOP500_199311.csv), rank 410: NCAR, IBM "9076-001 SP1", 8 processors, POWER1, 62.5 MHz, Rmax 0.664 GFlop/s, Rpeak 1 GFlop/s, Nmax 10 000 (ranks 408-409, Halliburton and ITESM, the same)`,
};

/** That Argonne's SP nodes are RS/6000 model 370s: the lab's own description of the machine. */
export const ARGONNE_NODE_SOURCE =
  'J. J. Moré and Z. Wu, "Global continuation for distance geometry problems", Argonne preprint MCS-P505-0395, March 1995, Sect. 1: ' +
  '"the Argonne IBM SP system. This system has 128 nodes, each node an IBM RS/6000-370 with 128 MB of memory"';

export const mflopsPerProcessor = (r: Top500Row, which: 'rmax' | 'rpeak') => ((which === 'rmax' ? r.rmaxGflops : r.rpeakGflops) * 1000) / r.processors;

/**
 * Today's peak, as a declared round figure: one core of a present-day server at 3 GHz with two 256-bit
 * FMA units, 2 x 4 x 2 FLOP a cycle. No sustained figure: context only, beside the SP's Rpeak.
 */
export const TODAY_PEAK_MFLOPS = 3e3 * 2 * 4 * 2;

/** n x n, column-major, uniform in [-0.5, 0.5) as LINPACK's matgen; seeded, so the same each run. */
function problem(n: number, seed: number): { a: Float64Array; b: Float64Array } {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
  const a = new Float64Array(n * n);
  for (let i = 0; i < a.length; i++) a[i] = next();
  // b = A * ones, so the solution is all ones
  const b = new Float64Array(n);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) b[i] += a[j * n + i];
  return { a, b };
}

/**
 * LINPACK's dgefa + dgesl (LU with partial pivoting by columns, daxpy inner loops), in place: the
 * algorithm of the LINPACK benchmark, unblocked and unvectorised. Returns x in b.
 */
export function luSolve(a: Float64Array, b: Float64Array, n: number): void {
  const piv = new Int32Array(n);
  for (let k = 0; k < n - 1; k++) {
    const col = k * n;
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[col + i]) > Math.abs(a[col + p])) p = i;
    piv[k] = p;
    if (a[col + p] === 0) throw new Error(`luSolve: singular matrix at column ${k}`);
    if (p !== k) [a[col + p], a[col + k]] = [a[col + k], a[col + p]];
    const inv = -1 / a[col + k];
    for (let i = k + 1; i < n; i++) a[col + i] *= inv;
    for (let j = k + 1; j < n; j++) {
      const cj = j * n;
      let t = a[cj + p];
      if (p !== k) [a[cj + p], a[cj + k]] = [a[cj + k], t];
      t = a[cj + k];
      for (let i = k + 1; i < n; i++) a[cj + i] += t * a[col + i];
    }
  }
  piv[n - 1] = n - 1;
  for (let k = 0; k < n - 1; k++) {
    const p = piv[k];
    const t = b[p];
    if (p !== k) [b[p], b[k]] = [b[k], t];
    for (let i = k + 1; i < n; i++) b[i] += b[k] * a[k * n + i];
  }
  for (let k = n - 1; k >= 0; k--) {
    b[k] /= a[k * n + k];
    const t = -b[k];
    for (let i = 0; i < k; i++) b[i] += t * a[k * n + i];
  }
}

/** The LINPACK benchmark's operation count for a solve of order n. */
export const linpackFlops = (n: number) => (2 * n ** 3) / 3 + 2 * n ** 2;

export interface TodaySustained {
  mflops: number;
  n: number;
  reps: number;
  /** the largest |x_i - 1| of the last solve: the solve is checked, not only timed */
  maxError: number;
  how: string;
}

/** Solves of order n on this core, the median rate of `reps` (each at least 10 ms: the clock's steps are coarse here). */
export function measureTodaySustained(n = 500, reps = 5): TodaySustained {
  const rates: number[] = [];
  let maxError = Infinity;
  for (let r = 0; r < reps; r++) {
    let solves = 0;
    let ns = 0n;
    let x: Float64Array = new Float64Array(0);
    while (ns < 10_000_000n) {
      const { a, b } = problem(n, 1 + r);
      const t0 = process.hrtime.bigint();
      luSolve(a, b, n);
      ns += process.hrtime.bigint() - t0;
      solves++;
      x = b;
    }
    maxError = x.reduce((m, v) => Math.max(m, Math.abs(v - 1)), 0);
    if (!(maxError < 1e-6)) throw new Error(`measureTodaySustained: the solve of order ${n} is off by ${maxError}`);
    rates.push((solves * linpackFlops(n)) / (Number(ns) / 1e9) / 1e6);
  }
  const mflops = rates.sort((x, y) => x - y)[Math.floor(rates.length / 2)];
  if (!Number.isFinite(mflops) || mflops <= 0) throw new Error(`measureTodaySustained: no finite rate (${rates.join(', ')})`);
  return {
    mflops, n, reps, maxError,
    how: `measured in this run: LINPACK's dgefa/dgesl (LU with partial pivoting, daxpy loops, unblocked) in JavaScript, order ${n}, one core of this machine, median of ${reps} (2n^3/3 + 2n^2 FLOP a solve)`,
  };
}

/** One compute ratio and where its two figures come from. */
export interface ComputeRatio {
  factor: number;
  kind: 'sustained' | 'peak';
  label: string;
  says: string;
}

/**
 * The ratios the what-if runs at: sustained on the paper's own machine (the headline), sustained on
 * the smallest SP of the same nodes, and peak to peak (context, an upper end).
 */
export function computeRatios(today: TodaySustained): ComputeRatio[] {
  const argonne = mflopsPerProcessor(ARGONNE_SP, 'rmax');
  const small = mflopsPerProcessor(SMALL_SP, 'rmax');
  const peak = mflopsPerProcessor(ARGONNE_SP, 'rpeak');
  const t = today.mflops.toFixed(0);
  return [
    {
      factor: today.mflops / argonne, kind: 'sustained', label: 'sustained, Argonne SP',
      says: `${t} MFLOP/s (this core, LINPACK-style solve) over ${argonne} MFLOP/s (Argonne's SP: Rmax ${ARGONNE_SP.rmaxGflops} GFlop/s over ${ARGONNE_SP.processors} POWER1 processors)`,
    },
    {
      factor: today.mflops / small, kind: 'sustained', label: 'sustained, 8-processor SP',
      says: `${t} MFLOP/s over ${small.toFixed(0)} MFLOP/s (an 8-processor SP of the same nodes: Rmax ${SMALL_SP.rmaxGflops} GFlop/s over ${SMALL_SP.processors})`,
    },
    {
      factor: TODAY_PEAK_MFLOPS / peak, kind: 'peak', label: 'peak to peak',
      says: `${TODAY_PEAK_MFLOPS / 1000} GFLOP/s (a declared 3 GHz core, two 256-bit FMA a cycle) over ${peak} MFLOP/s (Rpeak ${ARGONNE_SP.rpeakGflops} GFlop/s over ${ARGONNE_SP.processors}: 62.5 MHz, two FLOP a cycle)`,
    },
  ];
}

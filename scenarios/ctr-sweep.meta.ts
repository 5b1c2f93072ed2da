// ctr-sweep, declared: paper 000's Fig. 1 and 2 sweep, its flags, and what a run costs.
import { missingDatasetBytes, PAPER_000_SIZES } from '../datasets/generator.js';
import { intFlag, intListFlag } from '../engine/runner/args.js';
import type { ScenarioInfo } from '../engine/runner/scenario.js';

const MiB = 1024 * 1024;

/** The sweep, declared: the paper's 13 sizes and its process counts; quick keeps it under a minute. */
export const SWEEP = {
  full: { maxSizeBytes: Infinity, procs: [1, 2, 3, 4, 6, 8, 12], repetitions: 3 },
  quick: { maxSizeBytes: 10 * MiB, procs: [1, 2, 4, 12], repetitions: 5 },
  /** every mpirun job starts Node (and ts-node) once a rank: quick keeps to a few jobs */
  mpirunQuick: { maxSizeBytes: 10 * MiB, procs: [1, 4], repetitions: 1, sizeLabels: ['1 MB', '10 MB'] },
  /** 16 random key bytes are drawn per run; the key does not change the cost of AES */
  operations: ['encrypt', 'decrypt'] as const,
};

/**
 * Cost model, timed on the 2-core reference machine (quick and --max-size 100MiB runs): an
 * encryption or decryption costs a fixed part, a part per rank and a part per byte; a pool starts
 * per process count; an mpirun job adds its launch.
 */
const COST = { opFixedS: 0.004, opPerRankS: 0.0015, opPerByteS: 1 / 330e6, poolStartS: 0.25, mpirunJobS: 1.6, generatePerByteS: 1 / 500e6 };

export function sweepPlan(quick: boolean, flags: Record<string, string | true>) {
  const launcher = typeof flags.launcher === 'string' ? flags.launcher : 'local';
  const plan = !quick ? SWEEP.full : launcher === 'mpirun' ? SWEEP.mpirunQuick : SWEEP.quick;
  const maxSize = intFlag(flags, 'max-size', Number.isFinite(plan.maxSizeBytes) ? plan.maxSizeBytes : Number.MAX_SAFE_INTEGER);
  const labels = (plan as { sizeLabels?: string[] }).sizeLabels;
  return {
    launcher,
    plan,
    procs: intListFlag(flags, 'procs', plan.procs),
    reps: intFlag(flags, 'reps', plan.repetitions),
    sizes: PAPER_000_SIZES.filter((s) => s.sizeBytes <= maxSize && (!labels || labels.includes(s.label))),
  };
}

export const ctrSweepInfo: ScenarioInfo = {
  name: 'ctr-sweep',
  paper: '000',
  title: 'Distributed AES-128-CTR: encryption and decryption time over file size and process count (Fig. 1, Fig. 2)',
  description: 'encrypts and decrypts the 13 seeded files (100 KiB to 1 GiB, the paper\'s "100 KB" to "1 GB") with 1 to 12 ranks on a Piscina pool; --quick: up to 10 MiB, 1/2/4/12 ranks',
  flags: [
    { name: 'procs', value: 'LIST', kind: 'ints', description: 'process counts, comma-separated (default 1,2,3,4,6,8,12; quick 1,2,4,12)' },
    { name: 'reps', value: 'N', kind: 'int', description: 'timed repetitions per point, after one warm-up (default 3; quick 5)' },
    { name: 'max-size', value: 'SIZE', kind: 'size', description: 'largest file size to run, e.g. 100MiB (default 1 GiB; quick 10 MiB)' },
    { name: 'launcher', value: 'local|mpirun', choices: ['local', 'mpirun'], description: 'local: one Piscina pool (default); mpirun: each job under mpirun, one process a node (quick: 1 and 10 MiB, 1 and 4 procs, 1 rep)' },
  ],
  estimate({ quick, seed, flags }) {
    const { launcher, procs, reps, sizes } = sweepPlan(quick, flags);
    const rounds = reps + (launcher === 'mpirun' ? 0 : 1);
    const bytes = sizes.reduce((s, x) => s + x.sizeBytes, 0);
    const largest = Math.max(0, ...sizes.map((s) => s.sizeBytes));
    const datasetBytes = missingDatasetBytes(sizes.map((s) => s.sizeBytes), seed);
    let seconds = datasetBytes * COST.generatePerByteS;
    for (const n of procs) {
      const perRound = 2 * (sizes.length * (COST.opFixedS + n * COST.opPerRankS) + bytes * COST.opPerByteS);
      seconds += rounds * perRound + (launcher === 'mpirun' ? rounds * 2 * sizes.length * COST.mpirunJobS : COST.poolStartS);
    }
    // the parts (padded to n) and the decrypted copy of the largest file exist at once
    return { seconds, datasetBytes, scratchBytes: 2 * largest };
  },
  // one SimGrid run of every size and process count side by side (1 + n actors a point), and on the
  // local profile its calibration, cached after the first run; timed on the reference machine
  simulationEstimate: () => ({ seconds: 8, datasetBytes: 0, scratchBytes: 0 }),
};

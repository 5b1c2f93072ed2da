// ctr-sweep, declared: paper 000's Fig. 1 and 2 sweep, its flags and variants, and what a run costs.
import { missingDatasetBytes, PAPER_000_SIZES } from '../datasets/generator.js';
import type { Stitch } from '../engine/ctr/cryptosystem.js';
import type { Integrity } from '../engine/ctr/layout.js';
import { intFlag, intListFlag, UsageError, wordListFlag } from '../engine/flags/args.js';
import type { ScenarioInfo } from '../engine/runner/scenario.js';
import { checkHostfileFlag, CLUSTER_FLAGS, clusterFlags } from '../engine/runner/cluster-flags.js';
import { SCENARIO_COSTS } from './costs.js';

const MiB = 1024 * 1024;

/** The sweep, declared: the paper's 13 sizes and its process counts; quick keeps it under a minute. */
export const SWEEP = {
  full: { maxSizeBytes: Infinity, procs: [1, 2, 3, 4, 6, 8, 12], repetitions: 3 },
  quick: { maxSizeBytes: 10 * MiB, procs: [1, 2, 4, 12], repetitions: 5 },
  /** every mpirun job starts Node once a rank: quick keeps to a few jobs */
  mpirunQuick: { maxSizeBytes: 10 * MiB, procs: [1, 4], repetitions: 1, sizeLabels: ['1 MB', '10 MB'] },
  /** on emulated hosts: 12 processes fill the paper's 3 nodes x 4, one MPI rank (and host) a node */
  emulatedQuick: { maxSizeBytes: 10 * MiB, procs: [1, 12], repetitions: 1, sizeLabels: ['1 MB', '10 MB'] },
  /** 16 random key bytes are drawn per run; the key does not change the cost of AES */
  operations: ['encrypt', 'decrypt'] as const,
  /** ours and the paper's: decryption is measured with each stitch, both with and without a tag */
  stitches: ['offset', 'gather'] as Stitch[],
  integrities: ['aes-128-gcm', 'none'] as Integrity[],
};

/**
 * Cost model (figures in scenarios/costs.ts): an
 * encryption or decryption costs a fixed part, a part per rank and a part per byte, and the gather
 * stitch one more pass over the bytes; a pool starts per process count; an mpirun job adds its
 * launch; on emulated hosts each encryption first syncs the input to the other hosts over links
 * shaped to the topology (about 100 Mbit/s for the paper's cluster, the same input to two hosts).
 */
const COST = SCENARIO_COSTS['ctr-sweep'];

/** The plan a run follows: the quick or full one (by launcher), with every flag applied and checked. */
export function sweepPlan(quick: boolean, flags: Record<string, string | true>) {
  const emulate = flags.emulate === true;
  const { hostfile, inputSync } = clusterFlags(flags, Math.max(...intListFlag(flags, 'procs', (quick ? SWEEP.mpirunQuick : SWEEP.full).procs)));
  // an emulated host runs one MPI rank, and a hostfile's hosts are mpirun's: either means mpirun
  const launcher = (typeof flags.launcher === 'string' ? flags.launcher : emulate || hostfile ? 'mpirun' : 'local') as 'local' | 'mpirun';
  if (emulate && launcher !== 'mpirun') throw new UsageError('--emulate runs the ranks under mpirun on emulated hosts: drop --launcher local');
  if (hostfile && launcher !== 'mpirun') throw new UsageError('--hostfile runs the ranks under mpirun on its hosts: drop --launcher local');
  if (inputSync && launcher !== 'mpirun') throw new UsageError('--input-sync applies under mpirun (--launcher mpirun, --hostfile or --emulate)');
  const plan = !quick ? SWEEP.full : emulate ? SWEEP.emulatedQuick : launcher === 'mpirun' ? SWEEP.mpirunQuick : SWEEP.quick;
  const stitches = wordListFlag(flags, 'stitch', SWEEP.stitches, launcher === 'mpirun' ? ['offset'] : SWEEP.stitches);
  if (launcher === 'mpirun' && stitches.includes('gather')) throw new UsageError('--stitch gather applies to the local engine: under mpirun rank 0 writes every part at its offset');
  const maxSize = intFlag(flags, 'max-size', Number.isFinite(plan.maxSizeBytes) ? plan.maxSizeBytes : Number.MAX_SAFE_INTEGER);
  const labels = (plan as { sizeLabels?: string[] }).sizeLabels;
  return {
    launcher,
    emulate,
    hostfile,
    /** copy: rank 0 copies the input to every other rank first, timed apart (the paper's sync); shared: read in place */
    inputSync: inputSync ?? (emulate || hostfile ? 'copy' : 'shared'),
    plan,
    procs: intListFlag(flags, 'procs', plan.procs),
    reps: intFlag(flags, 'reps', plan.repetitions),
    sizes: PAPER_000_SIZES.filter((s) => s.sizeBytes <= maxSize && (!labels || labels.includes(s.label))),
    stitches,
    integrities: wordListFlag(flags, 'integrity', SWEEP.integrities, SWEEP.integrities),
  };
}

export const ctrSweepInfo: ScenarioInfo = {
  name: 'ctr-sweep',
  paper: '000',
  title: 'Distributed AES-128-CTR: encryption and decryption time over file size and process count (Fig. 1, Fig. 2)',
  description:
    'encrypts and decrypts the 13 seeded files (100 KiB to 1 GiB, the paper\'s "100 KB" to "1 GB") with 1 to 12 ranks on a Piscina pool, with and without a tag, decrypting with both stitches; --quick: up to 10 MiB, 1/2/4/12 ranks',
  flags: [
    { name: 'procs', value: 'LIST', kind: 'ints', description: 'process counts, comma-separated (default 1,2,3,4,6,8,12; quick 1,2,4,12)' },
    { name: 'reps', value: 'N', kind: 'int', description: 'timed repetitions per point, after one warm-up (default 3; quick 5)' },
    { name: 'max-size', value: 'SIZE', kind: 'size', description: 'largest file size to run, e.g. 100MiB (default 1 GiB; quick 10 MiB)' },
    { name: 'launcher', value: 'local|mpirun', choices: ['local', 'mpirun'], description: 'local: one Piscina pool (default); mpirun: each job under mpirun, one process a node (quick: 1 and 10 MiB, 1 and 4 procs, 1 rep)' },
    {
      name: 'stitch',
      value: 'LIST',
      kind: 'words',
      choices: SWEEP.stitches,
      description: "how decryption puts the parts together, comma-separated: offset (ours: each rank at its offset), gather (the paper's: the master concatenates); default both (mpirun: offset)",
    },
    { name: 'integrity', value: 'LIST', kind: 'words', choices: SWEEP.integrities, description: "aes-128-gcm (ours: a tag a part), none (the paper's plain AES-128-CTR), comma-separated; default both" },
    ...CLUSTER_FLAGS,
    {
      name: 'emulate',
      sameInEvery: true,
      description:
        'under mpirun (implied), one rank a node of --topology, each on its emulated host (network namespaces, shaped links; root; engine/cluster); the input is synced over the links, timed apart (syncMs); quick: 1 and 10 MiB, 1 and 12 procs, 1 rep',
    },
  ],
  estimate({ quick, seed, flags }) {
    const { launcher, emulate, procs, reps, sizes, stitches, integrities } = sweepPlan(quick, flags);
    const rounds = reps + (launcher === 'mpirun' ? 0 : 1);
    const bytes = sizes.reduce((s, x) => s + x.sizeBytes, 0);
    const largest = Math.max(0, ...sizes.map((s) => s.sizeBytes));
    const datasetBytes = missingDatasetBytes(sizes.map((s) => s.sizeBytes), seed);
    // per integrity: one encryption and one decryption a stitch
    const ops = integrities.length * (1 + stitches.length);
    const gathers = integrities.length * stitches.filter((s) => s === 'gather').length;
    let seconds = datasetBytes * COST.generatePerByteS + (emulate ? COST.emulatedClusterS : 0);
    for (const n of procs) {
      const perRound = ops * (sizes.length * (COST.opFixedS + n * COST.opPerRankS) + bytes * COST.opPerByteS) + gathers * bytes * COST.gatherPerByteS;
      const sync = emulate && n > 1 ? integrities.length * bytes * COST.emulatedSyncPerByteS : 0;
      seconds += rounds * (perRound + sync) + (launcher === 'mpirun' ? rounds * ops * sizes.length * COST.mpirunJobS : COST.poolStartS);
    }
    // the parts (padded to n), the decrypted copy of the largest file, and with gather its decrypted parts exist at once
    return { seconds, datasetBytes, scratchBytes: (stitches.includes('gather') ? 3 : 2) * largest };
  },
  tools: ({ quick, flags }) => (sweepPlan(quick, flags).launcher === 'mpirun' ? ['mpirun'] : []),
  preflight: async ({ quick, flags }) => {
    const { hostfile, procs } = sweepPlan(quick, flags);
    return hostfile ? checkHostfileFlag(hostfile, Math.max(...procs)) : undefined;
  },
  // one SimGrid run of every size and process count side by side (1 + n actors a point), and on the
  // local profile its calibration, cached after the first run; timed on the reference machine
  simulationEstimate: () => ({ seconds: COST.simulationS, datasetBytes: 0, scratchBytes: 0 }),
};

// climate, declared: paper 001's Table 1 coupled model, its flags, and what a run costs.
import type { ModelSpec } from '../engine/link/climate/cluster.js';
import type { Mechanism } from '../engine/link/mechanism.js';
import { intFlag, UsageError } from '../engine/flags/args.js';
import { checkHostfileFlag, clusterFlags, HOSTFILE_FLAG } from '../engine/runner/cluster-flags.js';
import type { ScenarioInfo } from '../engine/runner/scenario.js';
import { SCENARIO_COSTS } from './costs.js';

/**
 * The model, declared. The horizontal grid is PCCM2's T42 Gaussian grid (128 x 64), the resolution
 * of the paper's low-resolution, multi-century "Millenia" runs; the atmosphere has PCCM2's 18
 * levels and a 20-minute step (72 steps a simulated day, coupling every two steps as the paper
 * says, 36 a day). The ocean shares the horizontal grid (no regridding) with 20 levels. Column
 * physics passes stand for the per-column work that dominates an atmosphere step (the ocean does
 * a quarter of the atmosphere's; a run sizes their number on Table 1, see scenarios/climate.ts).
 * Two ranks a partition (4 threads): sized for a 2-core machine while keeping halo exchanges inside
 * each partition. Message sizes follow: a halo is one latitude row of every level (128 x 18 x 8 B
 * = 18 KiB atmosphere, 20 KiB ocean), two a rank a step; a coupling field is the whole surface
 * (128 x 64 x 8 B = 64 KiB) each way, gathered to and scattered from the coupler rank (rank 0 of
 * each partition). Transposes, the bulk of the atmosphere's traffic, come from Table 1 too.
 */
export const MODEL = {
  atmosphere: { grid: { nx: 128, ny: 64, levels: 18 }, ranks: 2, diffusivity: 0.1, coupling: 0.05, physicsSweeps: 8 } satisfies ModelSpec,
  ocean: { grid: { nx: 128, ny: 64, levels: 20 }, ranks: 2, diffusivity: 0.05, coupling: 0.02, physicsSweeps: 2 } satisfies ModelSpec,
  atmosphereStepsPerDay: 72,
  /** quick: a sixth of a day (12 steps), 3 repetitions; full: a third (24 steps), 5 repetitions (interleaved) */
  quick: { atmosphereSteps: 12, repetitions: 3 },
  full: { atmosphereSteps: 24, repetitions: 5 },
  /** rounds of short runs (four couplings) of the "No secure" and "All secure" cells, each cell repeated, that size the compute */
  calibration: { rounds: 3, atmosphereSteps: 8, repetitions: 2 },
  /** des-ecb as the paper; aes-128-gcm as the modern choice */
  mechanisms: ['des-ecb', 'aes-128-gcm'] as Mechanism[],
  intra: ['tcp', 'shm'] as const,
};

/** Every rank of both models: the processes a run under mpirun starts, and the slots a hostfile needs. */
export const RANKS = MODEL.atmosphere.ranks + MODEL.ocean.ranks;

/**
 * How a run places its ranks: threads of this process (default), or processes under mpirun on this
 * machine or the hosts of --hostfile (which implies mpirun, and is read and checked here).
 */
export function climatePlan(flags: Record<string, string | true>): { launcher: 'threads' | 'mpirun'; hostfile?: string } {
  const { hostfile } = clusterFlags(flags, RANKS);
  const launcher = (typeof flags.launcher === 'string' ? flags.launcher : hostfile ? 'mpirun' : 'threads') as 'threads' | 'mpirun';
  if (hostfile && launcher !== 'mpirun') throw new UsageError('--hostfile runs the ranks under mpirun on its hosts: drop --launcher threads');
  return { launcher, ...(hostfile ? { hostfile } : {}) };
}

/** Table 1's cells a run measures: no security once per transport, then coupler and all per mechanism. */
const CELLS = MODEL.intra.length * (1 + 2 * MODEL.mechanisms.length);

/**
 * Cost model (figures in scenarios/costs.ts): start-up
 * and the rates measured first, and one atmosphere step of a cell (all ranks together).
 */
const COST = SCENARIO_COSTS['climate'];
/** calibration cells: no security and all secure, on both transports */
const CALIBRATION_CELLS = 4;
/** under mpirun: Table 1's TCP column and the all-TLS cell; calibrated on TCP's two cells */
const MPIRUN_CELLS = 1 + 2 * MODEL.mechanisms.length + 1;
const MPIRUN_CALIBRATION_CELLS = 2;

export const climateInfo: ScenarioInfo = {
  name: 'climate',
  paper: '001',
  title: 'Coupled climate model with per-link security (Table 1)',
  description:
    'A synthetic coupled ocean-atmosphere model on worker threads: halo exchanges and transposes inside each partition over shm or TCP, coupling fields between the partitions over TCP every two atmosphere steps; no security, coupler only, or all links (des-ecb, aes-128-gcm). The workload comes from Table 1 (its bytes a day) and this machine\'s rates, measured first; compute is sized on the "No secure" and "All secure" rows and the "Coupler secure" row predicted. Seconds (wall and CPU) per simulated day in the Table 1 layout, and a bit-identity check of the fields across modes.',
  flags: [
    { name: 'steps', value: 'N', kind: 'int', description: `atmosphere steps a timed run (72 is one simulated day; default quick ${MODEL.quick.atmosphereSteps}, full ${MODEL.full.atmosphereSteps})` },
    { name: 'reps', value: 'N', kind: 'int', description: `repetitions of every configuration, interleaved (default quick ${MODEL.quick.repetitions}, full ${MODEL.full.repetitions})` },
    { name: 'calibration-rounds', value: 'N', kind: 'int', description: 'rounds of short runs that size the workload on the "No secure" and "All secure" rows before the timed runs (default 3)' },
    {
      name: 'launcher',
      value: 'threads|mpirun',
      choices: ['threads', 'mpirun'],
      description: `threads: every rank a worker thread of this process, all of Table 1 (default); mpirun: every rank its own process (${RANKS}), one a host in turn, linked over tcp (Table 1's TCP column) and, beyond the paper, tls; the MPL (shm) column needs threads of one host and does not run`,
    },
    HOSTFILE_FLAG,
  ],
  tools: ({ flags }) => (climatePlan(flags).launcher === 'mpirun' ? ['mpirun'] : []),
  preflight: async ({ flags }) => {
    const { hostfile } = climatePlan(flags);
    return hostfile ? checkHostfileFlag(hostfile, RANKS) : undefined;
  },
  estimate({ quick, flags }) {
    const base = quick ? MODEL.quick : MODEL.full;
    const steps = intFlag(flags, 'steps', base.atmosphereSteps);
    const reps = intFlag(flags, 'reps', base.repetitions);
    const c = MODEL.calibration;
    const mpirun = climatePlan(flags).launcher === 'mpirun';
    const calibrationSteps = intFlag(flags, 'calibration-rounds', c.rounds) * (mpirun ? MPIRUN_CALIBRATION_CELLS : CALIBRATION_CELLS) * c.repetitions * c.atmosphereSteps;
    const cells = mpirun ? MPIRUN_CELLS : CELLS;
    return { seconds: COST.startS + (mpirun ? COST.mpirunJobS : 0) + (calibrationSteps + cells * reps * steps) * COST.perStepS, datasetBytes: 0, scratchBytes: 0 };
  },
  // a calibration of the compute per step and one SimGrid run of the cells (on the SP2 also the
  // cells with the traffic Table 1 implies), timed on the reference machine
  simulationEstimate: () => ({ seconds: COST.simulationS, datasetBytes: 0, scratchBytes: 0 }),
};

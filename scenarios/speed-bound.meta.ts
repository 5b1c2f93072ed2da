// speed-bound, declared: paper 003's Fig. 13, its flags, and what a run costs.
import os from 'node:os';
import { intFlag } from '../engine/flags/args.js';
import type { ScenarioInfo } from '../engine/runner/scenario.js';
import { SCENARIO_COSTS } from './costs.js';

const BLOCK_BYTES = 16 * 1024;
/** 64 blocks = 1 MiB a task: long enough that the ~35 us task round trip is noise. */
export const BLOCKS_PER_TASK = 64;
const TASK_BYTES = BLOCKS_PER_TASK * BLOCK_BYTES;

export const PLAN = {
  full: { maxParallels: 8, tasksPerStream: 48, repetitions: 5 },
  quick: { maxParallels: 4, tasksPerStream: 24, repetitions: 3 },
};

export function speedBoundPlan(quick: boolean, flags: Record<string, string | true>) {
  const plan = quick ? PLAN.quick : PLAN.full;
  return { tasksPerStream: plan.tasksPerStream, maxParallels: intFlag(flags, 'max-parallels', plan.maxParallels), reps: intFlag(flags, 'reps', plan.repetitions) };
}

/** Cost model (figures in scenarios/costs.ts): one RC4+ encryptor thread's rate; k of them share the cores. */
const COST = SCENARIO_COSTS['speed-bound'];

export const speedBoundInfo: ScenarioInfo = {
  name: 'speed-bound',
  paper: '003',
  title: 'Encryption speed bound against parallel RC4+ encryptors and link speeds (Fig. 13)',
  description: 'A Piscina pool of 1..K RC4+ encryptors on 16 KiB blocks; aggregate MB/s against 10 MB/s and 250 MB/s links.',
  flags: [
    { name: 'max-parallels', value: 'K', kind: 'int', description: `largest number of parallel encryptors (default quick ${PLAN.quick.maxParallels}, full ${PLAN.full.maxParallels})` },
    { name: 'reps', value: 'N', kind: 'int', description: `repetitions of each k (default quick ${PLAN.quick.repetitions}, full ${PLAN.full.repetitions})` },
  ],
  estimate({ quick, flags }) {
    const { tasksPerStream, maxParallels, reps } = speedBoundPlan(quick, flags);
    const cores = os.availableParallelism();
    let seconds = COST.startS;
    for (let k = 1; k <= maxParallels; k++) seconds += (reps * k * tasksPerStream * TASK_BYTES) / (Math.min(k, cores) * COST.encryptorBytesPerS);
    return { seconds, datasetBytes: 0, scratchBytes: 0 };
  },
  // one SimGrid run of 1..K encryptors, alone and over each link, timed on the reference machine
  simulationEstimate: () => ({ seconds: COST.simulationS, datasetBytes: 0, scratchBytes: 0 }),
};

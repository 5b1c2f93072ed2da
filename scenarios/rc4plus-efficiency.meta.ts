// rc4plus-efficiency, declared: paper 003's RC4+ timing test, its flags, and what a run costs.
import { OPS_PER_ROUND } from '../engine/bench/rc4plus.js';
import { intFlag, intListFlag } from '../engine/flags/args.js';
import type { ScenarioInfo } from '../engine/runner/scenario.js';
import { RC4PLUS } from './paper-003.js';
import { SCENARIO_COSTS } from './costs.js';

const KiB = 1024;
export const PAPER_BLOCK_BYTES = RC4PLUS.blockBytes.value;

/** Full: the paper's 10 000 rounds, and a block-size sweep of 256 MiB per size; quick: 30 rounds. */
const PLAN = {
  full: { rounds: RC4PLUS.rounds.value, sizes: [256, KiB, 4 * KiB, 16 * KiB, 64 * KiB, 256 * KiB, 1024 * KiB], sweepBytes: 256 * 1024 * KiB },
  quick: { rounds: 30, sizes: [KiB, 16 * KiB, 256 * KiB], sweepBytes: 16 * 1024 * KiB },
};

export function rc4plusPlan(quick: boolean, flags: Record<string, string | true>) {
  const plan = quick ? PLAN.quick : PLAN.full;
  return { sweepBytes: plan.sweepBytes, rounds: intFlag(flags, 'rounds', plan.rounds), sizes: intListFlag(flags, 'sizes', plan.sizes) };
}

/**
 * Cost model (figures in scenarios/costs.ts): the four ciphers (RC4+, RC4, AES-128-CTR,
 * ChaCha20) together encrypt at these rates, each block keyed afresh; start-up and tinybench's
 * warm-up add a fixed part.
 */
const COST = SCENARIO_COSTS['rc4plus-efficiency'];

export const rc4plusEfficiencyInfo: ScenarioInfo = {
  name: 'rc4plus-efficiency',
  paper: '003',
  title: 'RC4+ efficiency: ms per round of 100 16-KiB encryptions, against RC4, AES-128-CTR, ChaCha20',
  description: "Paper 003's RC4+ timing test with tinybench, the same for three OpenSSL ciphers, and throughput against block size.",
  flags: [
    { name: 'rounds', value: 'N', kind: 'int', description: `rounds of ${OPS_PER_ROUND} encryptions of the 16 KiB array (default: paper and full ${PLAN.full.rounds}, quick ${PLAN.quick.rounds})` },
    { name: 'sizes', value: 'SIZE,...', kind: 'sizes', description: `block sizes of the sweep, e.g. 1KiB,16KiB,256KiB (default quick ${PLAN.quick.sizes.map((b) => `${b / KiB}KiB`).join(',')}, full 256B then ${PLAN.full.sizes.slice(1).map((b) => `${b / KiB}KiB`).join(',')})` },
  ],
  estimate({ quick, flags }) {
    const { rounds, sizes, sweepBytes } = rc4plusPlan(quick, flags);
    let bytes = rounds * OPS_PER_ROUND * PAPER_BLOCK_BYTES;
    for (const size of sizes) bytes += Math.max(3, Math.min(rounds, Math.floor(sweepBytes / (OPS_PER_ROUND * size)))) * OPS_PER_ROUND * size;
    return { seconds: COST.startS + bytes * COST.secondsPerByte, datasetBytes: 0, scratchBytes: 0 };
  },
};

// intermediary, declared: paper 003's Fig. 11 relay experiment, its flags, and what a run costs.
import { missingDatasetBytes } from '../datasets/generator.js';
import { intFlag } from '../engine/flags/args.js';
import type { ScenarioInfo } from '../engine/runner/scenario.js';
import { filesOf } from './cipher-transfer.meta.js';
import { SCENARIO_COSTS } from './costs.js';

export const intermediaryRuns = (quick: boolean, flags: Record<string, string | true>) => intFlag(flags, 'runs', quick ? 1 : 3);

/**
 * Cost model (figures in scenarios/costs.ts): three peer processes and a tracker a run; with
 * --emulate, an emulated cluster made and removed around them (its links shaped to the topology's
 * bandwidth, which also slows the legs).
 */
const COST = SCENARIO_COSTS['intermediary'];

export const intermediaryInfo: ScenarioInfo = {
  name: 'intermediary',
  paper: '003',
  title: 'IVCSD intermediary: A seeds to keyless C, A is killed, B downloads from C alone (Fig. 11)',
  description:
    "three peer processes and the tracker: C (registered as an intermediary, refused the key) relays the encrypted pieces of the paper's 3.82 MB file (3.82 MiB); B decrypts and hash-checks; C's memory and disk are audited for plaintext; --quick: one run",
  flags: [
    { name: 'runs', value: 'N', kind: 'int', description: 'times the experiment is repeated (default 3; quick 1); the paper ran it "many times"' },
    { name: 'size-bytes', value: 'SIZE', kind: 'size', sameInEvery: true, description: "a file of SIZE (e.g. 300KiB) in place of the paper's 3.82 MB one (tests, quick looks; default the paper's)" },
    { name: 'emulate', sameInEvery: true, description: 'A, C and B on three emulated hosts of --topology, links shaped to its bandwidth (root; engine/cluster)' },
  ],
  estimate({ quick, seed, flags }) {
    const runs = intermediaryRuns(quick, flags);
    const file = filesOf(quick, flags)[0];
    // each run keeps B's copy and C's cache of the file
    return { seconds: COST.startS + runs * COST.runS + (flags.emulate ? COST.emulateS : 0), datasetBytes: missingDatasetBytes([file.sizeBytes], seed), scratchBytes: 2 * runs * file.sizeBytes };
  },
  // one SimGrid run of the three legs, timed on the reference machine
  simulationEstimate: () => ({ seconds: COST.simulationS, datasetBytes: 0, scratchBytes: 0 }),
};

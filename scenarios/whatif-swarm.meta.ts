// whatif-swarm, declared: paper 003's swarm of 10 to 1 000 peers with and without intermediaries
// (SimGrid only), its flag, and what a run costs.
import type { Intermediaries } from '../engine/sim/models/swarm.js';
import { intFlag, intListFlag } from '../engine/flags/args.js';
import type { ScenarioInfo } from '../engine/runner/scenario.js';
import { SCENARIO_COSTS } from './costs.js';

const MiB = 2 ** 20;
export const PLAN = {
  full: { peers: [10, 30, 100, 300, 1000] },
  quick: { peers: [10, 30, 100] },
  keyHolderShare: 0.25,
  fileBytes: 64 * MiB,
  pieceBytes: 4 * MiB,
  /** a quarter of the pieces for an intermediary that carries only some */
  relayPieceShare: 0.25,
  /**
   * What-if assumption: upstream a tenth of the paper's 10 MB/s household downstream, as the ADSL
   * and cable lines of 2013 were asymmetric; the seed is such a peer too (IVCSD's publisher is a peer).
   */
  upBytesPerS: 1e6,
  variants: ['refused', 'whole-file', 'some-pieces', 'preloaded'] as Intermediaries[],
  /** each configuration is replicated over this many seeds (who offers which piece to whom): the spread is reported */
  seeds: 10,
};

export const swarmSeeds = (flags: Record<string, string | true>) => intFlag(flags, 'seeds', PLAN.seeds);

export const swarmSizes = (quick: boolean, flags: Record<string, string | true>) => intListFlag(flags, 'swarm-sizes', quick ? PLAN.quick.peers : PLAN.full.peers);

/**
 * Cost model (figures in scenarios/costs.ts): a swarm is one SimGrid run, two at a time, whose
 * time grows about as the square of its peers (each piece offer samples the needy peers): 1 000
 * peers take 25 to 60 s each.
 */
const COST = SCENARIO_COSTS['whatif-swarm'];

export const whatifSwarmInfo: ScenarioInfo = {
  name: 'whatif-swarm',
  paper: '003',
  title: 'What-if: an IVCSD swarm of 10 to 1 000 peers, with and without intermediaries',
  description: 'simulates a swarm where a quarter of the peers hold the key: keyless peers refused, admitted empty as whole-file or some-pieces intermediaries (a flash crowd), or already holding the ciphertext (Fig. 11\'s C); each over 10 seeds (SimGrid only)',
  whatIf: true,
  flags: [
    { name: 'swarm-sizes', value: 'LIST', kind: 'ints', description: `peers besides the seed, comma-separated (default ${PLAN.full.peers.join(',')}; quick ${PLAN.quick.peers.join(',')})` },
    { name: 'seeds', value: 'N', kind: 'int', description: `random seeds each configuration is replicated over, for its spread (default ${PLAN.seeds})` },
  ],
  estimate({ quick, flags }) {
    const swarms = swarmSizes(quick, flags).flatMap((peers) => PLAN.variants.flatMap(() => Array.from({ length: swarmSeeds(flags) }, () => COST.swarmS + peers * peers * COST.perPeerSquaredS)));
    // two at a time: half the sum, or the longest swarm if it is longer
    return { seconds: COST.startS + Math.max(swarms.reduce((a, b) => a + b, 0) / 2, ...swarms), datasetBytes: 0, scratchBytes: 0 };
  },
};

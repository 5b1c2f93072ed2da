// keydist, declared: paper 003's key distribution (getcipher), its flags, and what a run costs.
import { intFlag, intListFlag } from '../engine/flags/args.js';
import type { ScenarioInfo } from '../engine/runner/scenario.js';
import { SCENARIO_COSTS } from './costs.js';

const PLAN = {
  full: { peers: 8, concurrency: [1, 2, 4, 8], repetitions: 10 },
  quick: { peers: 3, concurrency: [1, 2, 3], repetitions: 3 },
};

export function keydistPlan(quick: boolean, flags: Record<string, string | true>) {
  const plan = quick ? PLAN.quick : PLAN.full;
  const peers = intFlag(flags, 'peers', plan.peers);
  return { repetitions: plan.repetitions, peers, concurrency: intListFlag(flags, 'concurrency', plan.concurrency).filter((c) => c <= peers) };
}

/** Cost model (figures in scenarios/costs.ts): a login (scrypt), an RSA-2048 pair, a getcipher round trip. */
const COST = SCENARIO_COSTS['keydist'];

export const keydistInfo: ScenarioInfo = {
  name: 'keydist',
  paper: '003',
  title: 'Key distribution (getcipher): every peer decrypts the tracker key; forgeries, replays and low authority refused',
  description: 'RSA key pairs, signed identity strings, RSA-OAEP-wrapped file keys; six refusal cases with their log lines.',
  flags: [
    { name: 'peers', value: 'N', kind: 'int', description: `peers that fetch the key (default quick ${PLAN.quick.peers}, full ${PLAN.full.peers})` },
    { name: 'concurrency', value: 'C,...', kind: 'ints', description: `peers asking at once in the round-trip sweep, each at most --peers (default quick ${PLAN.quick.concurrency.join(',')}, full ${PLAN.full.concurrency.join(',')})` },
  ],
  estimate({ quick, flags }) {
    const { peers, concurrency, repetitions } = keydistPlan(quick, flags);
    const askedAtOnce = concurrency.reduce((s, c) => s + c, 0);
    return { seconds: COST.startS + (peers + 3) * COST.loginS + peers * (COST.keyPairS + COST.roundTripS) + repetitions * askedAtOnce * COST.roundTripS, datasetBytes: 0, scratchBytes: 0 };
  },
};

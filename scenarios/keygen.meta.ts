// keygen, declared: paper 003's key-generation timing, its flags, and what a run costs.
import { OPS_PER_ROUND } from '../engine/bench/rc4plus.js';
import { intFlag, intListFlag } from '../engine/flags/args.js';
import type { ScenarioInfo } from '../engine/runner/scenario.js';
import { KEYGEN } from './paper-003.js';
import { SCENARIO_COSTS } from './costs.js';

const PLAN = {
  full: { rounds: KEYGEN.rounds.value, rsaBits: [1024, 2048, 3072, 4096], rsaRepetitions: 10, roundTrips: 50 },
  quick: { rounds: 200, rsaBits: [1024, 2048], rsaRepetitions: 3, roundTrips: 10 },
};

export function keygenPlan(quick: boolean, flags: Record<string, string | true>) {
  const plan = quick ? PLAN.quick : PLAN.full;
  return { ...plan, rounds: intFlag(flags, 'rounds', plan.rounds), rsaBits: intListFlag(flags, 'rsa-bits', plan.rsaBits) };
}

/**
 * Cost model (figures in scenarios/costs.ts): a round of 100 random keys; an RSA key pair
 * grows about as the cube of the modulus (prime search), from 0.15 s at 2048 bits; a login and a
 * getcipher round trip.
 */
const COST = SCENARIO_COSTS['keygen'];

export const keygenInfo: ScenarioInfo = {
  name: 'keygen',
  paper: '003',
  title: 'Key generation: 128-byte random keys in rounds of 100, RSA key pairs, login and getcipher round trip',
  description: "Paper 003's key-generation timing, plus the RSA and tracker round trips the key distribution needs.",
  flags: [
    { name: 'rounds', value: 'N', kind: 'int', description: `rounds of ${OPS_PER_ROUND} keys (default: paper and full ${PLAN.full.rounds}, quick ${PLAN.quick.rounds})` },
    { name: 'rsa-bits', value: 'BITS,...', kind: 'ints', description: `RSA moduli to time (default quick ${PLAN.quick.rsaBits.join(',')}, full ${PLAN.full.rsaBits.join(',')})` },
  ],
  estimate({ quick, flags }) {
    const plan = keygenPlan(quick, flags);
    const rsa = plan.rsaBits.reduce((s, bits) => s + plan.rsaRepetitions * COST.rsa2048S * (bits / 2048) ** 3, 0);
    return { seconds: COST.startS + 2 * plan.rounds * COST.roundS + rsa + plan.roundTrips * COST.loginAndGetcipherS, datasetBytes: 0, scratchBytes: 0 };
  },
};

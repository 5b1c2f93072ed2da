// identity, declared: paper 003's Table II replay, its flag, and what a run costs (the same quick or full).
import type { ScenarioInfo } from '../engine/runner/scenario.js';
import { SCENARIO_COSTS } from './costs.js';

/**
 * Cost model (figures in scenarios/costs.ts): a fresh tracker, four logins (scrypt) and six
 * requests; with --emulate, an emulated cluster made and removed around a tracker process and two
 * clients in their namespaces.
 */
const COST = SCENARIO_COSTS['identity'];

export const identityInfo: ScenarioInfo = {
  name: 'identity',
  paper: '003',
  title: "Identity verification: Table II's six events against a fresh tracker",
  description: 'Publish, administrator level reset and downloads by peers of levels 1, 3, 5; the paper against what the tracker did and logged.',
  flags: [{ name: 'emulate', sameInEvery: true, description: 'also check the identity by address across three emulated hosts of --topology (root; engine/cluster)' }],
  estimate: ({ flags }) => ({ seconds: COST.tableIIS + (flags.emulate ? COST.emulateS : 0), datasetBytes: 0, scratchBytes: 0 }),
};

// identity, declared: paper 003's Table II replay, and what a run costs (the same quick or full).
import type { ScenarioInfo } from '../engine/runner/scenario.js';

export const identityInfo: ScenarioInfo = {
  name: 'identity',
  paper: '003',
  title: "Identity verification: Table II's six events against a fresh tracker",
  description: 'Publish, administrator level reset and downloads by peers of levels 1, 3, 5; expected vs got, with the tracker log.',
  // a fresh tracker, four logins (scrypt) and six requests, timed on the 2-core reference machine
  estimate: () => ({ seconds: 2, datasetBytes: 0, scratchBytes: 0 }),
};

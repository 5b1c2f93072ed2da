// whatif-climate-modern, declared: paper 001's Table 1 on the SP2 with DES and on a present-day
// cluster with AES-GCM (SimGrid only), and what a run costs (the same quick or full).
import type { ScenarioInfo } from '../engine/runner/scenario.js';
import { SCENARIO_COSTS } from './costs.js';

export const whatifClimateModernInfo: ScenarioInfo = {
  name: 'whatif-climate-modern',
  paper: '001',
  title: "What-if: the coupled climate model with AES-GCM at today's speeds on today's network",
  description: "simulates Table 1 with PCCM2-like traffic (implied by Table 1) on the SP2 with DES and on a present-day cluster with this machine's AES-GCM (SimGrid only)",
  whatIf: true,
  // a calibration and two SimGrid runs of six cells, timed on the 2-core reference machine; the
  // first run on a machine also calibrates the local profile (cached in cluster-config/cache/)
  estimate: () => ({ seconds: SCENARIO_COSTS['whatif-climate-modern'].simulationS, datasetBytes: 0, scratchBytes: 0 }),
};

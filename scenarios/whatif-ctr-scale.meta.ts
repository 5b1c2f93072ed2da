// whatif-ctr-scale, declared: paper 000's cryptosystem on 3 to 300 nodes and faster networks
// (SimGrid only), its flags, and what a run costs.
import { intListFlag } from '../engine/flags/args.js';
import type { ScenarioInfo } from '../engine/runner/scenario.js';
import { SCENARIO_COSTS } from './costs.js';

export const PLAN = {
  full: { nodes: [3, 6, 12, 25, 50, 100, 200, 300], bandwidthsGbps: [0.1, 1, 10, 100] },
  quick: { nodes: [3, 12, 50], bandwidthsGbps: [0.1, 10] },
  sizeBytes: 2 ** 30,
};

export function scalePlan(quick: boolean, flags: Record<string, string | true>) {
  const plan = quick ? PLAN.quick : PLAN.full;
  const gbps = flags['bandwidths-gbps'];
  return { nodes: intListFlag(flags, 'nodes', plan.nodes), bandwidthsGbps: typeof gbps === 'string' ? gbps.split(',').map(Number) : plan.bandwidthsGbps };
}

/**
 * Cost model (figures in scenarios/costs.ts): one SimGrid run a (node count, bandwidth), a
 * start of the Python interpreter and an actor a node; the 1-process runs once.
 */
const COST = SCENARIO_COSTS['whatif-ctr-scale'];

export const whatifCtrScaleInfo: ScenarioInfo = {
  name: 'whatif-ctr-scale',
  paper: '000',
  title: 'What-if: the AES-CTR cryptosystem on 3 to 300 nodes and 100 Mbit/s to 100 Gbit/s',
  description: "simulates paper 000's cryptosystem (1 GB) on copies of its node and faster networks: speedup with and without the input sync, and of decryption with its stitch (SimGrid only)",
  whatIf: true,
  flags: [
    { name: 'nodes', value: 'LIST', kind: 'ints', description: `node counts, 4 processes each (default ${PLAN.full.nodes.join(',')}; quick ${PLAN.quick.nodes.join(',')})` },
    { name: 'bandwidths-gbps', value: 'LIST', kind: 'numbers', description: `link speeds in Gbit/s, e.g. 0.1,10 (default ${PLAN.full.bandwidthsGbps.join(',')}; quick ${PLAN.quick.bandwidthsGbps.join(',')})` },
  ],
  estimate({ quick, flags }) {
    const { nodes, bandwidthsGbps } = scalePlan(quick, flags);
    const perBandwidth = nodes.reduce((s, n) => s + COST.simulationS + n * COST.perNodeS, 0);
    return { seconds: COST.startS + COST.simulationS + bandwidthsGbps.length * perBandwidth, datasetBytes: 0, scratchBytes: 0 };
  },
};

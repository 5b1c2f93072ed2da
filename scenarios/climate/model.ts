// The harness's climate model as SimGrid sees it, and the traffic and workload Table 1 implies.
import type { ModelSpec } from '../../engine/link/climate/cluster.js';
import { workloadOf, type WorkloadPlan } from '../../engine/link/climate/workload.js';
import { slabRows } from '../../engine/link/climate/model.js';
import { STEPS_PER_COUPLING } from '../../engine/link/climate/protocol.js';
import type { ClimateCell as SimCell, ClimateLayout } from '../../engine/sim/models/climate.js';
import { table1Cell } from '../models/paper-cells.js';
import { CLUSTER_CONFIG_DIR, loadTopology, type Topology } from '../../engine/topology/topology.js';
import { MODEL } from '../climate.meta.js';
import { PAPER_TABLE_1 } from './paper.js';

/** The profile of the paper's SP2; the model's compute per step is calibrated on its "No secure, MPL" cell. */
export const PAPER_PROFILE = 'paper-001-sp2';
export const CALIBRATION_CELL: SimCell = { intra: 'shm', mode: 'none', mechanism: 'none' };
/** couplings simulated; the day (36 couplings) is scaled from them, the model repeating exactly */
export const SIMULATED_COUPLINGS = 6;

/** The harness's model (MODEL) as the simulator sees it: ranks, message sizes, steps, relative work. */
export function simulatedLayout(): ClimateLayout {
  const part = (spec: ModelSpec, stepsPerCoupling: number) => ({
    ranks: spec.ranks,
    haloBytes: spec.grid.nx * spec.grid.levels * 8,
    stepsPerCoupling,
    rowsBytes: Array.from({ length: spec.ranks }, (_, r) => slabRows(spec.grid.ny, spec.ranks, r).rows * spec.grid.nx * 8),
    relativeWork: 1,
  });
  const work = (spec: ModelSpec) => (spec.grid.levels * spec.physicsSweeps * spec.grid.ny) / spec.ranks;
  return {
    atmosphere: part(MODEL.atmosphere, STEPS_PER_COUPLING),
    ocean: { ...part(MODEL.ocean, 1), relativeWork: work(MODEL.ocean) / work(MODEL.atmosphere) },
    fieldBytes: MODEL.atmosphere.grid.nx * MODEL.atmosphere.grid.ny * 8,
    couplingsPerDay: MODEL.atmosphereStepsPerDay / STEPS_PER_COUPLING,
  };
}

/** The harness's model as it runs: simulatedLayout plus the transposes of the workload Table 1 implies (table1WorkloadPlan). */
export function harnessLayout(): ClimateLayout {
  const base = simulatedLayout();
  const { transposeMessages: messages, transposeBytes: bytes } = workloadOf(table1WorkloadPlan(), 0);
  return { ...base, atmosphere: { ...base.atmosphere, transposes: { messages, bytes } } };
}

/** PCCM2's traffic as Table 1 implies it, on the SP2 profile's per-message and DES costs. */
export function pccm2Traffic(sp2: Topology, base: ClimateLayout): { layout: ClimateLayout; messagesPerDay: number; bytesPerDay: number } {
  const tcp = sp2.links.find((l) => l.transport === 'tcp')!;
  const mpl = sp2.links.find((l) => l.transport === 'shm')!;
  const des = sp2.nodes[0].rates['des-ecb'];
  const messagesPerDay = (PAPER_TABLE_1.none.tcp - PAPER_TABLE_1.none.shm) / (tcp.latencyS - mpl.latencyS);
  const bytesPerDay = ((PAPER_TABLE_1.all.tcp - PAPER_TABLE_1.none.tcp) * des.bytesPerS) / 2;
  const steps = base.couplingsPerDay * base.atmosphere.stepsPerCoupling;
  const perStep = Math.round(messagesPerDay / steps);
  const haloBytes = Math.max(1, Math.round(bytesPerDay / messagesPerDay));
  return { layout: { ...base, atmosphere: { ...base.atmosphere, haloBytes, haloMessages: perStep } }, messagesPerDay, bytesPerDay };
}


/**
 * What the two SimGrid layouts take from Table 1. Implied traffic: compute from "No secure, MPL", the
 * messages from the "No secure" TCP-MPL gap, the bytes from "All secure" minus "No secure" on TCP.
 * The harness's layout: its compute from "No secure, MPL", and its transposes carry the same bytes
 * (table1WorkloadPlan), so its TCP "No secure" and "All secure" cells are computed from themselves too.
 */
export const IMPLIED_TRAFFIC_CALIBRATED_ON = [table1Cell('none', 'shm'), table1Cell('none', 'tcp'), table1Cell('all', 'tcp')];
export const HARNESS_LAYOUT_CALIBRATED_ON = IMPLIED_TRAFFIC_CALIBRATED_ON;

/**
 * The workload Table 1 implies: PCCM2's bytes a day on the atmosphere's path (the SimGrid model's
 * derivation, pccm2Traffic: "All secure" minus "No secure" over TCP at DES's 0.34 MB/s, both ends,
 * about 103 MB), sent as transposes between the atmosphere's ranks in messages the size of a halo
 * (one latitude row of every level). The coupling fields stay the T42 grid's (64 KiB each way
 * every two steps: 4.7 MB a day), so the coupler-only row is a prediction.
 */
export function table1WorkloadPlan(): WorkloadPlan {
  const { bytesPerDay } = pccm2Traffic(loadTopology(`${CLUSTER_CONFIG_DIR}/${PAPER_PROFILE}.json`), simulatedLayout());
  return {
    transposeBytesPerDay: bytesPerDay,
    messageBytes: MODEL.atmosphere.grid.nx * MODEL.atmosphere.grid.levels * 8,
    stepsPerDay: MODEL.atmosphereStepsPerDay,
    oceanSweepsPerAtmosphere: MODEL.ocean.physicsSweeps / MODEL.atmosphere.physicsSweeps,
  };
}

// Paper 001's coupled climate model (Table 1) in SimGrid, with the structure of the harness's own
// model (engine/link/climate): two partitions, one rank a host; every coupling the coupler ranks
// gather their partition's surface rows, swap the whole field over TCP and scatter the other's back;
// then the atmosphere does its steps and the ocean its own, each step a halo exchange with the
// neighbour ranks and a compute phase. A secured link seals every message at the sender and opens
// it at the receiver at the mechanism's per-core cost. The compute per step is the model's one
// unknown: it is calibrated on one cell (Table 1's unsecured row allows it), the rest predicted.
import type { Topology, Transport } from '../../topology/topology.js';
import { CORE_SPEED_FLOPS, type PlatformSpec } from '../platform.js';
import { linkByTransport, rateOf, requireSources, workFlops } from '../profile.js';
import { markAt, runSimulation, type Op, type ReplayActor } from '../simgrid.js';

interface ClimatePartition {
  ranks: number;
  /** one halo message (a latitude row of every level) */
  haloBytes: number;
  stepsPerCoupling: number;
  /** bytes of surface rows each rank owns, in rank order */
  rowsBytes: number[];
  /** compute of one step of one rank, relative to an atmosphere rank's step */
  relativeWork: number;
  /**
   * Messages of haloBytes each a halo exchange sends to a neighbour (default 1). Sent back to back,
   * they are simulated as one message of their total size plus one link latency for each of the
   * others, and sealed one by one: a model that talks in thousands of small messages a step stays
   * a few simulated messages.
   */
  haloMessages?: number;
  /**
   * Besides the halo, each step: `messages` messages of `bytes` to and from each neighbour (the
   * harness's stand-in for PCCM2's spectral transposes, engine/link/climate/rank.ts), simulated the
   * same way as several halo messages.
   */
  transposes?: { messages: number; bytes: number };
}

export interface ClimateLayout {
  atmosphere: ClimatePartition;
  ocean: ClimatePartition;
  /** the whole coupling field, each way */
  fieldBytes: number;
  couplingsPerDay: number;
}

type SecurityMode = 'none' | 'coupler' | 'all';

export interface ClimateCell {
  intra: Transport;
  mode: SecurityMode;
  /** the operation a secured link runs (unused for `none`) */
  mechanism: string;
}

export interface ClimateSimulated extends ClimateCell {
  secondsPerDay: number;
}

interface ClimateOptions {
  /** seconds one atmosphere rank computes per step */
  computeSPerStep: number;
  /** couplings simulated; the day is scaled from them (the model repeats exactly) */
  couplings: number;
}

interface Party {
  model: 'atmosphere' | 'ocean';
  rank: number;
  host: string;
}

/**
 * Each rank on its own host, as on the SP2. On a profile with fewer cores than ranks (this machine),
 * the work of every rank is scaled by ranks / cores: they share the cores evenly, all being busy.
 */
function cellActors(t: Topology, layout: ClimateLayout, cell: ClimateCell, prefix: string, opts: ClimateOptions): { platform: PlatformSpec; actors: ReplayActor[] } {
  const node = t.nodes[0];
  const totalRanks = layout.atmosphere.ranks + layout.ocean.ranks;
  const share = t.detected ? Math.max(1, totalRanks / node.cores) : 1;
  const intraLink = linkByTransport(t, cell.intra, 'climate');
  const tcp = linkByTransport(t, 'tcp', 'climate');
  const rate = cell.mode === 'none' ? undefined : rateOf(t, node, cell.mechanism, 'climate');
  const seal = (bytes: number, secured: boolean, calls = 1): Op[] => (secured && rate ? [['exec', workFlops(rate, bytes, calls) * share]] : []);
  const intraSecured = cell.mode === 'all';
  const couplerSecured = cell.mode !== 'none';
  const parties: Party[] = [];
  const platform: PlatformSpec = { hosts: [], switches: [] };
  for (const model of ['atmosphere', 'ocean'] as const) {
    const hosts: string[] = [];
    for (let rank = 0; rank < layout[model].ranks; rank++) {
      const host = `${prefix}.${model}${rank}`;
      hosts.push(host);
      platform.hosts.push({ id: host, cores: 1 });
      parties.push({ model, rank, host });
    }
    platform.switches.push({ id: `${prefix}.${model}-${intraLink.name}`, bandwidthBytesPerS: intraLink.bandwidthBytesPerS, latencyS: intraLink.latencyS, hosts });
  }
  platform.switches.push({ id: `${prefix}.coupler-${tcp.name}`, bandwidthBytesPerS: tcp.bandwidthBytesPerS, latencyS: tcp.latencyS, hosts: [`${prefix}.atmosphere0`, `${prefix}.ocean0`] });

  const box = (what: string) => `${prefix}.${what}`;
  const actors = parties.map((p): ReplayActor => {
    const part = layout[p.model];
    const other = p.model === 'atmosphere' ? 'ocean' : 'atmosphere';
    const me = `${p.model}${p.rank}`;
    const neighbours = [p.rank - 1, p.rank + 1].filter((r) => r >= 0 && r < part.ranks);
    const coupling: Op[] = [];
    if (p.rank === 0) {
      for (let r = 1; r < part.ranks; r++) coupling.push(['irecv', box(`gather.${p.model}`)]);
      coupling.push(['wait']);
      for (let r = 1; r < part.ranks; r++) coupling.push(...seal(part.rowsBytes[r], intraSecured));
      coupling.push(...seal(layout.fieldBytes, couplerSecured), ['isend', box(`field.to-${other}`), layout.fieldBytes], ['irecv', box(`field.to-${p.model}`)], ['wait']);
      coupling.push(...seal(layout.fieldBytes, couplerSecured));
      for (let r = 1; r < part.ranks; r++) coupling.push(...seal(part.rowsBytes[r], intraSecured), ['isend', box(`scatter.${p.model}${r}`), part.rowsBytes[r]]);
      coupling.push(['wait']);
    } else {
      coupling.push(...seal(part.rowsBytes[p.rank], intraSecured), ['send', box(`gather.${p.model}`), part.rowsBytes[p.rank]]);
      coupling.push(['recv', box(`scatter.${me}`)], ...seal(part.rowsBytes[p.rank], intraSecured));
    }
    /** `k` messages of `bytes` to and from each neighbour: one message of their total, a latency for each other, sealed one by one */
    const exchange = (kind: string, k: number, bytes: number): Op[] => {
      const ops: Op[] = [];
      const total = k * bytes;
      if (k > 1 && neighbours.length) ops.push(['sleep', (k - 1) * intraLink.latencyS]);
      for (const n of neighbours) ops.push(...seal(total, intraSecured, k), ['isend', box(`${kind}.${p.model}${n}.from${p.rank}`), total]);
      for (const n of neighbours) ops.push(['irecv', box(`${kind}.${me}.from${n}`)]);
      ops.push(['wait']);
      for (let i = 0; i < neighbours.length; i++) ops.push(...seal(total, intraSecured, k));
      return ops;
    };
    const step: Op[] = exchange('halo', part.haloMessages ?? 1, part.haloBytes);
    if (part.transposes && part.transposes.messages > 0) step.push(...exchange('transpose', part.transposes.messages, part.transposes.bytes));
    step.push(['exec', opts.computeSPerStep * part.relativeWork * CORE_SPEED_FLOPS * share]);
    return { name: box(me), host: p.host, ops: [['loop', opts.couplings, [...coupling, ['loop', part.stepsPerCoupling, step]]], ['mark', 'end']] };
  });
  return { platform, actors };
}

export async function simulateClimate(t: Topology, layout: ClimateLayout, cells: ClimateCell[], opts: ClimateOptions): Promise<{ results: ClimateSimulated[]; hostWallMs: number }> {
  requireSources(t);
  const platform: PlatformSpec = { hosts: [], switches: [] };
  const actors: ReplayActor[] = [];
  cells.forEach((cell, i) => {
    const one = cellActors(t, layout, cell, `c${i}`, opts);
    platform.hosts.push(...one.platform.hosts);
    platform.switches.push(...one.platform.switches);
    actors.push(...one.actors);
  });
  const sim = await runSimulation(platform, { kind: 'replay', actors }, t.networkModel);
  const scale = layout.couplingsPerDay / opts.couplings;
  const results = cells.map((cell, i) => {
    const ends = actors.filter((a) => a.name.startsWith(`c${i}.`)).map((a) => markAt(sim, a.name, 'end'));
    return { ...cell, secondsPerDay: Math.max(...ends) * scale };
  });
  return { results, hostWallMs: sim.hostWallMs };
}

/**
 * The compute per atmosphere step that makes `cell` take `targetSecondsPerDay`. The atmosphere's
 * steps are its critical path (the ocean computes less between couplings), so a day is the
 * communication-only day plus steps x compute: one simulation without compute gives the former.
 */
export async function calibrateClimateCompute(t: Topology, layout: ClimateLayout, cell: ClimateCell, targetSecondsPerDay: number, couplings: number): Promise<number> {
  const { results } = await simulateClimate(t, layout, [cell], { computeSPerStep: 0, couplings });
  const share = t.detected ? Math.max(1, (layout.atmosphere.ranks + layout.ocean.ranks) / t.nodes[0].cores) : 1;
  const stepsPerDay = layout.couplingsPerDay * layout.atmosphere.stepsPerCoupling;
  const computeS = (targetSecondsPerDay - results[0].secondsPerDay) / stepsPerDay / share;
  if (computeS <= 0) throw new Error(`climate calibration: communication alone takes ${results[0].secondsPerDay.toFixed(1)} s a day, more than the ${targetSecondsPerDay} s to calibrate on`);
  return computeS;
}

// Paper 001, Table 1: seconds per simulated day of a coupled ocean-atmosphere model with no
// security, security only on the link between the models, or on every link; inside each partition
// the ranks talk over shm (the paper's MPL) or TCP, between the partitions always TCP. A check that
// the coupled fields are bit-identical in every mode: security must not change the science.
import os from 'node:os';
import { ClimateCluster, SECURITY_MODES, type ClimateResult, type ClimateRun, type ModelSpec, type SecurityMode, type Workload } from '../engine/link/climate/cluster.js';
import { CALIBRATION_CELLS, measureSweepS, nextSweeps, workloadOf, type CalibrationRound, type TableShape, type WorkloadPlan } from '../engine/link/climate/workload.js';
import type { Mechanism } from '../engine/link/mechanism.js';
import { chart, quartiles, simulatedChart, withQuartiles, type Plot, type Reference, type Row } from '../engine/report/plot.js';
import type { ResultRecord, Stats } from '../engine/report/record.js';
import { single, summarize } from '../engine/report/stats.js';
import { comparisonTable, relativeErrorPct, type Comparison, type ReportTable } from '../engine/report/table.js';
import { slabRows } from '../engine/link/climate/model.js';
import { STEPS_PER_COUPLING } from '../engine/link/climate/protocol.js';
import { intFlag, UsageError } from '../engine/runner/args.js';
import type { Scenario, ScenarioContext } from '../engine/runner/scenario.js';
import { measureLinkMechanism, measureLinks } from '../engine/sim/calibrate.js';
import { calibrateClimateCompute, simulateClimate, type ClimateCell as SimCell, type ClimateLayout, type ClimateSimulated } from '../engine/sim/models/climate.js';
import { simulationProfile } from '../engine/sim/profile.js';
import { fmt, missNotes, simulatedRecord, simulationNote } from '../engine/sim/records.js';
import { table1Cell } from './models/paper-cells.js';
import { incrementRecords, layoutsTable, paperIncrementRecords } from './models/table1-layouts.js';
import { CLUSTER_CONFIG_DIR, loadTopology, type Topology } from '../engine/topology/topology.js';
import { climateInfo, MODEL } from './climate.meta.js';

/** Paper 001, Table 1 (IBM SP2): seconds per simulated day. MPL is the paper's name for shm here. */
export const PAPER_TABLE_1: Record<SecurityMode, { tcp: number; shm: number }> = {
  none: { tcp: 854, shm: 574 },
  coupler: { tcp: 897, shm: 590 },
  all: { tcp: 1459, shm: 1187 },
};
const MODE_LABEL: Record<SecurityMode, string> = { none: 'No secure', coupler: 'Coupler secure', all: 'All secure' };

interface Cell {
  run: ClimateRun;
  secondsPerDay: number[];
  /** CPU seconds of every rank together, a simulated day */
  cpuSecondsPerDay: number[];
  results: ClimateResult[];
}

/** Every (intra transport, mode, mechanism) the table needs; `none` once per transport. */
function runsOf(atmosphereSteps: number): ClimateRun[] {
  const runs: ClimateRun[] = [];
  for (const intra of MODEL.intra) {
    runs.push({ intra, mode: 'none', mechanism: 'none', atmosphereSteps });
    for (const mechanism of MODEL.mechanisms) for (const mode of ['coupler', 'all'] as const) runs.push({ intra, mode, mechanism, atmosphereSteps });
  }
  return runs;
}

const label = (r: ClimateRun) => `${r.intra} ${r.mode}${r.mode === 'none' ? '' : ` ${r.mechanism}`}`;

type Measure = 'secondsPerDay' | 'cpuSecondsPerDay';

function median(cells: Cell[], intra: string, mode: SecurityMode, mechanism: Mechanism, measure: Measure = 'secondsPerDay'): number | undefined {
  const c = cells.find((x) => x.run.intra === intra && x.run.mode === mode && (mode === 'none' || x.run.mechanism === mechanism));
  return c && c[measure].length > 0 ? summarize(c[measure]).median : undefined;
}

/** Throws unless every run ended with the same state and exchanged the same coupling fields. */
export function checkBitIdentical(results: { label: string; stateHash: string; couplingHash: string }[]): string {
  const first = results[0];
  for (const r of results) {
    if (r.stateHash !== first.stateHash || r.couplingHash !== first.couplingHash) {
      throw new Error(`climate: ${r.label} ended with state ${r.stateHash.slice(0, 16)} / coupling ${r.couplingHash.slice(0, 16)}, but ${first.label} with ${first.stateHash.slice(0, 16)} / ${first.couplingHash.slice(0, 16)}: security changed the science`);
    }
  }
  return first.stateHash;
}

const signed = (x: number | undefined) => (x === undefined ? 'n/a' : `${x >= 0 ? '+' : ''}${x.toFixed(1)} %`);

/** A Table 1 ratio here and in the paper: a cell over another, and whether it was calibrated or predicted. */
export interface Table1Ratio {
  figure: string;
  fit: 'calibrated' | 'predicted';
  paper?: number;
  cpu?: number;
  wall?: number;
  /** the same ratio with aes-128-gcm on the links */
  cpuAes?: number;
}

/** Table 1's ratios: each secured mode over no security, and TCP over shm (MPL) inside the partitions. */
function table1Ratios(cells: Cell[]): Table1Ratio[] {
  const ratio = (a: [string, SecurityMode], b: [string, SecurityMode], m: Mechanism, measure: Measure) => {
    const x = median(cells, a[0], a[1], m, measure);
    const y = median(cells, b[0], b[1], m, measure);
    return x && y ? x / y : undefined;
  };
  const name = (intra: string) => (intra === 'tcp' ? 'TCP' : 'MPL/shm');
  const rows: Table1Ratio[] = [];
  for (const intra of ['tcp', 'shm'] as const) {
    for (const mode of ['coupler', 'all'] as const) {
      const of = (m: Mechanism, measure: Measure) => ratio([intra, mode], [intra, 'none'], m, measure);
      rows.push({ figure: `${name(intra)} inside: ${mode}/none`, fit: fitOf(mode), paper: PAPER_TABLE_1[mode][intra] / PAPER_TABLE_1.none[intra], cpu: of('des-ecb', 'cpuSecondsPerDay'), wall: of('des-ecb', 'secondsPerDay'), cpuAes: of('aes-128-gcm', 'cpuSecondsPerDay') });
    }
  }
  for (const mode of SECURITY_MODES) {
    const of = (m: Mechanism, measure: Measure) => ratio(['tcp', mode], ['shm', mode], m, measure);
    // the gap between the transports was not fitted: compute was, on the mean of both
    rows.push({ figure: `${MODE_LABEL[mode]}: TCP/MPL inside`, fit: 'predicted', paper: PAPER_TABLE_1[mode].tcp / PAPER_TABLE_1[mode].shm, cpu: of('des-ecb', 'cpuSecondsPerDay'), wall: of('des-ecb', 'secondsPerDay'), cpuAes: mode === 'none' ? undefined : of('aes-128-gcm', 'cpuSecondsPerDay') });
  }
  return rows;
}

function tables(cells: Cell[], ratios: Table1Ratio[]): ReportTable[] {
  const layout = (measure: Measure, title: string): ReportTable => ({
    title,
    columns: ['mode', 'fit', 'TCP paper', 'TCP here, des-ecb', 'TCP here, aes-128-gcm', 'MPL paper', 'shm here, des-ecb', 'shm here, aes-128-gcm'],
    rows: SECURITY_MODES.map((mode) => [
      MODE_LABEL[mode], fitOf(mode),
      PAPER_TABLE_1[mode].tcp, median(cells, 'tcp', mode, 'des-ecb', measure), median(cells, 'tcp', mode, 'aes-128-gcm', measure),
      PAPER_TABLE_1[mode].shm, median(cells, 'shm', mode, 'des-ecb', measure), median(cells, 'shm', mode, 'aes-128-gcm', measure),
    ]),
    note: 'Medians of the repetitions. "No secure" is one run per transport (no mechanism), shown in both mechanism columns. Fit: the workload\'s compute was sized on the "No secure" and "All secure" rows (DES) in this run; "Coupler secure" is predicted.',
  });
  const pct = (here: number | undefined, paper: number | undefined) => (here === undefined || paper === undefined ? undefined : signed((100 * (here - paper)) / paper));
  const ratioTable: ReportTable = {
    title: 'Table 1 as ratios: paper vs here (des-ecb), calibrated and predicted',
    columns: ['figure', 'fit', 'paper', 'here, CPU time', 'CPU vs paper', 'here, wall time', 'wall vs paper', 'here, aes-128-gcm (CPU)'],
    rows: ratios.map((r) => [r.figure, r.fit, r.paper, r.cpu, pct(r.cpu, r.paper), r.wall, pct(r.wall, r.paper), r.cpuAes]),
    note: 'CPU time: every rank\'s CPU seconds together, which other jobs on this shared machine do not stretch; the calibration fits it. Wall time carries their load too (its spread is in the notes). Paper: 897/854 = 1.05 and 1459/854 = 1.71 (TCP); 590/574 = 1.03 and 1187/574 = 2.07 (MPL).',
  };
  return [layout('cpuSecondsPerDay', 'Table 1: CPU seconds per simulated day, all ranks (paper: seconds on the SP2)'), layout('secondsPerDay', 'Table 1: seconds per simulated day (paper on the SP2; here on this machine)'), ratioTable];
}

/** A cell's seconds per simulated day, or undefined when it was not run. */
type StatsAt = (intra: string, mode: SecurityMode, mechanism: Mechanism) => Stats | undefined;

const BAR_CONFIGURATIONS = MODEL.intra.flatMap((intra) => MODEL.mechanisms.map((mechanism) => ({ intra, mechanism, label: `${intra}, ${mechanism}` })));

/**
 * Table 1 as bar rows, a group a security mode and a bar a (transport inside the partitions,
 * cipher): the cost relative to no security on the same transport, and the seconds a day.
 */
function table1Rows(stats: StatsAt, mechanisms: readonly Mechanism[] = MODEL.mechanisms): { relative: Row[]; absolute: Row[] } {
  const relative: Row[] = [];
  const absolute: Row[] = [];
  for (const mode of SECURITY_MODES) {
    for (const c of BAR_CONFIGURATIONS.filter((x) => mechanisms.includes(x.mechanism))) {
      const s = stats(c.intra, mode, c.mechanism);
      const none = stats(c.intra, 'none', c.mechanism)?.median;
      if (!s || !none) continue;
      // "No secure" is one run per transport (no cipher), drawn in both of its cipher's bars
      relative.push({ mode: MODE_LABEL[mode], configuration: c.label, ...withQuartiles('relativeX', s, 1 / none) });
      absolute.push({ mode: MODE_LABEL[mode], configuration: c.label, ...withQuartiles('secondsPerDay', s) });
    }
  }
  return { relative, absolute };
}

/** Table 1 itself on the DES bars: as ratios to no security, or in seconds a day. */
const paperTable1 = (field: 'relativeX' | 'secondsPerDay'): Reference => ({
  kind: 'paper',
  label: 'paper (IBM SP2, DES): TCP and MPL (its shm) inside the partitions',
  rows: SECURITY_MODES.flatMap((mode) =>
    MODEL.intra.map((intra) => ({ mode: MODE_LABEL[mode], configuration: `${intra}, des-ecb`, [field]: field === 'relativeX' ? PAPER_TABLE_1[mode][intra] / PAPER_TABLE_1.none[intra] : PAPER_TABLE_1[mode][intra] })),
  ),
});

const BARS = {
  kind: 'bar' as const,
  x: { field: 'mode', title: 'security mode' },
  series: { field: 'configuration', title: 'inside the partitions, cipher', order: BAR_CONFIGURATIONS.map((c) => c.label) },
};
const RELATIVE = {
  name: 'table1-relative-cost',
  y: { field: 'relativeX', title: 'time per simulated day / no security (x)' },
  spread: { ...quartiles('relativeX', 'the repetitions'), label: "interquartile range of the repetitions, over the transport's no-security median" },
  rules: [{ y: 1, label: 'no security' }],
};

/**
 * Table 1 as grouped bars: the cost relative to no security, with the paper's ratios as diamonds on
 * the DES bars; then the seconds per simulated day themselves.
 */
function table1Plots(cells: Cell[], subtitle: string): Plot[] {
  const { relative, absolute } = table1Rows((intra, mode, mechanism) => {
    const c = cells.find((x) => x.run.intra === intra && x.run.mode === mode && (mode === 'none' || x.run.mechanism === mechanism));
    return c && c.secondsPerDay.length ? summarize(c.secondsPerDay) : undefined;
  });
  return [
    chart({ ...BARS, ...RELATIVE, subtitle, title: 'Table 1: time per simulated day relative to no security', rows: relative, references: [paperTable1('relativeX')] }),
    chart({
      ...BARS,
      subtitle,
      name: 'table1-seconds-per-day',
      title: 'Table 1: seconds per simulated day (here; the paper took 574 to 1459 on the SP2)',
      rows: absolute,
      y: { field: 'secondsPerDay', title: 'seconds per simulated day' },
      spread: quartiles('secondsPerDay', 'the repetitions'),
    }),
  ];
}

/** The profile of the paper's SP2; the model's compute per step is calibrated on its "No secure, MPL" cell. */
const PAPER_PROFILE = 'paper-001-sp2';
const CALIBRATION_CELL: SimCell = { intra: 'shm', mode: 'none', mechanism: 'none' };
/** couplings simulated; the day (36 couplings) is scaled from them, the model repeating exactly */
const SIMULATED_COUPLINGS = 6;

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
const HARNESS_LAYOUT_CALIBRATED_ON = IMPLIED_TRAFFIC_CALIBRATED_ON;

/** Table 1 on the SP2 with PCCM2-like traffic: calibrated on three cells, the other three predicted. */
async function simulateImpliedTraffic(t: Topology, base: ClimateLayout) {
  const { layout, messagesPerDay, bytesPerDay } = pccm2Traffic(t, base);
  const computeSPerStep = await calibrateClimateCompute(t, layout, CALIBRATION_CELL, PAPER_TABLE_1.none.shm, SIMULATED_COUPLINGS);
  const cells: SimCell[] = MODEL.intra.flatMap((intra) => SECURITY_MODES.map((mode) => ({ intra, mode, mechanism: mode === 'none' ? 'none' : 'des-ecb' })));
  const { results } = await simulateClimate(t, layout, cells, { computeSPerStep, couplings: SIMULATED_COUPLINGS });
  // Compute from "No secure, MPL"; messages from the TCP-MPL gap; bytes from "All secure, TCP".
  const fitted = (c: SimCell) => IMPLIED_TRAFFIC_CALIBRATED_ON.includes(table1Cell(c.mode, c.intra));
  const records = results.map((c) =>
    simulatedRecord(t, {
      scenario: 'climate',
      experiment: 'table1',
      parameters: { mode: c.mode, mechanism: c.mechanism, intraTransport: c.intra, interTransport: 'tcp', traffic: 'implied by Table 1', messagesPerStep: layout.atmosphere.haloMessages ?? 1, messageBytes: layout.atmosphere.haloBytes, computeMsPerStep: computeSPerStep * 1000 },
      metrics: { secondsPerDay: c.secondsPerDay },
      threads: layout.atmosphere.ranks + layout.ocean.ranks,
      provenance: { paperCell: table1Cell(c.mode, c.intra), calibratedOn: IMPLIED_TRAFFIC_CALIBRATED_ON },
      paper: { secondsPerDay: PAPER_TABLE_1[c.mode][c.intra] },
    }),
  );
  const table = comparisonTable(
    `Table 1 on ${t.name} with the traffic Table 1 implies (PCCM2-like)`,
    results.map((c) => ({ figure: `${MODE_LABEL[c.mode]}, ${c.intra === 'shm' ? 'MPL' : 'TCP'} inside`, unit: 's/day', paper: PAPER_TABLE_1[c.mode][c.intra], simulated: c.secondsPerDay, fit: fitted(c) ? 'calibrated' : 'predicted' })),
    `${layout.atmosphere.haloMessages} messages of ${layout.atmosphere.haloBytes} B a step from each atmosphere rank (${fmt(messagesPerDay / 1000)} k messages, ${fmt(bytesPerDay / 1e6)} MB a day), from the "No secure" TCP-MPL gap and the "All secure" TCP cost; compute calibrated on "No secure, MPL".`,
  );
  const worst = Math.max(...results.filter((c) => !fitted(c)).map((c) => Math.abs(relativeErrorPct(c.secondsPerDay, PAPER_TABLE_1[c.mode][c.intra]) ?? 0)));
  const harnessMessagesPerDay = base.couplingsPerDay * base.atmosphere.stepsPerCoupling * 2 * (1 + (harnessLayout().atmosphere.transposes?.messages ?? 0));
  const note =
    `Talking as PCCM2 did (the traffic three cells of Table 1 imply), the model predicts the other three cells within ${worst.toFixed(1)} %. ` +
    `The harness's own layout carries the same bytes in about ${fmt(harnessMessagesPerDay)} messages a day against the ${fmt(messagesPerDay)} Table 1 implies: what it misses on TCP is TCP's cost a message, not the links' bandwidth or DES.`;
  return { records, table, note };
}

/** What the parts of the simulated Table 1 share: the profile, the harness's layout, its calibrated compute, the cells simulated. */
interface SimulatedTable1 {
  t: Topology;
  isPaper: boolean;
  layout: ClimateLayout;
  computeSPerStep: number;
  results: ClimateSimulated[];
  /** the paper's seconds a day for a cell it has (on its own profile only) */
  paperOf: (c: SimCell) => number | undefined;
  /** computed from the cell it is compared with: the compute cell, and the TCP cells the transposes' bytes come from */
  calibrated: (c: SimCell) => boolean;
  /** a cell measured in this run (mode both), its median seconds a day */
  measuredCell: (intra: string, mode: SecurityMode, mechanism: string) => number | undefined;
}

/** Every (intra transport, mode, mechanism) the simulation runs; `none` once per transport. */
function simulatedCells(mechanisms: readonly Mechanism[]): SimCell[] {
  const cells: SimCell[] = [];
  for (const intra of MODEL.intra) {
    cells.push({ intra, mode: 'none', mechanism: 'none' });
    for (const mechanism of mechanisms) for (const mode of ['coupler', 'all'] as const) cells.push({ intra, mode, mechanism });
  }
  return cells;
}

function simulatedRecords({ t, isPaper, layout, computeSPerStep, results, paperOf }: SimulatedTable1): ResultRecord[] {
  return results.map((c) =>
    simulatedRecord(t, {
      scenario: 'climate',
      experiment: 'table1',
      parameters: { mode: c.mode, mechanism: c.mechanism, intraTransport: c.intra, interTransport: 'tcp', traffic: 'the harness\'s model', atmosphereRanks: layout.atmosphere.ranks, oceanRanks: layout.ocean.ranks, computeMsPerStep: computeSPerStep * 1000 },
      metrics: { secondsPerDay: c.secondsPerDay },
      threads: layout.atmosphere.ranks + layout.ocean.ranks,
      provenance: isPaper ? { ...(paperOf(c) !== undefined ? { paperCell: table1Cell(c.mode, c.intra) } : {}), calibratedOn: HARNESS_LAYOUT_CALIBRATED_ON } : { calibratedOn: [] },
      ...(paperOf(c) !== undefined ? { paper: { secondsPerDay: paperOf(c)! } } : {}),
    }),
  );
}

/** Table 1's own cells as records, for a run that measured none to carry them. */
function paperTable1Records(): ResultRecord[] {
  const records: ResultRecord[] = [];
  for (const mode of SECURITY_MODES) for (const intra of MODEL.intra) records.push({ scenario: 'climate', experiment: 'table1', source: 'paper', threads: 0, status: 'completed', parameters: { mode, mechanism: mode === 'none' ? 'none' : 'des-ecb', intraTransport: intra, interTransport: 'tcp' }, metrics: { secondsPerDay: single(PAPER_TABLE_1[mode][intra]) } });
  return records;
}

/** Where the simulated cells miss the paper's by more than the threshold, and why: too few messages, or too few bytes to encrypt. */
function simulatedMisses({ t, isPaper, layout, results, paperOf, calibrated }: SimulatedTable1): string[] {
  if (!isPaper) return [];
  const computeCell = (c: SimCell) => c.intra === CALIBRATION_CELL.intra && c.mode === CALIBRATION_CELL.mode;
  const intraTcp = t.links.find((l) => l.transport === 'tcp');
  const intraShm = t.links.find((l) => l.transport === 'shm');
  const perMessageGapUs = intraTcp && intraShm ? (intraTcp.latencyS - intraShm.latencyS) * 1e6 : NaN;
  const simNone = (intra: string) => results.find((c) => c.intra === intra && c.mode === 'none')?.secondsPerDay ?? NaN;
  const transposes = layout.atmosphere.transposes ?? { messages: 0, bytes: 0 };
  const messagesPerDay = layout.couplingsPerDay * (layout.atmosphere.stepsPerCoupling * 2 * (1 + transposes.messages) + 2 * (layout.atmosphere.ranks - 1) + 1);
  const causeComm =
    `the harness's model exchanges about ${fmt(messagesPerDay)} messages a day on the atmosphere's path (an 18 KiB halo and ${transposes.messages} transposes of ${transposes.bytes} B each way a step, the coupling gather and scatter), so TCP inside the partitions adds ${fmt(simNone('tcp') - simNone('shm'))} s a day to MPL's; the paper's gap is ${PAPER_TABLE_1.none.tcp - PAPER_TABLE_1.none.shm} s, which at the ${fmt(perMessageGapUs)} us a message TCP costs over MPL means about ${fmt((PAPER_TABLE_1.none.tcp - PAPER_TABLE_1.none.shm) / (perMessageGapUs * 1e-6))} messages a day: PCCM2's spectral transforms send its bytes in far more, far smaller messages than the harness's transposes.`;
  const des = t.nodes[0].rates['des-ecb'];
  const internalBytesPerDay = layout.couplingsPerDay * (layout.atmosphere.stepsPerCoupling * (layout.atmosphere.haloBytes + transposes.messages * transposes.bytes) * 2 + 2 * layout.atmosphere.rowsBytes[0]);
  const causeSecure = (intra: 'tcp' | 'shm') => {
    const extraS = PAPER_TABLE_1.all[intra] - PAPER_TABLE_1.none[intra];
    return `"all secure" encrypts every internal message, and the paper's +${extraS} s a day is about ${fmt((extraS * (des?.bytesPerS ?? NaN)) / 2 / 1e6)} MB of DES at both ends; the harness's halos, transposes and gathers carry ${fmt(internalBytesPerDay / 1e6)} MB a day inside the atmosphere.`;
  };
  return missNotes(results.filter((c) => paperOf(c) !== undefined && !computeCell(c)).map((c) => ({ figure: `Table 1, ${MODE_LABEL[c.mode]}, ${c.intra === 'shm' ? 'MPL' : 'TCP'} inside (s/day)`, paper: paperOf(c)!, simulated: c.secondsPerDay, calibrated: calibrated(c), cause: c.mode === 'all' ? causeSecure(c.intra) : causeComm })));
}

/** The simulated bars, beside the measured ones of this run and the paper's diamonds; and the implied-traffic reading's bars. */
function simulatedTable1Plots({ t, isPaper, layout, results }: SimulatedTable1, mechanisms: readonly Mechanism[], measured: ResultRecord[], implied: { records: ResultRecord[] } | undefined): Plot[] {
  const simulatedLabel = `simulated (SimGrid, ${t.name})`;
  const simulatedBars = table1Rows((intra, mode, mechanism) => {
    const c = results.find((x) => x.intra === intra && x.mode === mode && (mode === 'none' || x.mechanism === mechanism));
    return c && single(c.secondsPerDay);
  }, mechanisms);
  const measuredBars = table1Rows(
    (intra, mode, mechanism) =>
      measured.find((r) => r.source === 'measured' && r.status === 'completed' && r.parameters.intraTransport === intra && r.parameters.mode === mode && (mode === 'none' || r.parameters.mechanism === mechanism))?.metrics.secondsPerDay,
  );
  const where = `SimGrid, the harness's model (${layout.atmosphere.ranks} + ${layout.ocean.ranks} ranks, one a node); compute per step calibrated on "No secure, MPL"${isPaper ? " (the paper's 574 s)" : ' (measured here)'}`;
  return [
    simulatedChart({
      ...BARS,
      ...RELATIVE,
      name: 'sim-table1-relative-cost',
      title: `Table 1, simulated on ${t.name}: time per simulated day relative to no security`,
      subtitle: [where, ...(measuredBars.relative.length ? ['beside it, the same model measured here in this run'] : [])],
      simulated: simulatedBars.relative,
      simulatedLabel,
      measured: measuredBars.relative,
      references: isPaper ? [paperTable1('relativeX')] : [],
    }),
    simulatedChart({
      ...BARS,
      name: 'sim-table1-seconds-per-day',
      title: `Table 1, simulated on ${t.name}: seconds per simulated day`,
      subtitle: where,
      simulated: simulatedBars.absolute,
      simulatedLabel,
      // seconds a day here and on the SP2 differ a hundredfold: measured ones share the axes only with a model of this machine
      measured: isPaper ? [] : measuredBars.absolute,
      y: { field: 'secondsPerDay', title: 'seconds per simulated day' },
      spread: quartiles('secondsPerDay', 'the repetitions'),
      references: isPaper ? [paperTable1('secondsPerDay')] : [],
    }),
    ...(implied
      ? [
          simulatedChart({
            ...BARS,
            name: 'sim-table1-implied-traffic',
            title: `Table 1, simulated on ${t.name} with the traffic Table 1 implies (PCCM2-like)`,
            subtitle: `SimGrid, compute, messages and bytes calibrated on three cells (No secure, both; All secure, TCP); the other three predicted`,
            simulated: table1Rows((intra, mode) => implied.records.find((r) => r.parameters.intraTransport === intra && r.parameters.mode === mode)?.metrics.secondsPerDay, ['des-ecb']).absolute,
            simulatedLabel: `simulated (SimGrid, ${t.name}, PCCM2-like traffic)`,
            y: { field: 'secondsPerDay', title: 'seconds per simulated day' },
            references: [paperTable1('secondsPerDay')],
          }),
        ]
      : []),
  ];
}

/** Paper vs simulated vs measured here, a row a simulated cell. */
function simulatedComparison({ t, isPaper, computeSPerStep, results, paperOf, calibrated, measuredCell }: SimulatedTable1): ReportTable {
  const rows: Comparison[] = results.map((c) => ({
    figure: `${MODE_LABEL[c.mode]}, ${c.intra === 'shm' ? 'MPL/shm' : 'TCP'} inside${c.mode === 'none' ? '' : `, ${c.mechanism}`}`,
    unit: 's/day',
    paper: paperOf(c),
    simulated: c.secondsPerDay,
    fit: calibrated(c) ? 'calibrated' : 'predicted',
    measured: measuredCell(c.intra, c.mode, c.mechanism),
  }));
  return comparisonTable(`Table 1: paper vs simulated (${t.name}, the harness's model) vs measured here`, rows, `Compute per atmosphere step calibrated on the "No secure, MPL/shm" cell (${isPaper ? 'the paper\'s 574 s' : 'measured here'}): ${(computeSPerStep * 1000).toFixed(3)} ms; ${isPaper ? 'the transposes carry the bytes "All secure" minus "No secure" on TCP implies, so those two cells are calibrated too; the others' : 'the other cells'} follow from the links and the cipher rates.`);
}

async function simulateClimateScenario(ctx: ScenarioContext, measured: ResultRecord[]) {
  const t = await simulationProfile(ctx.topology, (m) => ctx.progress.info(m));
  const isPaper = t.name === PAPER_PROFILE;
  const layout = harnessLayout();
  const mechanisms = MODEL.mechanisms.filter((m) => m in t.nodes[0].rates);
  const measuredCell = (intra: string, mode: SecurityMode, mechanism: string) =>
    measured.find((r) => r.source === 'measured' && r.parameters.intraTransport === intra && r.parameters.mode === mode && (mode === 'none' || r.parameters.mechanism === mechanism))?.metrics.secondsPerDay?.median;
  const target = isPaper ? PAPER_TABLE_1.none.shm : measuredCell('shm', 'none', 'none');
  if (target === undefined) {
    throw new UsageError(`climate on ${t.name}: the model's compute per step is calibrated on a measured "no security, shm" cell, and this run measured none: use --mode both (or the paper's profile, ${PAPER_PROFILE})`);
  }
  ctx.progress.begin('climate, simulated', 2);
  const computeSPerStep = await calibrateClimateCompute(t, layout, CALIBRATION_CELL, target, SIMULATED_COUPLINGS);
  ctx.progress.step(`compute per atmosphere step calibrated: ${(computeSPerStep * 1000).toFixed(2)} ms`);
  const { results, hostWallMs } = await simulateClimate(t, layout, simulatedCells(mechanisms), { computeSPerStep, couplings: SIMULATED_COUPLINGS });
  ctx.progress.step(`${results.length} cells simulated in ${(hostWallMs / 1000).toFixed(1)} s`);
  const paperOf = (c: SimCell) => (isPaper && (c.mode === 'none' || c.mechanism === 'des-ecb') ? PAPER_TABLE_1[c.mode][c.intra] : undefined);
  const calibrated = (c: SimCell) => isPaper && paperOf(c) !== undefined && HARNESS_LAYOUT_CALIBRATED_ON.includes(table1Cell(c.mode, c.intra));
  const sim: SimulatedTable1 = { t, isPaper, layout, computeSPerStep, results, paperOf, calibrated, measuredCell };
  const records = simulatedRecords(sim);
  if (ctx.mode !== 'both' && isPaper) records.push(...paperTable1Records());
  const misses = simulatedMisses(sim);
  // A second reading on the paper's SP2: the model talking as PCCM2 did, by the amount Table 1
  // itself implies (three of its cells fix compute, messages and bytes; the other three follow).
  const implied = isPaper ? await simulateImpliedTraffic(t, simulatedLayout()) : undefined;
  if (implied) records.push(...implied.records, ...incrementRecords(t, [...records, ...implied.records], PAPER_TABLE_1), ...paperIncrementRecords(PAPER_TABLE_1));
  return {
    records,
    plots: simulatedTable1Plots(sim, mechanisms, measured, implied),
    tables: [simulatedComparison(sim), ...(implied ? [implied.table, layoutsTable(records, PAPER_TABLE_1)] : [])],
    notes: [simulationNote(t, `models/climate.ts: ${results.length} cells, ${SIMULATED_COUPLINGS} couplings each, scaled to a day`, hostWallMs), ...misses, ...(implied ? [implied.note] : [])],
    launcher: 'SimGrid (engine/sim)',
  };
}

/** Table 1's shape: the cipher's extra seconds a day (its mean over the transports) over no security on each. */
export const TABLE_1_SHAPE: TableShape = {
  securedOverNone: {
    shm: (PAPER_TABLE_1.all.shm - PAPER_TABLE_1.none.shm + (PAPER_TABLE_1.all.tcp - PAPER_TABLE_1.none.tcp)) / 2 / PAPER_TABLE_1.none.shm,
    tcp: (PAPER_TABLE_1.all.shm - PAPER_TABLE_1.none.shm + (PAPER_TABLE_1.all.tcp - PAPER_TABLE_1.none.tcp)) / 2 / PAPER_TABLE_1.none.tcp,
  },
};
const CALIBRATION = MODEL.calibration;

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

const workloadText = (w: Workload) => `${w.physicsSweeps.atmosphere} physics sweeps a step (ocean ${w.physicsSweeps.ocean}), ${w.transposeMessages} transposes of ${w.transposeBytes} B a step each way`;

/** Whether a cell's row was fitted (No secure, All secure) or is predicted (Coupler secure). */
export const fitOf = (mode: SecurityMode): 'calibrated' | 'predicted' => (mode === 'coupler' ? 'predicted' : 'calibrated');

/** This machine's rates, measured at the start of the run. */
interface HereRates {
  /** the link engine's DES-ECB, one end (half a seal + open) */
  desBytesPerS: number;
  /** unsecured one-way latency of a small message, and bandwidth */
  links: { transport: 'shm' | 'tcp'; latencyS: number; bandwidthBytesPerS: number }[];
  /** seconds one physics sweep adds to an atmosphere rank's step */
  sweepS: number;
}

async function measureRates(): Promise<HereRates> {
  const des = measureLinkMechanism('des-ecb');
  const links = (await measureLinks()).map(({ transport, latencyS, bandwidthBytesPerS }) => ({ transport, latencyS, bandwidthBytesPerS }));
  return { desBytesPerS: des.bytesPerS, links, sweepS: measureSweepS(MODEL.atmosphere) };
}

/** Seconds per simulated day from the milliseconds `steps` atmosphere steps took. */
const perDay = (ms: number, steps: number) => (ms / 1000) * (MODEL.atmosphereStepsPerDay / steps);

/**
 * Sizes the workload's compute on Table 1's "No secure" and "All secure" rows (DES), round by
 * round, in CPU seconds a day; the first round computes nothing.
 */
async function calibrateWorkload(ctx: ScenarioContext, cluster: ClimateCluster, plan: WorkloadPlan, rates: HereRates, calibrationRounds: number): Promise<{ rounds: CalibrationRound[]; workload: Workload }> {
  const alone = { sweepS: rates.sweepS, cipherSPerDay: (2 * plan.transposeBytesPerDay) / rates.desBytesPerS };
  const rounds: CalibrationRound[] = [];
  let workload = workloadOf(plan, 0);
  for (let round = 0; round < calibrationRounds; round++) {
    const days = new Map<string, number[]>();
    for (let rep = 0; rep < CALIBRATION.repetitions; rep++) {
      for (const c of CALIBRATION_CELLS) {
        const r = await cluster.run({ intra: c.intra, mode: c.mode, mechanism: c.mode === 'none' ? 'none' : 'des-ecb', atmosphereSteps: CALIBRATION.atmosphereSteps, workload });
        days.set(`${c.intra} ${c.mode}`, [...(days.get(`${c.intra} ${c.mode}`) ?? []), perDay(r.cpuMs, CALIBRATION.atmosphereSteps)]);
      }
    }
    const at = (intra: string, mode: string) => summarize(days.get(`${intra} ${mode}`) ?? []).median;
    rounds.push({ workload, none: { shm: at('shm', 'none'), tcp: at('tcp', 'none') }, all: { shm: at('shm', 'all'), tcp: at('tcp', 'all') } });
    workload = workloadOf(plan, nextSweeps(plan, TABLE_1_SHAPE, rounds, alone));
    ctx.progress.step(`calibration round ${round + 1} (CPU s a day, none shm ${fmt(rounds[round].none.shm)}, all shm ${fmt(rounds[round].all.shm)}): next ${workloadText(workload)}`);
  }
  return { rounds, workload };
}

/**
 * Repetitions interleaved across configurations, so drift in the machine's load hits all alike;
 * each repetition starts one cell later, so no cell always follows the same one.
 */
async function measureCells(ctx: ScenarioContext, cluster: ClimateCluster, cells: Cell[], workload: Workload, repetitions: number, atmosphereSteps: number): Promise<void> {
  for (let rep = 0; rep < repetitions; rep++) {
    for (const cell of [...cells.slice(rep % cells.length), ...cells.slice(0, rep % cells.length)]) {
      const r = await cluster.run({ ...cell.run, workload });
      cell.results.push(r);
      cell.secondsPerDay.push(perDay(r.wallMs, atmosphereSteps));
      cell.cpuSecondsPerDay.push(perDay(r.cpuMs, atmosphereSteps));
      ctx.progress.step(`${label(cell.run)}: ${cell.secondsPerDay.at(-1)?.toFixed(2)} s a day, ${cell.cpuSecondsPerDay.at(-1)?.toFixed(2)} CPU s`);
    }
  }
}

/** A record a measured cell, with the workload it ran and whether that workload was fitted on it. */
function measuredRecords(cells: Cell[], threads: number, atmosphereSteps: number, workload: Workload): ResultRecord[] {
  const workloadParameters = { physicsSweeps: workload.physicsSweeps.atmosphere, oceanPhysicsSweeps: workload.physicsSweeps.ocean, transposesPerStep: workload.transposeMessages, transposeBytes: workload.transposeBytes };
  return cells.map((c) => ({
    scenario: 'climate', experiment: 'table1', source: 'measured', threads, status: 'completed',
    parameters: {
      mode: c.run.mode, mechanism: c.run.mechanism, intraTransport: c.run.intra, interTransport: 'tcp', atmosphereSteps,
      atmosphereRanks: MODEL.atmosphere.ranks, oceanRanks: MODEL.ocean.ranks, stateHash: c.results[0].stateHash.slice(0, 16),
      // the workload was sized on the DES "No secure" and "All secure" cells; every other cell is a prediction
      workloadFit: c.run.mechanism === 'aes-128-gcm' ? 'predicted' : fitOf(c.run.mode),
      ...workloadParameters,
    },
    metrics: {
      secondsPerDay: summarize(c.secondsPerDay),
      cpuSecondsPerDay: summarize(c.cpuSecondsPerDay),
      wallMs: summarize(c.results.map((r) => r.wallMs)),
      sentBytes: single(c.results[0].sentBytes),
    },
  }));
}

/** What sized the workload: this machine's rates, and each calibration round's cells (CPU seconds a day). */
function calibrationRecords(rates: HereRates, rounds: CalibrationRound[], threads: number): ResultRecord[] {
  const records: ResultRecord[] = [];
  records.push({
    scenario: 'climate', experiment: 'table1-rates', source: 'measured', threads: 1, status: 'completed',
    parameters: { des: 'the link engine\'s des-ecb, one end', links: 'the link engine\'s ping-pong between two threads, unsecured' },
    metrics: {
      desBytesPerS: single(rates.desBytesPerS), physicsSweepMs: single(rates.sweepS * 1000),
      ...Object.fromEntries(rates.links.flatMap((l) => [[`${l.transport}LatencyUs`, single(l.latencyS * 1e6)], [`${l.transport}BandwidthBytesPerS`, single(l.bandwidthBytesPerS)]])),
    },
  });
  rounds.forEach((r, i) => {
    for (const c of CALIBRATION_CELLS) {
      records.push({
        scenario: 'climate', experiment: 'table1-calibration', source: 'measured', threads, status: 'completed',
        parameters: { round: i + 1, mode: c.mode, mechanism: c.mode === 'none' ? 'none' : 'des-ecb', intraTransport: c.intra, atmosphereSteps: CALIBRATION.atmosphereSteps, physicsSweeps: r.workload.physicsSweeps.atmosphere, transposesPerStep: r.workload.transposeMessages },
        metrics: { cpuSecondsPerDay: single(r[c.mode][c.intra]) },
      });
    }
  });
  return records;
}

/** Table 1's cells beside the measured ones, with their ratio to no security and whether the workload was fitted on them. */
function paperRecords(): ResultRecord[] {
  const records: ResultRecord[] = [];
  for (const mode of SECURITY_MODES) {
    for (const intra of ['tcp', 'shm'] as const) {
      records.push({
        scenario: 'climate', experiment: 'table1', source: 'paper', threads: 0, status: 'completed',
        parameters: { mode, mechanism: mode === 'none' ? 'none' : 'des-ecb', intraTransport: intra, interTransport: 'tcp', workloadFit: fitOf(mode) },
        metrics: { secondsPerDay: single(PAPER_TABLE_1[mode][intra]), overNoneX: single(PAPER_TABLE_1[mode][intra] / PAPER_TABLE_1.none[intra]) },
      });
    }
  }
  return records;
}

/** Each cell's CPU time over its transport's "No secure", beside the paper's, on the measured records. */
function addCpuOverNone(records: ResultRecord[], cells: Cell[]): void {
  for (const r of records) {
    if (r.experiment !== 'table1' || r.source !== 'measured' || r.parameters.mode === 'none') continue;
    const none = median(cells, String(r.parameters.intraTransport), 'none', 'none', 'cpuSecondsPerDay');
    if (none) r.metrics.cpuOverNoneX = single((r.metrics.cpuSecondsPerDay?.median ?? NaN) / none);
  }
}

/** What a measured run says: where it ran, the workload and rates, the fit and the prediction, the spread, and the bit-identical check. */
function measuredNotes(m: { cells: Cell[]; ratios: Table1Ratio[]; rates: HereRates; rounds: CalibrationRound[]; plan: WorkloadPlan; workload: Workload; repetitions: number; stateHash: string }): string[] {
  const { cells, ratios, rates, rounds, plan, workload, repetitions, stateHash } = m;
  const coupler = ratios.filter((r) => r.fit === 'predicted' && r.figure.endsWith('coupler/none'));
  const allRows = ratios.filter((r) => r.figure.endsWith('all/none'));
  const errorText = (r: Table1Ratio) => `${r.figure.replace(' inside: coupler/none', '')} ${r.cpu?.toFixed(3) ?? 'n/a'} against ${r.paper?.toFixed(3)} (${signed(r.cpu && r.paper ? (100 * (r.cpu - r.paper)) / r.paper : undefined)}; cost over none ${signed(r.cpu ? 100 * (r.cpu - 1) : undefined)} against ${signed(r.paper ? 100 * (r.paper - 1) : undefined)})`;
  const spreadPct = (measure: Measure) => Math.max(0, ...cells.map((c) => {
    const st = summarize(c[measure]);
    return st.iqr === undefined ? 0 : (100 * st.iqr) / st.median;
  }));
  const last = rounds[rounds.length - 1];
  return [
    `Measured here: ${MODEL.atmosphere.ranks} atmosphere + ${MODEL.ocean.ranks} ocean rank threads on this machine's ${os.availableParallelism()} cores (oversubscribed when ranks exceed cores; --topology shapes only the simulated column); the paper ran PCCM and the Wisconsin ocean on two SP2 partitions. Absolute seconds are not comparable; the ratios are.`,
    `Workload from Table 1 (the derivation the SimGrid model uses, pccm2Traffic): "All secure" minus "No secure" over TCP is 605 s a day at DES's 0.34 MB/s at both ends, ${fmt(plan.transposeBytesPerDay / 1e6)} MB a day on the atmosphere's path, sent here as ${workload.transposeMessages} transposes of ${workload.transposeBytes} B a step each way between the atmosphere's ranks; the coupling fields are the T42 grid's (${fmt((2 * simulatedLayout().fieldBytes * simulatedLayout().couplingsPerDay) / 1e6)} MB a day both ways).`,
    `Rates measured at the start of this run: DES ${fmt(rates.desBytesPerS / 1e6)} MB/s an end (the SP2's 0.34 MB/s x ${fmt(rates.desBytesPerS / 0.34e6)}), ${rates.links.map((l) => `${l.transport} ${fmt(l.latencyS * 1e6)} us and ${fmt(l.bandwidthBytesPerS / 1e6)} MB/s`).join(', ')}, one physics sweep ${fmt(rates.sweepS * 1000)} ms. Compute sized in ${rounds.length} calibration rounds of ${CALIBRATION.atmosphereSteps} steps (CPU seconds a day, last round at ${last.workload.physicsSweeps.atmosphere} sweeps: none ${fmt(last.none.shm)} shm / ${fmt(last.none.tcp)} tcp, all ${fmt(last.all.shm)} / ${fmt(last.all.tcp)}): ${workloadText(workload)}.`,
    `Calibrated (DES, CPU time): all/none ${allRows.map((r) => `${r.figure.replace(' inside: all/none', '')} ${r.cpu?.toFixed(2) ?? 'n/a'} (paper ${r.paper?.toFixed(2)})`).join(', ')}. Predicted, coupler/none: ${coupler.map(errorText).join('; ')}.`,
    `Spread: the interquartile range of a cell's repetitions is up to ${Math.round(spreadPct('cpuSecondsPerDay'))} % of its median in CPU time and ${Math.round(spreadPct('secondsPerDay'))} % in wall time, which other jobs on this shared machine stretch; a ratio within that of 1 does not distinguish a cost from noise.`,
    `Bit-identical: all ${cells.length * repetitions} runs ended with the same state (SHA-256 ${stateHash.slice(0, 16)}...) and exchanged the same coupling fields and transposes.`,
  ];
}

export const climate: Scenario = {
  ...climateInfo,
  simulate: simulateClimateScenario,
  async run(ctx) {
    const base = ctx.quick ? MODEL.quick : MODEL.full;
    const atmosphereSteps = intFlag(ctx.flags, 'steps', base.atmosphereSteps);
    const repetitions = intFlag(ctx.flags, 'reps', base.repetitions);
    const calibrationRounds = intFlag(ctx.flags, 'calibration-rounds', CALIBRATION.rounds);
    if (calibrationRounds < 1) throw new UsageError(`--calibration-rounds ${calibrationRounds}: at least one round sizes the workload`);
    const cells: Cell[] = runsOf(atmosphereSteps).map((run) => ({ run, secondsPerDay: [], cpuSecondsPerDay: [], results: [] }));
    const cluster = new ClimateCluster(MODEL.atmosphere, MODEL.ocean);
    ctx.progress.begin('climate', 1 + calibrationRounds + cells.length * repetitions);
    const plan = table1WorkloadPlan();
    let rates: HereRates;
    let calibration: { rounds: CalibrationRound[]; workload: Workload };
    try {
      // One untimed run first: the ranks' JIT warm-up would otherwise land on the first configuration.
      await cluster.run({ intra: 'shm', mode: 'none', mechanism: 'none', atmosphereSteps: 2 });
      rates = await measureRates();
      ctx.progress.step(`rates here: DES ${fmt(rates.desBytesPerS / 1e6)} MB/s an end, ${rates.links.map((l) => `${l.transport} ${fmt(l.latencyS * 1e6)} us`).join(', ')}, a physics sweep ${fmt(rates.sweepS * 1e3)} ms`);
      calibration = await calibrateWorkload(ctx, cluster, plan, rates, calibrationRounds);
      await measureCells(ctx, cluster, cells, calibration.workload, repetitions, atmosphereSteps);
    } finally {
      await cluster.stop();
    }
    const { rounds, workload } = calibration;
    const stateHash = checkBitIdentical(cells.flatMap((c) => c.results.map((r) => ({ label: label(c.run), ...r }))));
    const threads = cluster.threads;
    const records: ResultRecord[] = [...measuredRecords(cells, threads, atmosphereSteps, workload), ...calibrationRecords(rates, rounds, threads), ...paperRecords()];
    const ratios = table1Ratios(cells);
    addCpuOverNone(records, cells);
    return {
      records,
      tables: tables(cells, ratios),
      plots: table1Plots(cells, `measured here, ${threads} rank threads on this machine's ${os.availableParallelism()} cores; ${atmosphereSteps} atmosphere steps a run, scaled to one day (72 steps)`),
      notes: measuredNotes({ cells, ratios, rates, rounds, plan, workload, repetitions, stateHash }),
      launcher: 'node:worker_threads (one long-lived thread a rank, made by secure process creation)',
    };
  },
};

// Table 1 simulated (mode simulate or both): the harness's model on a profile, and on the SP2 the traffic Table 1 implies.
import { SECURITY_MODES, type SecurityMode } from '../../engine/link/climate/cluster.js';
import type { Mechanism } from '../../engine/link/mechanism.js';
import { quartiles, simulatedChart, type Plot } from '../../engine/report/plot.js';
import type { ResultRecord } from '../../engine/report/record.js';
import { single } from '../../engine/report/stats.js';
import { comparisonTable, relativeErrorPct, type Comparison, type ReportTable } from '../../engine/report/table.js';
import { UsageError } from '../../engine/flags/args.js';
import type { ScenarioContext } from '../../engine/runner/scenario.js';
import { calibrateClimateCompute, simulateClimate, type ClimateCell as SimCell, type ClimateLayout, type ClimateSimulated } from '../../engine/sim/models/climate.js';
import { simulationProfile } from '../../engine/runner/calibrate.js';
import { fmt, missNotes, simulatedRecord, simulationNote } from '../../engine/sim/records.js';
import { table1Cell } from '../models/paper-cells.js';
import { incrementRecords, layoutsTable, paperIncrementRecords } from '../models/table1-layouts.js';
import type { Topology } from '../../engine/topology/topology.js';
import { MODEL } from '../climate.meta.js';
import { MODE_LABEL, PAPER_TABLE_1 } from './paper.js';
import { CALIBRATION_CELL, HARNESS_LAYOUT_CALIBRATED_ON, harnessLayout, IMPLIED_TRAFFIC_CALIBRATED_ON, PAPER_PROFILE, pccm2Traffic, SIMULATED_COUPLINGS, simulatedLayout } from './model.js';
import { BARS, paperTable1, RELATIVE, table1Rows } from './table1.js';

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
    ...(implied ? [impliedTrafficPlot(t, implied.records)] : []),
  ];
}

/** The SP2's Table 1 simulated with the traffic Table 1 implies, beside the paper's cells. */
function impliedTrafficPlot(t: Topology, impliedRecords: ResultRecord[]): Plot {
  return simulatedChart({
    ...BARS,
    name: 'sim-table1-implied-traffic',
    title: `Table 1, simulated on ${t.name} with the traffic Table 1 implies (PCCM2-like)`,
    subtitle: `SimGrid, compute, messages and bytes calibrated on three cells (No secure, both; All secure, TCP); the other three predicted`,
    simulated: table1Rows((intra, mode) => impliedRecords.find((r) => r.parameters.intraTransport === intra && r.parameters.mode === mode)?.metrics.secondsPerDay, ['des-ecb']).absolute,
    simulatedLabel: `simulated (SimGrid, ${t.name}, PCCM2-like traffic)`,
    y: { field: 'secondsPerDay', title: 'seconds per simulated day' },
    references: [paperTable1('secondsPerDay')],
  });
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

export async function simulateClimateScenario(ctx: ScenarioContext, measured: ResultRecord[]) {
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

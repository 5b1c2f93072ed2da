// What-if (paper 001): Table 1's coupled climate model with AES-GCM at today's speed on today's
// network. The model talks as the paper's PCCM2 did: Table 1 itself says how much (the "No secure"
// TCP-MPL gap is per-message latency: about 615 000 messages a day on the atmosphere's path; the
// "All secure" TCP cost is DES at both ends: about 103 MB a day), in the harness's layout. Once on
// the paper's SP2 with DES (compute calibrated on its 574 s), once on a present-day cluster with
// this machine's AES-GCM and the compute faster by the declared factor below.
import { chart } from '../engine/report/plot.js';
import type { ResultRecord } from '../engine/report/record.js';
import type { ReportTable } from '../engine/report/table.js';
import type { Scenario, ScenarioContext } from '../engine/runner/scenario.js';
import { calibrateClimateCompute, simulateClimate, type ClimateCell, type ClimateSimulated } from '../engine/sim/models/climate.js';
import { simulationProfile } from '../engine/sim/profile.js';
import { fmt, simulatedRecord, simulationNote } from '../engine/sim/records.js';
import { CLUSTER_CONFIG_DIR, DEFAULT_TOPOLOGY_FILE, loadTopology, type Topology } from '../engine/topology/topology.js';
import { IMPLIED_TRAFFIC_CALIBRATED_ON, PAPER_TABLE_1, pccm2Traffic, simulatedLayout } from './climate.js';
import { table1Cell } from './models/paper-cells.js';
import { whatifClimateModernInfo } from './whatif-climate-modern.meta.js';

/**
 * Peak double-precision rate of one core, today over the SP2's: POWER1 at 62.5 MHz peaks at
 * 125 MFLOP/s (two FLOP a cycle, IBM's figure for the SP1/SP2 thin node); one AVX2 core of this
 * machine's class at 3 GHz at 48 GFLOP/s (two 256-bit FMA a cycle, 16 FLOP). Peak to peak:
 * real codes reach a smaller share of either.
 */
export const COMPUTE_FACTOR = 48e9 / 125e6;
const COUPLINGS = 4;
const ERA_1996 = '1996: SP2, DES';

const CELLS = (mechanism: string): ClimateCell[] => (['tcp', 'shm'] as const).flatMap((intra) => [
  { intra, mode: 'none', mechanism: 'none' },
  { intra, mode: 'coupler', mechanism },
  { intra, mode: 'all', mechanism },
]);

async function run(ctx: ScenarioContext) {
  const sp2 = await simulationProfile(loadTopology(`${CLUSTER_CONFIG_DIR}/paper-001-sp2.json`));
  const local = await simulationProfile(loadTopology(DEFAULT_TOPOLOGY_FILE), (m) => ctx.progress.info(m));
  const todayNet = await simulationProfile(loadTopology(`${CLUSTER_CONFIG_DIR}/today-cluster.json`));
  // Today: the present-day network, this machine's cipher rates (each sourced by the calibration).
  const today: Topology = {
    ...todayNet,
    nodes: todayNet.nodes.map((n) => ({ ...n, rates: local.nodes[0].rates })),
    sources: { ...todayNet.sources, ...Object.fromEntries(Object.entries(local.sources).filter(([k]) => k.startsWith('nodes[0].rates.'))) },
  };
  const { layout, messagesPerDay, bytesPerDay } = pccm2Traffic(sp2, simulatedLayout());
  ctx.progress.begin('whatif-climate-modern', 3);
  const compute1996 = await calibrateClimateCompute(sp2, layout, { intra: 'shm', mode: 'none', mechanism: 'none' }, PAPER_TABLE_1.none.shm, COUPLINGS);
  ctx.progress.step(`1996 compute per atmosphere step: ${fmt(compute1996)} s`);
  const then = await simulateClimate(sp2, layout, CELLS('des-ecb'), { computeSPerStep: compute1996, couplings: COUPLINGS });
  ctx.progress.step('SP2 with DES simulated');
  const now = await simulateClimate(today, layout, CELLS('aes-128-gcm'), { computeSPerStep: compute1996 / COMPUTE_FACTOR, couplings: COUPLINGS });
  ctx.progress.step('today with AES-GCM simulated');

  const era = (label: string, t: Topology, r: ClimateSimulated[]) => r.map((c) => ({ era: label, t, ...c, overheadPct: (100 * c.secondsPerDay) / r.find((x) => x.intra === c.intra && x.mode === 'none')!.secondsPerDay - 100 }));
  const all = [...era(ERA_1996, sp2, then.results), ...era('today: InfiniBand + 100 GbE, AES-GCM', today, now.results)];
  const records: ResultRecord[] = all.map((c) =>
    simulatedRecord(c.t, {
      scenario: 'whatif-climate-modern',
      experiment: 'table1-today',
      parameters: { era: c.era, mode: c.mode, mechanism: c.mechanism, intraTransport: c.intra, messagesPerStep: layout.atmosphere.haloMessages ?? 1, messageBytes: layout.atmosphere.haloBytes },
      metrics: { secondsPerDay: c.secondsPerDay, overheadPct: c.overheadPct },
      threads: layout.atmosphere.ranks + layout.ocean.ranks,
      // 1996: the traffic and the compute come from Table 1's "No secure" and "All secure, TCP" cells; today has no paper cell
      provenance: c.era === ERA_1996 ? { paperCell: table1Cell(c.mode, c.intra), calibratedOn: IMPLIED_TRAFFIC_CALIBRATED_ON } : { calibratedOn: IMPLIED_TRAFFIC_CALIBRATED_ON },
    }),
  );
  const pick = (eraPrefix: string, intra: string, mode: string) => all.find((c) => c.era.startsWith(eraPrefix) && c.intra === intra && c.mode === mode)!;
  const gcm = local.nodes[0].rates['aes-128-gcm'];
  const perMessageUs = gcm ? gcm.perCallS * 1e6 : NaN;
  const conclusion =
    `With PCCM2's traffic as Table 1 implies it (${fmt(messagesPerDay / 1000)} k messages, ${fmt(bytesPerDay / 1e6)} MB a day on the atmosphere's path), securing every link costs ` +
    `+${pick('today', 'shm', 'all').overheadPct.toFixed(1)} % of a day today (MPI inside, AES-GCM at ${fmt((gcm?.bytesPerS ?? NaN) / 1e6)} MB/s and ${fmt(perMessageUs)} us a message as measured here) ` +
    `against +${pick('1996', 'shm', 'all').overheadPct.toFixed(1)} % on the SP2 with DES, and the coupler alone +${pick('today', 'shm', 'coupler').overheadPct.toFixed(1)} %: ` +
    (pick('today', 'shm', 'all').overheadPct > 10 ? 'the per-message cost of sealing, not the cipher\'s speed, is what is left to pay.' : 'security has become nearly free.');
  const inside = (era: string, intra: string) => (intra === 'shm' ? (era.startsWith('1996') ? 'MPL' : 'MPI/InfiniBand') : 'TCP');
  const table: ReportTable = {
    title: 'Seconds per simulated day, 1996 against today (simulated)',
    columns: ['era', 'inside partitions', 'mode', 'cipher', 's/day', 'over no security'],
    rows: all.map((c) => [c.era, inside(c.era, c.intra), c.mode, c.mechanism, c.secondsPerDay, `+${c.overheadPct.toFixed(1)} %`]),
    note: conclusion,
  };
  const axis = (mode: string) => (mode === 'coupler' ? 'coupler secure' : 'all secure');
  const line = (era: string, intra: string) => `${era}, ${inside(era, intra)} inside`;
  // Table 1 itself, as overheads over its "No secure" cells: the 1996 bars' reference
  const paperRows = (['coupler', 'all'] as const).flatMap((mode) =>
    (['shm', 'tcp'] as const).map((intra) => ({ mode: axis(mode), overheadPct: (100 * PAPER_TABLE_1[mode][intra]) / PAPER_TABLE_1.none[intra] - 100, line: line(ERA_1996, intra) })),
  );
  return {
    records,
    plots: [
      chart({
        name: 'whatif-climate-modern',
        title: 'What-if: Table 1\'s climate model, 1996 (SP2, DES) against today (AES-GCM)',
        subtitle: [`simulated in SimGrid; PCCM2-like traffic implied by Table 1; today's compute ${fmt(COMPUTE_FACTOR)}x the SP2's (peak FLOP/s)`, conclusion],
        kind: 'bar',
        source: 'simulated',
        rows: all.filter((c) => c.mode !== 'none').map((c) => ({ mode: axis(c.mode), overheadPct: c.overheadPct, line: line(c.era, c.intra) })),
        x: { field: 'mode', title: 'security mode' },
        y: { field: 'overheadPct', title: 'time over no security (%)' },
        series: { field: 'line', title: 'era and transport inside the partitions' },
        references: [{ kind: 'paper', label: 'paper: Table 1 on the SP2 with DES', rows: paperRows }],
      }),
    ],
    tables: [table],
    notes: [
      conclusion,
      `The traffic: ${layout.atmosphere.haloMessages} messages of ${layout.atmosphere.haloBytes} B a step from each atmosphere rank, derived from Table 1 on the SP2 profile's figures (the TCP-MPL gap over the ${fmt((sp2.links.find((l) => l.transport === 'tcp')!.latencyS - sp2.links.find((l) => l.transport === 'shm')!.latencyS) * 1e6)} us a message TCP costs more; the all-secure TCP cost over DES at 0.34 MB/s at both ends). The compute per step is calibrated on the "No secure, MPL" cell (574 s), then divided by ${fmt(COMPUTE_FACTOR)} for today.`,
      simulationNote(sp2, `models/climate.ts, ${COUPLINGS} couplings a cell`, then.hostWallMs),
      simulationNote(today, 'the same model on today-cluster.json with this machine\'s cipher rates', now.hostWallMs),
    ],
    launcher: 'SimGrid (engine/sim)',
  };
}

export const whatifClimateModern: Scenario = { ...whatifClimateModernInfo, run };

// What-if (paper 001): Table 1's coupled climate model with AES-GCM at today's speed on today's
// network. The model talks as the paper's PCCM2 did: Table 1 itself says how much (the "No secure"
// TCP-MPL gap is per-message latency: about 615 000 messages a day on the atmosphere's path; the
// "All secure" TCP cost is DES at both ends: about 103 MB a day), in the harness's layout. Once on
// the paper's SP2 with DES (compute calibrated on its 574 s), then on a present-day cluster with
// AES-GCM at two per-message costs measured in the same run (the harness's own link sealer and
// OpenSSL's own seal), at compute ratios from sustained figures on both sides (whatif-climate-modern.compute.ts:
// the TOP500 row of the paper's own Argonne SP against a LINPACK-style solve on this core, measured in
// this run), with peak to peak as context.
import { chart } from '../engine/report/plot.js';
import type { ResultRecord } from '../engine/report/record.js';
import type { ReportTable } from '../engine/report/table.js';
import type { Scenario, ScenarioContext } from '../engine/runner/scenario.js';
import { calibrateClimateCompute, simulateClimate, type ClimateCell, type ClimateSimulated } from '../engine/sim/models/climate.js';
import { simulationProfile } from '../engine/runner/calibrate.js';
import { fmt, simulatedRecord, simulationNote } from '../engine/sim/records.js';
import { CLUSTER_CONFIG_DIR, loadTopology, type Topology } from '../engine/topology/topology.js';
import { IMPLIED_TRAFFIC_CALIBRATED_ON, PAPER_TABLE_1, pccm2Traffic, simulatedLayout } from './climate.js';
import { table1Cell } from './models/paper-cells.js';
import { measureSealCosts, SEAL_PROBE_BYTES } from './models/seal-costs.js';
import { ARGONNE_NODE_SOURCE, ARGONNE_SP, computeRatios, measureTodaySustained, SMALL_SP } from './whatif-climate-modern.compute.js';
import { whatifClimateModernInfo } from './whatif-climate-modern.meta.js';

const COUPLINGS = 4;
/** `+2.4 %`, `-1.0 %`; a rounding to zero is `+0.0 %`, never `+-0.0 %` */
const signedPct = (p: number) => (p.toFixed(1).startsWith('-') && Number(p.toFixed(1)) !== 0 ? `${p.toFixed(1)} %` : `+${Math.abs(Number(p.toFixed(1))).toFixed(1)} %`);
const ERA_1996 = '1996: SP2, DES';

const CELLS = (mechanism: string): ClimateCell[] => (['tcp', 'shm'] as const).flatMap((intra) => [
  { intra, mode: 'none', mechanism: 'none' },
  { intra, mode: 'coupler', mechanism },
  { intra, mode: 'all', mechanism },
]);

interface EraCell extends ClimateSimulated {
  era: string;
  t: Topology;
  sealer?: string;
  computeFactor?: number;
  overheadPct: number;
}

async function run(ctx: ScenarioContext) {
  const sp2 = await simulationProfile(loadTopology(`${CLUSTER_CONFIG_DIR}/paper-001-sp2.json`));
  const todayNet = await simulationProfile(loadTopology(`${CLUSTER_CONFIG_DIR}/today-cluster.json`));
  const { layout, messagesPerDay, bytesPerDay } = pccm2Traffic(sp2, simulatedLayout());
  // Today's sustained compute, measured now, in this run, against the TOP500 rows of the paper's SP
  const todayCompute = measureTodaySustained();
  const ratios = computeRatios(todayCompute);
  ctx.progress.begin('whatif-climate-modern', 3 + ratios.length);
  // Both per-message costs of AES-GCM today, measured now, in this run (the machine is shared: they are ratios of one moment)
  const sealers = await measureSealCosts();
  ctx.progress.step(`${sealers.map((x) => `${x.name}: ${fmt(x.perMessageS * 1e6)} us a ${SEAL_PROBE_BYTES}-byte message`).join('; ')}; this core: ${fmt(todayCompute.mflops)} MFLOP/s (LINPACK-style)`);
  const compute1996 = await calibrateClimateCompute(sp2, layout, { intra: 'shm', mode: 'none', mechanism: 'none' }, PAPER_TABLE_1.none.shm, COUPLINGS);
  ctx.progress.step(`1996 compute per atmosphere step: ${fmt(compute1996)} s`);
  const then = await simulateClimate(sp2, layout, CELLS('des-ecb'), { computeSPerStep: compute1996, couplings: COUPLINGS });
  ctx.progress.step('SP2 with DES simulated');
  const overheads = (r: ClimateSimulated[]) => r.map((c) => ({ ...c, overheadPct: (100 * c.secondsPerDay) / r.find((x) => x.intra === c.intra && x.mode === 'none')!.secondsPerDay - 100 }));
  const all: EraCell[] = overheads(then.results).map((c) => ({ ...c, era: ERA_1996, t: sp2 }));
  let todayWallMs = 0;
  for (const { factor } of ratios) {
    for (const sealer of sealers) {
      // Today: the present-day network, AES-GCM at the sealer's cost a message
      const today: Topology = {
        ...todayNet,
        nodes: todayNet.nodes.map((n) => ({ ...n, rates: { ...n.rates, 'aes-128-gcm': sealer.rate } })),
        sources: { ...todayNet.sources, 'nodes[0].rates.aes-128-gcm': sealer.source },
      };
      const now = await simulateClimate(today, layout, CELLS('aes-128-gcm'), { computeSPerStep: compute1996 / factor, couplings: COUPLINGS });
      todayWallMs += now.hostWallMs;
      all.push(...overheads(now.results).map((c) => ({ ...c, era: `today: ${sealer.name}, compute ${fmt(factor)}x`, t: today, sealer: sealer.name, computeFactor: factor })));
    }
    ctx.progress.step(`today, compute ${fmt(factor)}x the SP2's, both sealers simulated`);
  }

  const ratioOf = (factor: number) => ratios.find((r) => r.factor === factor)!;
  const [headline, smallSp, peak] = ratios;
  const records: ResultRecord[] = all.map((c) =>
    simulatedRecord(c.t, {
      scenario: 'whatif-climate-modern',
      experiment: 'table1-today',
      parameters: {
        era: c.era, mode: c.mode, mechanism: c.mechanism, intraTransport: c.intra, messagesPerStep: layout.atmosphere.haloMessages ?? 1, messageBytes: layout.atmosphere.haloBytes,
        ...(c.sealer ? { sealer: c.sealer, computeFactorX: c.computeFactor!, computeRatio: ratioOf(c.computeFactor!).label, sealerSource: sealers.find((x) => x.name === c.sealer)!.source } : {}),
      },
      metrics: { secondsPerDay: c.secondsPerDay, overheadPct: c.overheadPct },
      threads: layout.atmosphere.ranks + layout.ocean.ranks,
      // 1996: the traffic and the compute come from Table 1's "No secure" and "All secure, TCP" cells; today has no paper cell
      provenance: c.era === ERA_1996 ? { paperCell: table1Cell(c.mode, c.intra), calibratedOn: IMPLIED_TRAFFIC_CALIBRATED_ON } : { calibratedOn: IMPLIED_TRAFFIC_CALIBRATED_ON },
    }),
  );
  const pick = (era: string, intra: string, mode: string) => all.find((c) => c.era === era && c.intra === intra && c.mode === mode)!;
  const todayEra = (sealer: string, factor: number) => `today: ${sealer}, compute ${fmt(factor)}x`;
  const allSecure = (sealer: string, factor: number) => pick(todayEra(sealer, factor), 'shm', 'all').overheadPct;
  const [nodeSealer, openssl] = sealers;
  const range = (factor: number) => `+${allSecure(openssl.name, factor).toFixed(1)} % (OpenSSL's own seal, ${fmt(openssl.perMessageS * 1e6)} us a message) to +${allSecure(nodeSealer.name, factor).toFixed(1)} % (Node's link sealer, ${fmt(nodeSealer.perMessageS * 1e6)} us)`;
  const conclusion =
    `With PCCM2's traffic as Table 1 implies it (${fmt(messagesPerDay / 1000)} k messages of about ${layout.atmosphere.haloBytes} B, ${fmt(bytesPerDay / 1e6)} MB a day on the atmosphere's path), securing every link inside the partitions (MPI inside) costs ` +
    `${range(headline.factor)} of a day today with compute ${fmt(headline.factor)}x the paper's SP (sustained: ${headline.says}); ` +
    `${range(smallSp.factor)} at ${fmt(smallSp.factor)}x (sustained, against an 8-processor SP of the same nodes); ${range(peak.factor)} at ${fmt(peak.factor)}x (peak to peak, an upper end, context); ` +
    `on the SP2 with DES it cost +${pick(ERA_1996, 'shm', 'all').overheadPct.toFixed(1)} %. ` +
    `What is left to pay is the cost of sealing a message, and it depends on whose seal: the two measured here differ ${fmt(nodeSealer.perMessageS / openssl.perMessageS)}-fold.`;
  const inside = (era: string, intra: string) => (intra === 'shm' ? (era.startsWith('1996') ? 'MPL' : 'MPI/InfiniBand') : 'TCP');
  const table: ReportTable = {
    title: 'Seconds per simulated day, 1996 against today (simulated)',
    columns: ['era', 'AES-GCM seal', 'compute vs SP2', 'inside partitions', 'mode', 'cipher', 's/day', 'over no security'],
    rows: all.map((c) => [c.era.startsWith('1996') ? ERA_1996 : 'today: InfiniBand + 100 GbE', c.sealer ?? 'DES (libdes, 0.34 MB/s)', c.computeFactor ? `${fmt(c.computeFactor)}x (${ratioOf(c.computeFactor).label})` : '1x', inside(c.era, c.intra), c.mode, c.mechanism, c.secondsPerDay, signedPct(c.overheadPct)]),
    note: conclusion,
  };
  const axis = (mode: string) => (mode === 'coupler' ? 'coupler secure' : 'all secure');
  const line = (c: EraCell) => (c.era === ERA_1996 ? `${ERA_1996}, ${inside(c.era, c.intra)} inside` : `today, ${c.sealer}, ${inside(c.era, c.intra)} inside`);
  // Table 1 itself, as overheads over its "No secure" cells: the 1996 bars' reference
  const paperRows = (['coupler', 'all'] as const).flatMap((mode) =>
    (['shm', 'tcp'] as const).map((intra) => ({ mode: axis(mode), overheadPct: (100 * PAPER_TABLE_1[mode][intra]) / PAPER_TABLE_1.none[intra] - 100, line: `${ERA_1996}, ${inside(ERA_1996, intra)} inside` })),
  );
  const plotted = all.filter((c) => c.mode !== 'none' && (c.computeFactor === undefined || c.computeFactor === headline.factor));
  return {
    records,
    plots: [
      chart({
        name: 'whatif-climate-modern',
        title: 'What-if: Table 1\'s climate model, 1996 (SP2, DES) against today (AES-GCM, two seals)',
        subtitle: [`simulated in SimGrid; PCCM2-like traffic implied by Table 1; today's compute ${fmt(headline.factor)}x the paper's SP (sustained, LINPACK; the table has ${fmt(smallSp.factor)}x and ${fmt(peak.factor)}x peak to peak too)`, conclusion],
        kind: 'bar',
        source: 'simulated',
        rows: plotted.map((c) => ({ mode: axis(c.mode), overheadPct: c.overheadPct, line: line(c) })),
        x: { field: 'mode', title: 'security mode' },
        y: { field: 'overheadPct', title: 'time over no security (%)' },
        series: { field: 'line', title: 'era, seal and transport inside the partitions' },
        references: [{ kind: 'paper', label: 'paper: Table 1 on the SP2 with DES', rows: paperRows }],
      }),
    ],
    tables: [table],
    notes: [
      conclusion,
      `The two AES-GCM costs, measured in this run on this shared, loaded machine (their ratio is what carries over): ${sealers.map((x) => `${x.name}, ${fmt(x.perMessageS * 1e6)} us a ${SEAL_PROBE_BYTES}-byte message (${x.source})`).join('; ')}.`,
      `The compute ratio SP2 -> today, from sustained figures on both sides: ${ratios.map((r) => `${r.label}, ${fmt(r.factor)}x: ${r.says}`).join('; ')}. ` +
        `The paper's SP: ${ARGONNE_SP.source}; ${SMALL_SP.source}; its nodes: ${ARGONNE_NODE_SOURCE}. This core: ${todayCompute.how}. ` +
        'Two biases pull opposite ways: the SP figures are TOP500 Rmax, best-effort LINPACK at large orders, with 128 processors\' communication in Argonne\'s (the 8-processor SP gets 83 MFLOP/s a processor, hence the second ratio); ' +
        'today\'s is an unblocked, unvectorised solve on a core of this shared machine (a tuned code, or an idle core, gets more). The peak ratio is an upper end.',
      `The traffic: ${layout.atmosphere.haloMessages} messages of ${layout.atmosphere.haloBytes} B a step from each atmosphere rank, derived from Table 1 on the SP2 profile's figures (the TCP-MPL gap over the ${fmt((sp2.links.find((l) => l.transport === 'tcp')!.latencyS - sp2.links.find((l) => l.transport === 'shm')!.latencyS) * 1e6)} us a message TCP costs more; the all-secure TCP cost over DES at 0.34 MB/s at both ends). The compute per step is calibrated on the "No secure, MPL" cell (574 s), then divided by the compute ratio for today.`,
      simulationNote(sp2, `models/climate.ts, ${COUPLINGS} couplings a cell`, then.hostWallMs),
      simulationNote(todayNet, `the same model on today-cluster.json with each measured AES-GCM seal, ${ratios.length} compute ratios`, todayWallMs),
    ],
    launcher: 'SimGrid (engine/sim)',
  };
}

export const whatifClimateModern: Scenario = { ...whatifClimateModernInfo, run };

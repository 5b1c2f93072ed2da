// What-if (paper 000): the distributed AES-CTR cryptosystem on 3 to 300 of the paper's nodes, on
// networks of 100 Mbit/s to 100 Gbit/s, in SimGrid. Where does speedup stop, and why? Three
// speedups over one process at 1 GB: encryption as the paper times it (the input sync excluded),
// encryption with the sync counted (what a user waits for), and decryption with its stitch.
import { chart } from '../engine/report/plot.js';
import type { ResultRecord } from '../engine/report/record.js';
import type { ReportTable } from '../engine/report/table.js';
import type { Scenario, ScenarioContext } from '../engine/runner/scenario.js';
import { simulateCtr, type CtrPoint } from '../engine/sim/models/ctr.js';
import { simulationProfile } from '../engine/runner/calibrate.js';
import { fmt, simulatedRecord, simulationNote } from '../engine/sim/records.js';
import { CELL_000 } from './models/paper-cells.js';

/** The reading of paper 000's setup every row uses: the profile's own calibration (scenarios/models/ctr-readings.ts). */
const SCALE_READING = 'A, sequential (input and output on each node\'s disk; decryption gathered over the network)';
import { loadTopology, CLUSTER_CONFIG_DIR, type Topology } from '../engine/topology/topology.js';
import { PLAN, scalePlan, whatifCtrScaleInfo } from './whatif-ctr-scale.meta.js';

/** Paper 000's encryption speedup at 1 GB with 12 processes, its 3 nodes. */
const PAPER_SPEEDUP_X = 6.7;
/** Sect. IV's decryption speedup at 12 processes (its Fig. 2's headline) */
const PAPER_DECRYPT_X = 6.378;
const PAPER_NODES = 3;

/** The paper's cluster with `nodes` copies of its first node on one switch of `gbps`. */
export function scaledCluster(base: Topology, nodes: number, gbps: number): Topology {
  const template = base.nodes[0];
  const lan = base.links[0];
  const names = Array.from({ length: nodes }, (_, i) => `node${i + 1}`);
  return {
    ...base,
    name: `${base.name} x${nodes} nodes @ ${gbps} Gbit/s`,
    nodes: names.map((name) => ({ ...template, name })),
    links: [{ ...lan, nodes: names, bandwidthBytesPerS: (gbps * 1e9) / 8 }],
  };
}

const SYNC_EXCLUDED = "any link, sync excluded (the paper's timing)";
/** `100 Mbit/s`, `10 Gbit/s` */
const gbpsText = (g: number) => (g < 1 ? `${fmt(g * 1000)} Mbit/s` : `${fmt(g)} Gbit/s`);

interface Row {
  nodes: number;
  gbps: number;
  encryptS: number;
  syncS: number;
  decryptS: number;
}

async function run(ctx: ScenarioContext) {
  const base = await simulationProfile(loadTopology(`${CLUSTER_CONFIG_DIR}/paper-000-beowulf.json`));
  const { nodes: nodeCounts, bandwidthsGbps: bandwidths } = scalePlan(ctx.quick, ctx.flags);
  ctx.progress.begin('whatif-ctr-scale', bandwidths.length + 1);
  const one = await simulateCtr(base, [{ operation: 'encrypt', sizeBytes: PLAN.sizeBytes, procs: 1 }, { operation: 'decrypt', sizeBytes: PLAN.sizeBytes, procs: 1 }], { cipher: 'aes-128-ctr' });
  const [enc1, dec1] = one.results.map((r) => r.wallS);
  ctx.progress.step(`1 process: encrypt ${fmt(enc1)} s, decrypt ${fmt(dec1)} s`);
  const rows: Row[] = [];
  let hostWallMs = one.hostWallMs;
  // One simulation a bandwidth: every node count side by side, a thread a node (perNode).
  for (const gbps of bandwidths) {
    const points: { t: Topology; p: CtrPoint }[] = [];
    for (const nodes of nodeCounts) {
      const t = scaledCluster(base, nodes, gbps);
      for (const operation of ['encrypt', 'decrypt'] as const) points.push({ t, p: { operation, sizeBytes: PLAN.sizeBytes, procs: nodes * t.processesPerNode } });
    }
    const results = [];
    for (const nodes of nodeCounts) {
      const mine = points.filter((x) => x.t.nodes.length === nodes);
      const r = await simulateCtr(mine[0].t, mine.map((x) => x.p), { cipher: 'aes-128-ctr', perNode: true });
      hostWallMs += r.hostWallMs;
      results.push({ nodes, enc: r.results[0], dec: r.results[1] });
    }
    for (const r of results) rows.push({ nodes: r.nodes, gbps, encryptS: r.enc.wallS, syncS: r.enc.syncS ?? 0, decryptS: r.dec.wallS });
    ctx.progress.step(`${gbps} Gbit/s: ${nodeCounts.length} cluster sizes`);
  }
  const speedups = rows.map((r) => ({ ...r, encryptX: enc1 / r.encryptS, endToEndX: enc1 / (r.encryptS + r.syncS), decryptX: dec1 / r.decryptS }));
  const records: ResultRecord[] = speedups.map((r) =>
    simulatedRecord(base, {
      scenario: 'whatif-ctr-scale',
      experiment: 'scale-out',
      parameters: { nodes: r.nodes, procs: r.nodes * base.processesPerNode, linkGbps: r.gbps, sizeBytes: PLAN.sizeBytes, reading: SCALE_READING },
      metrics: { encryptMs: r.encryptS * 1000, syncMs: r.syncS * 1000, decryptMs: r.decryptS * 1000, encryptSpeedupX: r.encryptX, endToEndSpeedupX: r.endToEndX, decryptSpeedupX: r.decryptX },
      threads: r.nodes * base.processesPerNode,
      provenance: { ...(r.nodes === PAPER_NODES ? { paperCell: CELL_000.encrypt12 } : {}), calibratedOn: [CELL_000.oneProcess] },
      // the paper's cluster is 3 of these nodes; its encryption timing moves no data, whatever the link
      ...(r.nodes === PAPER_NODES ? { paper: { encryptSpeedupX: PAPER_SPEEDUP_X } } : {}),
    }),
  );

  // The conclusion, from the numbers: the best node count of each curve and what bounds the rest.
  const best = (g: number, key: 'encryptX' | 'endToEndX' | 'decryptX') => speedups.filter((r) => r.gbps === g).reduce((a, b) => (b[key] > a[key] ? b : a));
  const slowest = Math.min(...bandwidths);
  const fastest = Math.max(...bandwidths);
  const largest = Math.max(...nodeCounts);
  const encLargest = speedups.find((r) => r.gbps === fastest && r.nodes === largest)!;
  const stitchWriteS = PLAN.sizeBytes / (base.nodes[0].disk?.writeBytesPerS ?? NaN);
  const encryption =
    `Encryption as the paper times it keeps scaling (${fmt(encLargest.encryptX)}x at ${largest} nodes): it moves no data between nodes. ` +
    `Counting the input sync, which the first node sends to every other, speedup peaks at ${best(slowest, 'endToEndX').nodes} nodes on ${gbpsText(slowest)} (${fmt(best(slowest, 'endToEndX').endToEndX)}x) ` +
    `and at ${best(fastest, 'endToEndX').nodes} on ${gbpsText(fastest)} (${fmt(best(fastest, 'endToEndX').endToEndX)}x).`;
  const decryption = `Decryption never passes ${fmt(Math.max(...speedups.map((r) => r.decryptX)))}x: the master stitches the whole file, so its one disk writes 1 GB (${fmt(stitchWriteS)} s) however many nodes decrypt.`;
  const conclusion = `${encryption} ${decryption}`;
  const table: ReportTable = {
    title: 'Speedup over one process at 1 GB (simulated on copies of the paper\'s node)',
    columns: ['nodes', 'processes', 'link Gbit/s', 'encrypt s', 'sync s', 'decrypt s', 'encrypt x (paper\'s timing)', 'encrypt + sync x', 'decrypt x'],
    rows: speedups.map((r) => [r.nodes, r.nodes * base.processesPerNode, r.gbps, r.encryptS, r.syncS, r.decryptS, r.encryptX, r.endToEndX, r.decryptX]),
    note: conclusion,
  };
  // a colour a link, the same in both charts; the paper's timing (no sync) first
  const links = [SYNC_EXCLUDED, ...[...bandwidths].sort((a, b) => a - b).map(gbpsText)];
  const encryptionRows = [
    ...nodeCounts.map((n) => ({ nodes: n, speedupX: speedups.find((r) => r.nodes === n && r.gbps === fastest)!.encryptX, link: SYNC_EXCLUDED })),
    ...speedups.map((r) => ({ nodes: r.nodes, speedupX: r.endToEndX, link: gbpsText(r.gbps) })),
  ];
  const where = `simulated in SimGrid on copies of ${base.name}'s node (4 cores, HDD 210 MB/s, AES 318.6 MB/s a core), 1 GB`;
  const common = {
    source: 'simulated' as const,
    sourceLabel: `simulated (SimGrid, ${base.name} nodes)`,
    x: { field: 'nodes', title: `nodes, ${base.processesPerNode} processes each (count, log)`, scale: 'log' as const },
    y: { field: 'speedupX', title: 'speedup over 1 process (x, log)', scale: 'log' as const, zero: false },
    series: { field: 'link', title: 'link between the nodes', order: links },
  };
  const span = `${Math.min(...nodeCounts)} to ${largest} nodes, ${gbpsText(slowest)} to ${gbpsText(fastest)}`;
  return {
    records,
    plots: [
      chart({
        ...common,
        name: 'whatif-ctr-scale',
        title: `What-if: paper 000's encryption on ${span}`,
        subtitle: [where, 'the input sync counted, except on the first line', encryption],
        rows: encryptionRows,
        references: [{ kind: 'paper', label: `paper: ${PAPER_SPEEDUP_X}x at ${PAPER_NODES} nodes (12 processes), sync excluded`, rows: [{ nodes: PAPER_NODES, speedupX: PAPER_SPEEDUP_X, link: SYNC_EXCLUDED }] }],
      }),
      chart({
        ...common,
        name: 'whatif-ctr-scale-decryption',
        title: `What-if: paper 000's decryption on ${span}`,
        subtitle: [where, decryption, `the paper's decryption speedup, ${PAPER_DECRYPT_X}x at ${PAPER_NODES} nodes, has no stitch over the LAN in it (see ctr-sweep --mode simulate)`],
        rows: speedups.map((r) => ({ nodes: r.nodes, speedupX: r.decryptX, link: gbpsText(r.gbps) })),
        // the figure the subtitle speaks of, drawn: no link of these lines has it (it is in black)
        references: [{ kind: 'paper', label: `paper: ${PAPER_DECRYPT_X}x at ${PAPER_NODES} nodes (12 processes), no stitch over the LAN`, rows: [{ nodes: PAPER_NODES, speedupX: PAPER_DECRYPT_X }] }],
        // within a decade: a linear axis reads better
        y: { field: 'speedupX', title: 'speedup over 1 process (x)' },
      }),
    ],
    tables: [table],
    notes: [conclusion, `Every row uses reading ${SCALE_READING} of paper 000's setup (docs/paper-000.md): the profile's AES rate is calibrated under it; ctr-sweep's readings table shows how B and C (input, or input and output, in the page cache) change the 3-node figures.`, simulationNote(base, `models/ctr.ts, one actor a node: ${speedups.length} clusters`, hostWallMs)],
    launcher: 'SimGrid (engine/sim)',
  };
}

export const whatifCtrScale: Scenario = { ...whatifCtrScaleInfo, run };

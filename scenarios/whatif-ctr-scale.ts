// What-if (paper 000): the distributed AES-CTR cryptosystem on 3 to 300 of the paper's nodes, on
// networks of 100 Mbit/s to 100 Gbit/s, in SimGrid. Where does speedup stop, and why? Three
// speedups over one process at 1 GB: encryption as the paper times it (the input sync excluded),
// encryption with the sync counted (what a user waits for), and decryption with its stitch.
import { lineChart } from '../engine/report/plot.js';
import type { ResultRecord } from '../engine/report/record.js';
import type { ReportTable } from '../engine/report/table.js';
import { intListFlag } from '../engine/runner/args.js';
import type { Scenario, ScenarioContext } from '../engine/runner/scenario.js';
import { simulateCtr, type CtrPoint } from '../engine/sim/models/ctr.js';
import { simulationProfile } from '../engine/sim/profile.js';
import { fmt, simulatedRecord, simulationNote } from '../engine/sim/records.js';
import { loadTopology, CLUSTER_CONFIG_DIR, type Topology } from '../engine/topology/topology.js';

const GiB = 2 ** 30;
export const PLAN = {
  full: { nodes: [3, 6, 12, 25, 50, 100, 200, 300], bandwidthsGbps: [0.1, 1, 10, 100] },
  quick: { nodes: [3, 12, 50], bandwidthsGbps: [0.1, 10] },
  sizeBytes: GiB,
};

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

interface Row {
  nodes: number;
  gbps: number;
  encryptS: number;
  syncS: number;
  decryptS: number;
}

async function run(ctx: ScenarioContext) {
  const base = await simulationProfile(loadTopology(`${CLUSTER_CONFIG_DIR}/paper-000-beowulf.json`));
  const plan = ctx.quick ? PLAN.quick : PLAN.full;
  const nodeCounts = intListFlag(ctx.flags, 'nodes', plan.nodes);
  const bandwidths = (typeof ctx.flags['bandwidths-gbps'] === 'string' ? ctx.flags['bandwidths-gbps'].split(',').map(Number) : plan.bandwidthsGbps).filter((g) => g > 0);
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
      parameters: { nodes: r.nodes, procs: r.nodes * base.processesPerNode, linkGbps: r.gbps, sizeBytes: PLAN.sizeBytes },
      metrics: { encryptMs: r.encryptS * 1000, syncMs: r.syncS * 1000, decryptMs: r.decryptS * 1000, encryptSpeedupX: r.encryptX, endToEndSpeedupX: r.endToEndX, decryptSpeedupX: r.decryptX },
      threads: r.nodes * base.processesPerNode,
      fit: 'predicted',
    }),
  );

  // The conclusion, from the numbers: the best node count of each curve and what bounds the rest.
  const best = (g: number, key: 'encryptX' | 'endToEndX' | 'decryptX') => speedups.filter((r) => r.gbps === g).reduce((a, b) => (b[key] > a[key] ? b : a));
  const slowest = Math.min(...bandwidths);
  const fastest = Math.max(...bandwidths);
  const largest = Math.max(...nodeCounts);
  const encLargest = speedups.find((r) => r.gbps === fastest && r.nodes === largest)!;
  const stitchWriteS = PLAN.sizeBytes / (base.nodes[0].disk?.writeBytesPerS ?? NaN);
  const conclusion =
    `Encryption as the paper times it keeps scaling (${fmt(encLargest.encryptX)}x at ${largest} nodes): it moves no data between nodes. ` +
    `Counting the input sync, which the first node sends to every other, speedup peaks at ${best(slowest, 'endToEndX').nodes} nodes on ${slowest} Gbit/s (${fmt(best(slowest, 'endToEndX').endToEndX)}x) ` +
    `and at ${best(fastest, 'endToEndX').nodes} on ${fastest} Gbit/s (${fmt(best(fastest, 'endToEndX').endToEndX)}x). ` +
    `Decryption never passes ${fmt(Math.max(...speedups.map((r) => r.decryptX)))}x: the master stitches the whole file, so its one disk writes 1 GB (${fmt(stitchWriteS)} s) however many nodes decrypt.`;
  const table: ReportTable = {
    title: 'Speedup over one process at 1 GB (simulated on copies of the paper\'s node)',
    columns: ['nodes', 'processes', 'link Gbit/s', 'encrypt s', 'sync s', 'decrypt s', 'encrypt x (paper\'s timing)', 'encrypt + sync x', 'decrypt x'],
    rows: speedups.map((r) => [r.nodes, r.nodes * base.processesPerNode, r.gbps, r.encryptS, r.syncS, r.decryptS, r.encryptX, r.endToEndX, r.decryptX]),
    note: conclusion,
  };
  const plotRows = speedups.flatMap((r) => [
    { nodes: r.nodes, speedupX: r.endToEndX, curve: `encrypt + sync, ${r.gbps} Gbit/s` },
    { nodes: r.nodes, speedupX: r.decryptX, curve: `decrypt, ${r.gbps} Gbit/s` },
  ]);
  for (const n of nodeCounts) plotRows.push({ nodes: n, speedupX: speedups.find((r) => r.nodes === n && r.gbps === fastest)!.encryptX, curve: 'encrypt, sync excluded (any link)' });
  return {
    records,
    plots: [
      lineChart({
        name: 'whatif-ctr-scale',
        title: 'What-if: paper 000 on 3 to 300 nodes, 100 Mbit/s to 100 Gbit/s (1 GB)',
        subtitle: [`simulated in SimGrid on copies of ${base.name}'s node (4 cores, HDD 210 MB/s, AES 318.6 MB/s a core)`, conclusion],
        rows: plotRows,
        x: { field: 'nodes', title: 'nodes (4 processes each, log)', log: true },
        y: { field: 'speedupX', title: 'speedup over 1 process (x, log)', log: true },
        series: { field: 'curve', title: '', type: 'nominal' },
      }),
    ],
    tables: [table],
    notes: [conclusion, simulationNote(base, `models/ctr.ts, one actor a node: ${speedups.length} clusters`, hostWallMs)],
    launcher: 'SimGrid (engine/sim)',
  };
}

export const whatifCtrScale: Scenario = {
  name: 'whatif-ctr-scale',
  paper: '000',
  title: 'What-if: the AES-CTR cryptosystem on 3 to 300 nodes and 100 Mbit/s to 100 Gbit/s',
  description: 'simulates paper 000\'s cryptosystem (1 GB) on copies of its node and faster networks: speedup with and without the input sync, and of decryption with its stitch (SimGrid only)',
  whatIf: true,
  flags: [
    { name: 'nodes', value: 'LIST', description: `node counts (default ${PLAN.full.nodes.join(',')}; quick ${PLAN.quick.nodes.join(',')})` },
    { name: 'bandwidths-gbps', value: 'LIST', description: `link speeds in Gbit/s (default ${PLAN.full.bandwidthsGbps.join(',')}; quick ${PLAN.quick.bandwidthsGbps.join(',')})` },
  ],
  run,
};

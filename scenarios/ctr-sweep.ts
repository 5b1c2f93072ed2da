// Paper 000, Fig. 1 and 2: encryption and decryption time of the distributed AES-128-CTR
// cryptosystem over file size x process count, and the headline speedups at 1 GB with 12 processes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LAUNCHERS, localRunner, mpirunRunner, type LauncherName, type SweepRunner } from '../engine/mpi/sweep.js';
import { formatBytes } from '../engine/report/format.js';
import { chart, quartiles, withQuartiles, type Plot, type Reference, type Row, type Rule } from '../engine/report/plot.js';
import type { ResultRecord } from '../engine/report/record.js';
import { single, summarize } from '../engine/report/stats.js';
import { comparisonTable, type ReportTable } from '../engine/report/table.js';
import { UsageError } from '../engine/runner/args.js';
import type { Scenario, ScenarioContext } from '../engine/runner/scenario.js';
import { ensureDataset, PAPER_000_SIZES } from '../datasets/generator.js';
import { ctrSweepInfo, sweepPlan } from './ctr-sweep.meta.js';

const MiB = 1024 * 1024;

/** Paper 000's headline, 1 GB with 12 processes on 3 nodes x 4 cores. */
const PAPER = { speedupEncryptX: 6.7, throughputGbps: 4.233, speedupDecryptX: 6.378, procs: 12, sizeBytes: 1024 * MiB };

const gbps = (bytes: number, ms: number) => (bytes * 8) / 1e9 / (ms / 1000);

interface Point {
  op: 'encrypt' | 'decrypt';
  sizeBytes: number;
  sizeLabel: string;
  procs: number;
  wallMs: number[];
  syncMs: number[];
  /** mpirun only: each job from starting mpirun to its exit */
  launchMs: number[];
  nodes: string;
  oversubscribed: boolean;
  error?: string;
}

function nodesSummary(rankNodes: string[]): string {
  const counts = new Map<string, number>();
  for (const node of rankNodes) counts.set(node, (counts.get(node) ?? 0) + 1);
  return [...counts].map(([n, c]) => `${n}x${c}`).join(' ');
}

async function measure(ctx: ScenarioContext, procs: number, sizes: typeof PAPER_000_SIZES, reps: number, runner: SweepRunner): Promise<Point[]> {
  const points: Point[] = [];
  try {
    for (const { label, sizeBytes } of sizes) {
      const input = await ensureDataset(sizeBytes, ctx.seed);
      const enc: Point = { op: 'encrypt', sizeBytes, sizeLabel: label, procs, wallMs: [], syncMs: [], launchMs: [], nodes: '', oversubscribed: false };
      const dec: Point = { ...enc, op: 'decrypt', wallMs: [], syncMs: [], launchMs: [] };
      try {
        // Untimed warm-up rounds (one on a pool, none for mpirun), then the repetitions.
        for (let rep = 1 - runner.warmups; rep <= reps; rep++) {
          const outDir = path.join(ctx.scratchDir, `parts-${procs}-${sizeBytes}`);
          const back = path.join(ctx.scratchDir, `back-${procs}-${sizeBytes}`);
          const e = await runner.encrypt(input, outDir);
          const d = await runner.decrypt(path.basename(input), outDir, back);
          if (fs.statSync(back).size !== sizeBytes) throw new Error(`decrypted ${fs.statSync(back).size} bytes, expected ${sizeBytes}`);
          fs.rmSync(outDir, { recursive: true });
          fs.rmSync(back);
          enc.nodes = dec.nodes = nodesSummary(e.rankNodes);
          enc.oversubscribed = dec.oversubscribed = e.oversubscribed;
          if (rep <= 0) continue;
          enc.wallMs.push(e.wallMs);
          enc.syncMs.push(e.syncMs);
          dec.wallMs.push(d.wallMs);
          if (e.launchMs !== undefined && d.launchMs !== undefined) {
            enc.launchMs.push(e.launchMs);
            dec.launchMs.push(d.launchMs);
          }
        }
      } catch (err) {
        enc.error = dec.error = err instanceof Error ? err.message : String(err);
      }
      points.push(enc, dec);
      ctx.progress.step(`${formatBytes(sizeBytes)} x ${procs} procs: encrypt ${enc.wallMs.length ? summarize(enc.wallMs).median.toFixed(1) : '-'} ms`);
    }
  } finally {
    await runner.close();
  }
  return points;
}

function toRecord(p: Point, baseline: Point | undefined, topologyName: string): ResultRecord {
  const ok = !p.error && p.wallMs.length > 0;
  const metrics: ResultRecord['metrics'] = {};
  if (ok) {
    metrics.wallMs = summarize(p.wallMs);
    metrics.throughputGbps = summarize(p.wallMs.map((ms) => gbps(p.sizeBytes, ms)));
    if (p.op === 'encrypt') metrics.syncMs = summarize(p.syncMs);
    if (baseline && baseline.wallMs.length) metrics.speedupX = single(summarize(baseline.wallMs).median / metrics.wallMs.median);
    if (p.launchMs.length) {
      metrics.launchMs = summarize(p.launchMs);
      metrics.launcherOverheadMs = summarize(p.launchMs.map((ms, i) => ms - p.wallMs[i]));
    }
  }
  return {
    scenario: 'ctr-sweep',
    experiment: p.op === 'encrypt' ? 'fig1-encrypt' : 'fig2-decrypt',
    source: 'measured',
    parameters: { operation: p.op, sizeBytes: p.sizeBytes, sizeLabel: p.sizeLabel, procs: p.procs, rankNodes: p.nodes, oversubscribed: p.oversubscribed, topology: topologyName },
    metrics,
    threads: p.procs,
    status: ok ? 'completed' : 'errored',
    ...(p.error ? { error: p.error } : {}),
  };
}

function paperRecords(): ResultRecord[] {
  const base = { scenario: 'ctr-sweep', source: 'paper' as const, threads: PAPER.procs, status: 'completed' as const };
  const parameters = { sizeBytes: PAPER.sizeBytes, sizeLabel: '1 GB', procs: PAPER.procs, rankNodes: 'node1x4 node2x4 node3x4', topology: 'paper-000-beowulf' };
  return [
    { ...base, experiment: 'fig1-encrypt', parameters: { ...parameters, operation: 'encrypt' }, metrics: { speedupX: single(PAPER.speedupEncryptX), throughputGbps: single(PAPER.throughputGbps) } },
    { ...base, experiment: 'fig2-decrypt', parameters: { ...parameters, operation: 'decrypt' }, metrics: { speedupX: single(PAPER.speedupDecryptX) } },
  ];
}

function overheadTable(points: Point[], processesPerNode: number): ReportTable {
  const median = (xs: number[]) => (xs.length ? summarize(xs).median : undefined);
  return {
    title: 'mpirun: the job inside vs the job as launched (ms, median)',
    columns: ['operation', 'size', 'processes', 'MPI ranks', 'in-job ms (wallMs)', 'whole job ms (launchMs)', 'launcher overhead ms'],
    rows: points.filter((p) => p.launchMs.length).map((p) => [
      p.op, p.sizeLabel, p.procs, Math.min(p.procs, Math.ceil(p.procs / processesPerNode)),
      median(p.wallMs), median(p.launchMs), median(p.launchMs.map((ms, i) => ms - p.wallMs[i])),
    ]),
  };
}

function mpirunNotes(points: Point[], reps: number, launcher: string, processesPerNode: number): string[] {
  const jobs = points.flatMap((p) => p.launchMs.map((ms, i) => ({ launchMs: ms, overheadMs: ms - p.wallMs[i] })));
  const median = (xs: number[]) => (xs.length ? summarize(xs).median.toFixed(0) : 'n/a');
  return [
    `Each point: ${reps} timed repetition${reps > 1 ? 's' : ''}, each a fresh job under ${launcher} (nothing to warm up), median shown. ` +
      `A job has ceil(procs / ${processesPerNode}) MPI ranks (one a cluster-config node), each with a pool of up to ${processesPerNode} threads.`,
    `wallMs is rank 0's time from the start barrier to the last file in place, the same span the local engine's wallMs covers. ` +
      `The whole job, from starting mpirun to its exit, took a median ${median(jobs.map((j) => j.launchMs))} ms; the launcher's own overhead ` +
      `(mpirun, Node and ts-node start in every rank, pool warm-up, the TCP join) was a median ${median(jobs.map((j) => j.overheadMs))} ms a job over ${jobs.length} jobs (launcherOverheadMs).`,
    'The input is read in place by every rank (no sync copy: on several hosts it must be at the same path on each), so syncMs is 0. ' +
      'Decryption streams each rank\'s verified plaintext over TCP to rank 0, which stitches it; rank 0\'s own parts are written in place.',
  ];
}

/** Fig. 1 and 2 (time against size, a line a process count), speedup and throughput against processes. */
function sweepPlots(records: ResultRecord[], where: string, cores: number): Plot[] {
  const measured = records.filter((r) => r.source === 'measured' && r.status === 'completed');
  const point = (r: ResultRecord) => ({ sizeBytes: r.parameters.sizeBytes as number, size: formatBytes(r.parameters.sizeBytes as number), procs: r.parameters.procs as number });
  const reps = Math.max(0, ...measured.map((r) => r.metrics.wallMs.samples));
  // the paper gives no curve, only its headline: 1 GB in 8 Gbit / 4.233 Gbit/s with 12 processes, 6.7x that with one
  const paperS12 = (PAPER.sizeBytes * 8) / (PAPER.throughputGbps * 1e9);
  const paperTimes: Reference = {
    kind: 'paper',
    label: 'paper, from its headline (4.233 Gbit/s and 6.7x at 1 GB)',
    rows: [
      { sizeBytes: PAPER.sizeBytes, timeS: paperS12, procs: PAPER.procs, text: `12 processes: ${paperS12.toFixed(2)} s` },
      { sizeBytes: PAPER.sizeBytes, timeS: paperS12 * PAPER.speedupEncryptX, procs: 1, text: `1 process: ${(paperS12 * PAPER.speedupEncryptX).toFixed(1)} s` },
    ],
    textField: 'text',
  };
  const timePlot = (op: string, name: string, title: string, paper: Reference[]) =>
    chart({
      name,
      title,
      subtitle: where,
      rows: measured.filter((r) => r.parameters.operation === op).map((r) => ({ ...point(r), ...withQuartiles('timeS', r.metrics.wallMs, 1 / 1000) })),
      x: { field: 'sizeBytes', title: 'file size (log)', scale: 'log', format: 'bytes' },
      y: { field: 'timeS', title: `${op}ion time (s, median, log)`, scale: 'log' },
      series: { field: 'procs', title: 'processes' },
      spread: quartiles('timeS', `${reps} timed repetitions`),
      references: paper,
    });
  // speedup and throughput at 1 MiB and above, where the work outweighs starting the ranks
  const big = measured.filter((r) => r.parameters.operation === 'encrypt' && (r.parameters.sizeBytes as number) >= MiB);
  const baselineMs = (r: ResultRecord) => big.find((b) => b.parameters.procs === 1 && b.parameters.sizeBytes === r.parameters.sizeBytes)?.metrics.wallMs.median;
  const sizeOrder = [...new Set(big.map((r) => r.parameters.sizeBytes as number))].sort((a, b) => a - b).map(formatBytes);
  const perProcess = (p: { name: string; title: string; field: string; axisTitle: string; rows: Row[]; paperValue: number; paperText: string; rules?: Rule[] }) =>
    chart({
      name: p.name,
      title: p.title,
      subtitle: where,
      rows: p.rows,
      x: { field: 'procs', title: 'processes', scale: 'ordinal' },
      y: { field: p.field, title: p.axisTitle },
      series: { field: 'size', title: 'file size', order: sizeOrder },
      spread: quartiles(p.field, `${reps} timed repetitions`),
      references: [{ kind: 'paper', label: 'paper: 1 GB, 12 processes on 3 x 4 cores', rows: [{ procs: PAPER.procs, size: formatBytes(PAPER.sizeBytes), [p.field]: p.paperValue, text: p.paperText }], textField: 'text' }],
      rules: p.rules,
    });
  return [
    timePlot('encrypt', 'fig1-encryption-time', 'Fig. 1: encryption time vs file size', [paperTimes]),
    timePlot('decrypt', 'fig2-decryption-time', 'Fig. 2: decryption time vs file size', []),
    perProcess({
      name: 'speedup-vs-processes',
      title: 'Encryption speedup over 1 process',
      field: 'speedupX',
      axisTitle: 'speedup over 1 process (x)',
      rows: big.flatMap((r) => {
        const base = baselineMs(r);
        const w = r.metrics.wallMs;
        if (base === undefined) return [];
        // the spread of the speedup is the spread of this point's times against the 1-process median
        return [{ ...point(r), speedupX: base / w.median, speedupXLow: w.q3 === undefined ? undefined : base / w.q3, speedupXHigh: w.q1 === undefined ? undefined : base / w.q1 }];
      }),
      paperValue: PAPER.speedupEncryptX,
      paperText: 'paper: 6.7x',
      rules: [{ y: cores, label: `${cores} cores here: the most speedup this machine can give` }],
    }),
    perProcess({
      name: 'throughput-vs-processes',
      title: 'Encryption throughput vs processes',
      field: 'throughputGbps',
      axisTitle: 'throughput (Gbit/s, median)',
      rows: big.map((r) => ({ ...point(r), ...withQuartiles('throughputGbps', r.metrics.throughputGbps) })),
      paperValue: PAPER.throughputGbps,
      paperText: 'paper: 4.233 Gbit/s',
    }),
  ];
}

export const ctrSweep: Scenario = {
  ...ctrSweepInfo,
  async run(ctx) {
    const { launcher: given, procs: procsList, reps, sizes } = sweepPlan(ctx.quick, ctx.flags);
    const launcher = given as LauncherName;
    if (!LAUNCHERS.includes(launcher)) throw new UsageError(`--launcher must be ${LAUNCHERS.join(' or ')}, got "${launcher}"`);
    const key = (await import('node:crypto')).randomBytes(16);
    ctx.progress.begin('ctr-sweep', procsList.length * sizes.length);
    const points: Point[] = [];
    let launcherName = 'piscina';
    for (const procs of procsList) {
      const runner = launcher === 'mpirun' ? await mpirunRunner(procs, key, ctx.topology, ctx.scratchDir) : await localRunner(procs, key, ctx.topology);
      launcherName = runner.describe;
      points.push(...(await measure(ctx, procs, sizes, reps, runner)));
    }

    const baselineOf = (p: Point) => points.find((b) => b.op === p.op && b.sizeBytes === p.sizeBytes && b.procs === 1);
    const records = [...points.map((p) => toRecord(p, baselineOf(p), ctx.topology.name)), ...paperRecords()];
    const cores = os.availableParallelism();
    const where = `measured here${launcher === 'mpirun' ? ` under mpirun, ${reps} job${reps > 1 ? 's' : ''} a point` : ''}: ${cores} cores, topology ${ctx.topology.name}, ranks above ${cores} oversubscribed`;

    const rows = records
      .filter((r) => r.source === 'measured' && r.status === 'completed')
      .map((r) => ({
        op: r.parameters.operation as string,
        size: r.parameters.sizeLabel as string,
        procs: r.parameters.procs as number,
        timeS: r.metrics.wallMs.median / 1000,
        throughputGbps: r.metrics.throughputGbps.median,
        speedupX: r.metrics.speedupX?.median ?? Number.NaN,
      }));
    const largest = sizes[sizes.length - 1];
    const plots = sweepPlots(records, where, cores);

    const at = (op: string, procs: number) => rows.find((r) => r.op === op && r.size === largest.label && r.procs === procs);
    const maxProcs = Math.max(...procsList);
    const headline = comparisonTable(
      `Headline figures: paper (1 GB, 12 processes on 3 x 4 cores) vs here (${formatBytes(largest.sizeBytes)}, ${maxProcs} processes on ${cores} cores)`,
      [
        { figure: 'encryption speedup over 1 process', unit: 'x', paper: PAPER.speedupEncryptX, measured: at('encrypt', maxProcs)?.speedupX, note: `${maxProcs} ranks on ${cores} cores` },
        { figure: 'encryption throughput', unit: 'Gbit/s', paper: PAPER.throughputGbps, measured: at('encrypt', maxProcs)?.throughputGbps },
        { figure: 'best encryption throughput', unit: 'Gbit/s', measured: Math.max(...rows.filter((r) => r.op === 'encrypt' && r.size === largest.label).map((r) => r.throughputGbps)) },
        { figure: 'decryption speedup over 1 process', unit: 'x', paper: PAPER.speedupDecryptX, measured: at('decrypt', maxProcs)?.speedupX, note: 'paper: lower than encryption (stitching)' },
      ],
      `This machine has ${cores} cores (${os.cpus()[0]?.model.trim()}); the paper had 12. Speedup here is bounded by ${cores}: ranks beyond it share cores. No simulated figures yet (no model of the paper's cluster in this run).` +
        (largest.sizeBytes < PAPER.sizeBytes ? ` This run stopped at ${formatBytes(largest.sizeBytes)}, not the paper's 1 GB (1 GiB here).` : ''),
    );
    const timesTable: ReportTable = {
      title: `Median times at ${formatBytes(largest.sizeBytes)} (ms)`,
      columns: ['processes', 'encrypt ms', 'decrypt ms', 'encrypt Gbit/s', 'sync ms (apart)', 'rank placement'],
      rows: procsList.map((procs) => {
        const e = records.find((r) => r.experiment === 'fig1-encrypt' && r.source === 'measured' && r.parameters.procs === procs && r.parameters.sizeBytes === largest.sizeBytes);
        const d = records.find((r) => r.experiment === 'fig2-decrypt' && r.source === 'measured' && r.parameters.procs === procs && r.parameters.sizeBytes === largest.sizeBytes);
        return [procs, e?.metrics.wallMs?.median, d?.metrics.wallMs?.median, e?.metrics.throughputGbps?.median, e?.metrics.syncMs?.median, e?.parameters.rankNodes as string];
      }),
    };
    return {
      records,
      plots,
      tables: launcher === 'mpirun' ? [headline, timesTable, overheadTable(points, ctx.topology.processesPerNode)] : [headline, timesTable],
      notes: launcher === 'mpirun' ? mpirunNotes(points, reps, launcherName, ctx.topology.processesPerNode) : [
        `Each point: ${reps} timed repetitions after one warm-up, median shown; times exclude the input sync to other nodes (recorded apart as syncMs), as the paper's do.`,
        'Decryption here writes each rank\'s plaintext straight to its offset in the output (the stitch without a second copy), so it does not pay the paper\'s stitching cost.',
      ],
      launcher: launcherName,
    };
  },
};

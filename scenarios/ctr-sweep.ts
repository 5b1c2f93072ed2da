// Paper 000, Fig. 1 and 2: encryption and decryption time of the distributed AES-128-CTR
// cryptosystem over file size x process count, and the headline speedups at 1 GB with 12 processes.
// Beside ours (an AES-GCM tag a part, each rank writing its plaintext at its offset) it measures the
// paper's own variants: no tag (--integrity none) and the master's gather-and-stitch (--stitch gather),
// which is why the paper's decryption speedup stays below its encryption speedup.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Stitch } from '../engine/ctr/cryptosystem.js';
import type { Integrity } from '../engine/ctr/layout.js';
import type { ClusterState } from '../engine/cluster/netns.js';
import type { EmulatedHosts } from '../engine/mpi/launcher.js';
import { localRunner, mpirunRunner, type JobTimes, type SweepRunner } from '../engine/mpi/sweep.js';
import { formatBytes } from '../engine/report/format.js';
import type { ResultRecord } from '../engine/report/record.js';
import { median, single, summarize } from '../engine/report/stats.js';
import { comparisonTable, relativeErrorPct, type Comparison, type ReportTable } from '../engine/report/table.js';
import { intFlag, intListFlag } from '../engine/flags/args.js';
import { FailureWatch } from '../engine/runner/sweep-failures.js';
import { whileRegistered } from '../engine/ctr/interrupt.js';
import { removeFromHosts } from '../engine/mpi/hostfile.js';
import { hostsNote, sweepHosts } from '../engine/runner/cluster-flags.js';
import type { Scenario, ScenarioContext, ScenarioOutput } from '../engine/runner/scenario.js';
import { simulateCtr, type CtrPoint, type CtrSimulated } from '../engine/sim/models/ctr.js';
import { simulationProfile } from '../engine/runner/calibrate.js';
import { fmt, missNotes, simulatedRecord, simulationNote } from '../engine/sim/records.js';
import { ctrProvenance } from './models/ctr-provenance.js';
import { readingRecords, readingsReport, simulateReadings } from './models/ctr-readings.js';
import type { Topology } from '../engine/topology/topology.js';
import { ensureDataset, PAPER_000_SIZES } from '../datasets/generator.js';
import { ctrSweepInfo, SWEEP, sweepPlan } from './ctr-sweep.meta.js';
import { PAPER, PAPER_ONE_PROCESS_MS, PAPER_PROFILE } from './ctr-sweep/paper.js';
import { closestToModel, shownIntegrity, simulatedPlots, sweepPlots } from './ctr-sweep/plots.js';
import { labelOf, sameVariant, type Variant } from './ctr-sweep/variants.js';

const gbps = (bytes: number, ms: number) => (bytes * 8) / 1e9 / (ms / 1000);
/** The largest of a list, or nothing for an empty one (never -Infinity in a report). */
const largestOf = (xs: number[]) => (xs.length ? Math.max(...xs) : undefined);

interface Point extends Variant {
  sizeBytes: number;
  sizeLabel: string;
  procs: number;
  wallMs: number[];
  syncMs: number[];
  stitchMs: number[];
  /** mpirun only: each job from starting mpirun to its exit */
  launchMs: number[];
  /** where it ran (the last repetition's: every repetition runs the same placement) */
  placed?: JobTimes;
  error?: string;
}

function nodesSummary(rankNodes: string[]): string {
  const counts = new Map<string, number>();
  for (const node of rankNodes) counts.set(node, (counts.get(node) ?? 0) + 1);
  return [...counts].map(([n, c]) => `${n}x${c}`).join(' ');
}

interface Plan {
  sizes: typeof PAPER_000_SIZES;
  reps: number;
  integrities: Integrity[];
  stitches: Stitch[];
}

async function measure(ctx: ScenarioContext, procs: number, plan: Plan, runner: SweepRunner, watch: FailureWatch): Promise<Point[]> {
  const points: Point[] = [];
  const record = (p: Point, t: JobTimes, timed: boolean) => {
    p.placed = t;
    if (!timed) return;
    p.wallMs.push(t.wallMs);
    p.syncMs.push(t.syncMs);
    if (t.stitchMs !== undefined) p.stitchMs.push(t.stitchMs);
    if (t.launchMs !== undefined) p.launchMs.push(t.launchMs);
  };
  try {
    for (const { label, sizeBytes } of plan.sizes) {
      const input = await ensureDataset(sizeBytes, ctx.seed);
      for (const integrity of plan.integrities) {
        const point = (v: Variant): Point => ({ ...v, sizeBytes, sizeLabel: label, procs, wallMs: [], syncMs: [], stitchMs: [], launchMs: [] });
        const enc = point({ op: 'encrypt', integrity });
        const decs = plan.stitches.map((stitch) => point({ op: 'decrypt', integrity, stitch }));
        try {
          // Untimed warm-up rounds (one on a pool, none for mpirun), then the repetitions.
          for (let rep = 1 - runner.warmups; rep <= plan.reps; rep++) {
            const outDir = path.join(ctx.scratchDir, `parts-${procs}-${sizeBytes}`);
            record(enc, await runner.encrypt(input, outDir, integrity), rep > 0);
            for (const dec of decs) {
              const back = path.join(ctx.scratchDir, `back-${procs}-${sizeBytes}`);
              record(dec, await runner.decrypt(path.basename(input), outDir, back, { integrity, stitch: dec.stitch! }), rep > 0);
              if (fs.statSync(back).size !== sizeBytes) throw new Error(`decrypted ${fs.statSync(back).size} bytes, expected ${sizeBytes}`);
              fs.rmSync(back);
            }
            fs.rmSync(outDir, { recursive: true });
          }
          watch.success();
        } catch (err) {
          for (const p of [enc, ...decs]) p.error = err instanceof Error ? err.message : String(err);
          watch.failure(`${formatBytes(sizeBytes)} x ${procs} procs (${integrity})`, enc.error!);
        }
        points.push(enc, ...decs);
      }
      const shown = points.find((p) => p.op === 'encrypt' && p.sizeBytes === sizeBytes && p.wallMs.length);
      ctx.progress.step(`${formatBytes(sizeBytes)} x ${procs} procs: encrypt ${shown ? summarize(shown.wallMs).median.toFixed(1) : '-'} ms`);
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
    if (p.stitchMs.length) metrics.stitchMs = summarize(p.stitchMs);
    if (baseline && baseline.wallMs.length) metrics.speedupX = single(summarize(baseline.wallMs).median / metrics.wallMs.median);
    if (p.launchMs.length) {
      metrics.launchMs = summarize(p.launchMs);
      metrics.launcherOverheadMs = summarize(p.launchMs.map((ms, i) => ms - p.wallMs[i]));
    }
  }
  const placed = p.placed;
  return {
    scenario: 'ctr-sweep',
    experiment: p.op === 'encrypt' ? 'fig1-encrypt' : 'fig2-decrypt',
    source: 'measured',
    parameters: {
      operation: p.op,
      integrity: p.integrity,
      ...(p.stitch ? { stitch: p.stitch } : {}),
      sizeBytes: p.sizeBytes,
      sizeLabel: p.sizeLabel,
      procs: p.procs,
      topology: topologyName,
      ...(placed
        ? {
            // where the topology put the ranks, and where they really ran: oversubscription counts real cores
            rankNodes: nodesSummary(placed.rankNodes),
            ranOn: placed.ranOn,
            oversubscribed: placed.oversubscribed,
            placementOversubscribed: placed.placementOversubscribed,
          }
        : {}),
    },
    metrics,
    threads: placed?.threads ?? p.procs,
    status: ok ? 'completed' : 'errored',
    ...(p.error ? { error: p.error } : {}),
  };
}

function paperRecords(): ResultRecord[] {
  const base = { scenario: 'ctr-sweep', source: 'paper' as const, threads: PAPER.procs, status: 'completed' as const };
  const parameters = { integrity: PAPER.integrity, sizeBytes: PAPER.sizeBytes, sizeLabel: '1 GB', procs: PAPER.procs, rankNodes: 'node1x4 node2x4 node3x4', topology: 'paper-000-beowulf' };
  return [
    { ...base, experiment: 'fig1-encrypt', parameters: { ...parameters, operation: 'encrypt' }, metrics: { speedupX: single(PAPER.speedupEncryptX), throughputGbps: single(PAPER.throughputGbps) } },
    { ...base, experiment: 'fig2-decrypt', parameters: { ...parameters, operation: 'decrypt', stitch: PAPER.stitch }, metrics: { speedupX: single(PAPER.speedupDecryptX) } },
  ];
}

function overheadTable(points: Point[], processesPerNode: number): ReportTable {
  return {
    title: 'mpirun: the job inside vs the job as launched (ms, median)',
    columns: ['operation', 'size', 'processes', 'MPI ranks', 'in-job ms (wallMs)', 'whole job ms (launchMs)', 'launcher overhead ms'],
    rows: points.filter((p) => p.launchMs.length).map((p) => [
      labelOf(p), formatBytes(p.sizeBytes), p.procs, Math.min(p.procs, Math.ceil(p.procs / processesPerNode)),
      median(p.wallMs), median(p.launchMs), median(p.launchMs.map((ms, i) => ms - p.wallMs[i])),
    ]),
  };
}

function mpirunNotes(points: Point[], reps: number, launcher: string, processesPerNode: number, synced: boolean): string[] {
  const jobs = points.flatMap((p) => p.launchMs.map((ms, i) => ({ launchMs: ms, overheadMs: ms - p.wallMs[i] })));
  return [
    `Each point: ${reps} timed repetition${reps > 1 ? 's' : ''}, each a fresh job under ${launcher} (nothing to warm up), median shown. ` +
      `A job has ceil(procs / ${processesPerNode}) MPI ranks (one a cluster-config node), each with a pool of up to ${processesPerNode} threads.`,
    `wallMs is rank 0's time from the start barrier to the last file in place, the same span the local engine's wallMs covers. ` +
      (jobs.length
        ? `The whole job, from starting mpirun to its exit, took a median ${median(jobs.map((j) => j.launchMs)).toFixed(0)} ms; the launcher's own overhead ` +
          `(mpirun, Node start in every rank, pool warm-up, the TCP join${synced ? ', the input sync' : ''}) was a median ${median(jobs.map((j) => j.overheadMs)).toFixed(0)} ms a job over ${jobs.length} jobs (launcherOverheadMs).`
        : 'No job completed, so there is no whole-job time or launcher overhead to show: the errors are in the results.'),
    (synced
      ? 'Rank 0 sends the input to every other rank over TCP before the start barrier (the paper\'s sync), timed apart as syncMs. '
      : 'The input is read in place by every rank (no sync copy: on several hosts it must be at the same path on each), so syncMs is 0. ') +
      'Decryption streams each rank\'s verified plaintext over TCP to rank 0, which stitches it; rank 0\'s own parts are written in place (only --stitch offset applies).',
  ];
}


/**
 * The sweep on the profile's model: every size and process count (a simulation is cheap; --procs
 * and --max-size still narrow it), plus 1 and 12 processes at 1 GB, the paper's headline points.
 */
function simulatedPoints(ctx: ScenarioContext): CtrPoint[] {
  const procs = [...new Set([...intListFlag(ctx.flags, 'procs', SWEEP.full.procs), 1, PAPER.procs])].sort((a, b) => a - b);
  const maxSize = intFlag(ctx.flags, 'max-size', Number.MAX_SAFE_INTEGER);
  const sizes = PAPER_000_SIZES.filter((s) => s.sizeBytes <= maxSize || s.sizeBytes === PAPER.sizeBytes);
  return SWEEP.operations.flatMap((operation) => sizes.flatMap((s) => procs.map((n) => ({ operation, sizeBytes: s.sizeBytes, procs: n }))));
}

/** Why the model and the paper part, in numbers from the profile (see missNotes). */
function missCauses(t: Topology, r: CtrSimulated[]): { encrypt: string; decrypt: string } {
  const node = t.nodes[0];
  const disk = node.disk ?? { readBytesPerS: NaN, writeBytesPerS: NaN };
  const paperT12S = PAPER_ONE_PROCESS_MS / 1000 / PAPER.speedupEncryptX;
  const perNodeBytes = PAPER.sizeBytes / t.nodes.length;
  const neededMBps = (2 * perNodeBytes) / paperT12S / 1e6;
  const lan = t.links[0];
  const remoteBytes = PAPER.sizeBytes * (1 - Math.min(t.processesPerNode, PAPER.procs) / PAPER.procs);
  const stitchS = lan ? remoteBytes / lan.bandwidthBytesPerS : NaN;
  const dec12 = r.find((x) => x.operation === 'decrypt' && x.procs === PAPER.procs && x.sizeBytes === PAPER.sizeBytes);
  return {
    encrypt:
      `at 12 processes each node reads and writes ${fmt(perNodeBytes / 1e6)} MB; the paper's ${fmt(paperT12S)} s needs ${fmt(neededMBps)} MB/s of disk traffic a node, ` +
      `${fmt(neededMBps / Math.min(disk.readBytesPerS, disk.writeBytesPerS) * 1e6)}x what the profile's HDD sustains (${fmt(disk.readBytesPerS / 1e6)} MB/s). This sweep runs reading A (input and output on the disk, as its AES rate was calibrated), under which no AES rate gives more than ${fmt((PAPER_ONE_PROCESS_MS / 1000) / ((2 * perNodeBytes) / Math.min(disk.readBytesPerS, disk.writeBytesPerS)))}x; the readings table puts B (input in the page cache) and C (both) beside it, each calibrated on its own.`,
    decrypt:
      `the stitch brings ${fmt(remoteBytes / 1e6)} MB of plaintext from the other nodes to the master over its ${fmt((lan?.bandwidthBytesPerS ?? NaN) * 8e-6)} Mbit/s port, ${fmt(stitchS)} s at the very least, ` +
      `${dec12 ? `in a simulated ${fmt(dec12.wallS)} s decryption ` : ''}against the paper's whole 12-process decryption of ${fmt(PAPER_ONE_PROCESS_MS / 1000 / PAPER.speedupDecryptX)} s: the paper's timing cannot include moving the plaintext over that LAN (its blocks were most likely already on the master, or its network faster than stated).`,
  };
}

/** What the simulated sweep's tables and notes look up: the profile, and a figure simulated or measured (the variant closest to the model's) at a point. */
interface SweepLookup {
  t: Topology;
  isPaper: boolean;
  sim: (op: string, bytes: number, procs: number) => ResultRecord['metrics'] | undefined;
  meas: (op: string, bytes: number, procs: number) => ResultRecord['metrics'] | undefined;
  /** a size's name in the paper's list, or its bytes */
  label: (bytes: number) => string;
}

/** A record a simulated point, with the paper's figure where it has one (the calibration point and the 12-process headline). */
function simulatedSweepRecords(t: Topology, isPaper: boolean, cipher: string, results: CtrSimulated[], label: (bytes: number) => string): ResultRecord[] {
  const one = (p: CtrSimulated) => results.find((x) => x.operation === p.operation && x.sizeBytes === p.sizeBytes && x.procs === 1);
  const headline = (p: CtrSimulated) => p.sizeBytes === PAPER.sizeBytes && p.procs === PAPER.procs;
  const calibrationPoint = (p: CtrSimulated) => isPaper && p.operation === 'encrypt' && p.sizeBytes === PAPER.sizeBytes && p.procs === 1;
  return results.map((p) => {
    const base = one(p);
    const metrics: Record<string, number> = { wallMs: p.wallS * 1000, throughputGbps: gbps(p.sizeBytes, p.wallS * 1000), ...(base ? { speedupX: base.wallS / p.wallS } : {}), ...(p.syncS !== undefined ? { syncMs: p.syncS * 1000 } : {}) };
    const paper: Record<string, number> | undefined = !isPaper
      ? undefined
      : calibrationPoint(p)
        ? { wallMs: PAPER_ONE_PROCESS_MS }
        : headline(p)
          ? p.operation === 'encrypt' ? { speedupX: PAPER.speedupEncryptX, throughputGbps: PAPER.throughputGbps } : { speedupX: PAPER.speedupDecryptX }
          : undefined;
    return simulatedRecord(t, {
      scenario: 'ctr-sweep',
      experiment: p.operation === 'encrypt' ? 'fig1-encrypt' : 'fig2-decrypt',
      // the model's decryption gathers the parts at the master, as the paper's does
      parameters: { operation: p.operation, integrity: cipher === 'aes-128-ctr' ? 'none' : 'aes-128-gcm', ...(p.operation === 'decrypt' ? { stitch: 'gather' } : {}), sizeBytes: p.sizeBytes, sizeLabel: label(p.sizeBytes), procs: p.procs, rankNodes: nodesSummary(p.rankNodes), oversubscribed: p.oversubscribed, topology: t.name },
      metrics,
      threads: p.procs,
      provenance: ctrProvenance(isPaper, p),
      paper,
    });
  });
}

/** The headline figures: paper vs simulated vs measured here. */
function simulatedHeadlineRows({ t, isPaper, sim, meas }: SweepLookup): Comparison[] {
  const paperOr = (v: number) => (isPaper ? v : undefined);
  return ([
    { figure: '1 process, 1 GB: encryption time', unit: 's', paper: paperOr(PAPER_ONE_PROCESS_MS / 1000), simulated: (sim('encrypt', PAPER.sizeBytes, 1)?.wallMs.median ?? NaN) / 1000, fit: isPaper ? 'calibrated' : 'predicted', measured: meas('encrypt', PAPER.sizeBytes, 1) && meas('encrypt', PAPER.sizeBytes, 1)!.wallMs.median / 1000, note: isPaper ? 'paper: implied by 6.7x and 4.233 Gbit/s; the AES rate is fitted to it' : undefined },
    { figure: '12 processes, 1 GB: encryption speedup', unit: 'x', paper: paperOr(PAPER.speedupEncryptX), simulated: sim('encrypt', PAPER.sizeBytes, 12)?.speedupX?.median, fit: 'predicted', measured: meas('encrypt', PAPER.sizeBytes, 12)?.speedupX?.median },
    { figure: '12 processes, 1 GB: encryption throughput', unit: 'Gbit/s', paper: paperOr(PAPER.throughputGbps), simulated: sim('encrypt', PAPER.sizeBytes, 12)?.throughputGbps.median, fit: 'predicted', measured: meas('encrypt', PAPER.sizeBytes, 12)?.throughputGbps.median },
    { figure: '12 processes, 1 GB: decryption speedup', unit: 'x', paper: paperOr(PAPER.speedupDecryptX), simulated: sim('decrypt', PAPER.sizeBytes, 12)?.speedupX?.median, fit: 'predicted', measured: meas('decrypt', PAPER.sizeBytes, 12)?.speedupX?.median, note: 'the model stitches on the master over the LAN' },
    // evidence, not a prediction to match: what a network gather needs on the paper's LAN against the whole decryption its 6.378x implies
    ...(isPaper && t.links[0] ? [{ figure: `12 processes, 1 GB: decryption with a network gather (the paper's figure is not possible with one on its LAN: ${fmt((PAPER.sizeBytes * (1 - t.processesPerNode / PAPER.procs)) / t.links[0].bandwidthBytesPerS)} s needed at least)`, unit: 's', paper: PAPER_ONE_PROCESS_MS / 1000 / PAPER.speedupDecryptX, simulated: (sim('decrypt', PAPER.sizeBytes, 12)?.wallMs.median ?? NaN) / 1000, fit: 'predicted', note: 'paper: 13.596 s / 6.378, decryption\'s 1-process time taken as encryption\'s; the readings table has the stitch the figure allows' }] : []),
    { figure: '12 processes, 1 GB: input sync to the other nodes (apart)', unit: 's', simulated: (sim('encrypt', PAPER.sizeBytes, 12)?.syncMs?.median ?? NaN) / 1000, fit: 'predicted', measured: meas('encrypt', PAPER.sizeBytes, 12)?.syncMs && meas('encrypt', PAPER.sizeBytes, 12)!.syncMs.median / 1000, note: 'excluded from every time above, as the paper does' },
  ] as Comparison[]).map((r) => ({ ...r, simulated: r.simulated !== undefined && Number.isFinite(r.simulated) ? r.simulated : undefined }));
}

/** The largest size by process count, simulated beside measured. */
function perProcsTable({ t, sim, meas, label }: SweepLookup, procsList: number[], largest: number, anyMeasured: boolean): ReportTable {
  return {
    title: `Simulated on ${t.name}: ${label(largest)} by process count${anyMeasured ? ', with the times measured here' : ''}`,
    columns: ['processes', 'encrypt s (sim)', 'decrypt s (sim)', 'sync s (sim, apart)', 'encrypt speedup (sim)', 'encrypt Gbit/s (sim)', 'encrypt s (measured)', 'sim vs measured'],
    rows: procsList.map((n) => {
      const e = sim('encrypt', largest, n);
      const m = meas('encrypt', largest, n);
      const d = relativeErrorPct(e?.wallMs.median, m?.wallMs.median);
      return [n, e && e.wallMs.median / 1000, (sim('decrypt', largest, n)?.wallMs.median ?? NaN) / 1000, e?.syncMs && e.syncMs.median / 1000, e?.speedupX?.median, e?.throughputGbps.median, m && m.wallMs.median / 1000, d === undefined ? undefined : `${d >= 0 ? '+' : ''}${d.toFixed(0)} %`];
    }),
  };
}

/** The model against this machine: every point both simulated and measured in this run (not on the paper's profile). */
function modelAgainstMachine({ isPaper, meas, label }: SweepLookup, results: CtrSimulated[], largest: number): string[] {
  const diffs = results.flatMap((p) => {
    const d = relativeErrorPct(p.wallS * 1000, meas(p.operation, p.sizeBytes, p.procs)?.wallMs.median);
    return d === undefined ? [] : [{ d, p }];
  });
  if (!diffs.length || isPaper) return [];
  const abs = summarize(diffs.map((x) => Math.abs(x.d))).median;
  const big = diffs.filter((x) => x.p.sizeBytes === largest);
  return [`Model against this machine (${diffs.length} points measured and simulated in this run): simulated times differ from measured ones by a median ${abs.toFixed(0)} % (absolute)${big.length ? `; at ${label(largest)}: ${big.map((x) => `${x.p.operation} ${x.p.procs}p ${x.d >= 0 ? '+' : ''}${x.d.toFixed(0)} %`).join(', ')}` : ''}. The model knows no start-up of the pool, no page-cache misses, no other jobs on the machine.`];
}

/** Where the model misses the paper's headline by more than the threshold, and why (on the paper's profile only). */
function headlineMisses({ t, isPaper, sim }: SweepLookup, results: CtrSimulated[]): string[] {
  const causes = missCauses(t, results);
  const enc12 = sim('encrypt', PAPER.sizeBytes, 12);
  const dec12 = sim('decrypt', PAPER.sizeBytes, 12);
  return isPaper && enc12 && dec12
    ? missNotes([
        { figure: 'encryption speedup at 12 processes, 1 GB', paper: PAPER.speedupEncryptX, simulated: enc12.speedupX?.median ?? NaN, cause: causes.encrypt },
        { figure: 'encryption throughput at 12 processes, 1 GB (Gbit/s)', paper: PAPER.throughputGbps, simulated: enc12.throughputGbps.median, cause: causes.encrypt },
        { figure: 'decryption speedup at 12 processes, 1 GB', paper: PAPER.speedupDecryptX, simulated: dec12.speedupX?.median ?? NaN, cause: causes.decrypt },
      ])
    : [];
}

async function simulateSweep(ctx: ScenarioContext, measured: ResultRecord[]) {
  const t = await simulationProfile(ctx.topology, (m) => ctx.progress.info(m));
  const isPaper = t.name === PAPER_PROFILE;
  // The paper's code runs AES-128-CTR; this harness's engine one AES-128-GCM pass (CTR + GHASH).
  const cipher = t.detected ? 'aes-128-gcm-bulk' : 'aes-128-ctr';
  const points = simulatedPoints(ctx);
  ctx.progress.begin('ctr-sweep, simulated', 1);
  const { results, hostWallMs } = await simulateCtr(t, points, { cipher });
  ctx.progress.step(`${results.length} points simulated in ${(hostWallMs / 1000).toFixed(1)} s`);
  const label = (bytes: number) => PAPER_000_SIZES.find((s) => s.sizeBytes === bytes)?.label ?? `${bytes} B`;
  const records = simulatedSweepRecords(t, isPaper, cipher, results, label);
  if (ctx.mode !== 'both') records.push(...paperRecords());
  const sim = (op: string, bytes: number, procs: number) => records.find((r) => r.source === 'simulated' && r.parameters.operation === op && r.parameters.sizeBytes === bytes && r.parameters.procs === procs)?.metrics;
  // the measured variant closest to the model's: no tag and a gathered stitch when they were measured
  const completed = measured.filter((r) => r.source === 'measured' && r.status === 'completed');
  const modelLike = completed.filter(closestToModel(completed));
  const meas = (op: string, bytes: number, procs: number) =>
    modelLike.find((r) => r.parameters.operation === op && r.parameters.sizeBytes === bytes && r.parameters.procs === procs)?.metrics;
  const lookup: SweepLookup = { t, isPaper, sim, meas, label };
  const rows = simulatedHeadlineRows(lookup);
  // The largest size measured in this run (mode both), else the largest simulated.
  const measuredSizes = completed.map((r) => r.parameters.sizeBytes as number);
  const largest = measuredSizes.length ? Math.max(...measuredSizes) : Math.max(...points.map((p) => p.sizeBytes));
  const perProcs = perProcsTable(lookup, [...new Set(points.map((p) => p.procs))], largest, measured.length > 0);
  // Paper 000's setup under each reading of its text (scenarios/models/ctr-readings.ts)
  const readings = isPaper ? await simulateReadings(t, PAPER_ONE_PROCESS_MS / 1000) : [];
  records.push(...readingRecords(t, readings, PAPER, PAPER_ONE_PROCESS_MS));
  const readingsOut = isPaper ? readingsReport(t, readings, PAPER, PAPER_ONE_PROCESS_MS / 1000, sim('decrypt', PAPER.sizeBytes, 12) && { dec12S: sim('decrypt', PAPER.sizeBytes, 12)!.wallMs.median / 1000 }) : undefined;
  const plots = simulatedPlots(t, records.filter((r) => r.experiment !== 'readings'), measured, isPaper);
  const notes = [
    simulationNote(t, `models/ctr.ts: ${points.length} points, ${cipher} at the profile's per-core rate`, hostWallMs),
    'The sweep\'s model (reading A, sequential: the profile\'s calibration): the master pads the input and starts n ranks, 4 a node; each reads its part from its node\'s disk, ciphers it on one core, writes it; decryption sends every plaintext part to the master over the LAN, which writes the whole file (the stitch). The input sync runs apart and is reported apart (syncMs). The readings table below models the other readings of the setup.',
    ...headlineMisses(lookup, results),
    ...modelAgainstMachine(lookup, results, largest),
  ];
  return {
    records,
    plots,
    tables: [comparisonTable(`Paper vs simulated (${t.name}) vs measured here`, rows, isPaper ? 'Errors against the paper for simulated figures; "simulated vs measured" compares the model of the paper\'s cluster with this machine, which is not that cluster.' : 'This profile is not the paper\'s cluster: its simulated figures are checked against what this machine measures.'), perProcs, ...(readingsOut ? [readingsOut.table] : [])],
    notes: [...notes, ...(readingsOut?.notes ?? [])],
    launcher: 'SimGrid (engine/sim)',
  };
}

export const ctrSweep: Scenario = {
  ...ctrSweepInfo,
  simulate: simulateSweep,
  async run(ctx) {
    const plan = sweepPlan(ctx.quick, ctx.flags);
    if (!plan.emulate) return runSweep(ctx, plan);
    const { emulatedHosts, onCluster } = await import('../engine/cluster/netns.js');
    return onCluster(ctx.topology, (state) => runSweep(ctx, plan, { hosts: emulatedHosts(state, state.hosts.length), state }));
  },
};

/** Syncing the input to the other hosts, against the rate their links are shaped to. */
function syncNote(points: Point[], state: ClusterState, processesPerNode: number): string {
  // rank 0 sends the whole input to each of the job's other ranks, one a host, through its own port
  const others = (p: Point) => Math.min(p.procs, Math.ceil(p.procs / processesPerNode)) - 1;
  const mbits = points.filter((p) => p.op === 'encrypt' && others(p) > 0).flatMap((p) => p.syncMs.filter((ms) => ms > 0).map((ms) => (p.sizeBytes * others(p) * 8) / 1e6 / (ms / 1000)));
  const declared = state.hosts[0].rateBitsPerS;
  return (
    `Emulated hosts (cluster ${state.name}): ${state.hosts.map((h) => `${h.node} ${h.address}`).join(', ')}; the CPU is still this machine's cores. ` +
    (mbits.length
      ? `Before each encryption rank 0 synced the input to the other hosts over the shaped links, timed apart (syncMs): a median ${summarize(mbits).median.toFixed(1)} Mbit/s out of rank 0's port` +
        `${declared ? ` against the declared ${(declared / 1e6).toFixed(0)} Mbit/s` : ''}. `
      : 'No input sync to another host completed, so no sync rate is shown. ') +
    `${state.latencyNote}.`
  );
}

type SweepPlan = ReturnType<typeof sweepPlan>;
type Emulated = { hosts: EmulatedHosts; state: ClusterState };

/** Every point of the sweep, a process count at a time; the key and parts left on other hosts are removed at the end or on Ctrl-C. */
async function measurePoints(ctx: ScenarioContext, plan: SweepPlan, hosts: ReturnType<typeof sweepHosts> | undefined, emulated?: Emulated): Promise<{ points: Point[]; launcherName: string }> {
  const { launcher, procs: procsList, reps, sizes, stitches, integrities, inputSync } = plan;
  const key = (await import('node:crypto')).randomBytes(16);
  ctx.progress.begin('ctr-sweep', procsList.length * sizes.length);
  const points: Point[] = [];
  let launcherName = 'piscina';
  const watch = new FailureWatch('ctr-sweep', (line) => ctx.progress.info(line));
  // the key and the parts left on the other hosts' disks go at the end, or on Ctrl-C
  const leftOnHosts = async () => {
    if (hosts?.remote.length) await removeFromHosts(hosts.remote, ctx.scratchDir);
  };
  await whileRegistered(leftOnHosts, async () => {
    try {
      for (const procs of procsList) {
        const runner =
          launcher === 'mpirun' ? await mpirunRunner(procs, key, ctx.topology, ctx.scratchDir, emulated?.hosts, hosts, inputSync === 'copy') : await localRunner(procs, key, ctx.topology);
        launcherName = hosts ? `${runner.describe}, --hostfile ${plan.hostfile}` : runner.describe;
        points.push(...(await measure(ctx, procs, { sizes, reps, integrities, stitches }, runner, watch)));
        if (procs === procsList[0]) watch.endOfFirstRound();
      }
    } finally {
      await leftOnHosts();
    }
  });
  return { points, launcherName };
}

/** A row a measured point: its median time, throughput and speedup over 1 process of the same variant and size. */
type SummaryRow = { variant: string; op: Variant['op']; size: string; procs: number; medianMs: number; throughputGbps: number; speedupX: number | undefined };

function summaryRows(points: Point[], baselineOf: (p: Point) => Point | undefined): SummaryRow[] {
  return points
    .filter((p) => !p.error && p.wallMs.length)
    .map((p) => {
      const baseline = baselineOf(p);
      const medianMs = summarize(p.wallMs).median;
      return {
        variant: labelOf(p),
        op: p.op,
        size: p.sizeLabel,
        procs: p.procs,
        medianMs,
        throughputGbps: summarize(p.wallMs.map((ms) => gbps(p.sizeBytes, ms))).median,
        speedupX: baseline?.wallMs.length ? summarize(baseline.wallMs).median / medianMs : undefined,
      };
    });
}

/** The paper's headline figures against this run's at its largest size and most processes, in the paper's own variant when it was measured. */
function headlineTable(ctx: ScenarioContext, plan: SweepPlan, rows: SummaryRow[], cores: number): ReportTable {
  const { procs: procsList, sizes, stitches, integrities } = plan;
  const largest = sizes[sizes.length - 1];
  const maxProcs = Math.max(...procsList);
  const at = (v: Variant, procs = maxProcs) => rows.find((r) => r.variant === labelOf(v) && r.size === largest.label && r.procs === procs);
  // The paper's own variant when it was measured (no tag; gather), ours otherwise.
  const paperIntegrity = shownIntegrity(integrities);
  const paperEnc: Variant = { op: 'encrypt', integrity: paperIntegrity };
  return comparisonTable(
    `Headline figures: paper (1 GB, 12 processes on 3 x 4 cores, no tag) vs here (${formatBytes(largest.sizeBytes)}, ${maxProcs} processes on ${cores} cores)`,
    [
      { figure: `encryption speedup over 1 process (${labelOf(paperEnc)})`, unit: 'x', paper: PAPER.speedupEncryptX, measured: at(paperEnc)?.speedupX, note: `${maxProcs} ranks on ${cores} cores` },
      { figure: `encryption throughput (${labelOf(paperEnc)})`, unit: 'Gbit/s', paper: PAPER.throughputGbps, measured: at(paperEnc)?.throughputGbps },
      { figure: 'best encryption throughput', unit: 'Gbit/s', measured: largestOf(rows.filter((r) => r.op === 'encrypt' && r.size === largest.label).map((r) => r.throughputGbps)) },
      ...stitches.map((stitch) => {
        const v: Variant = { op: 'decrypt', integrity: paperIntegrity, stitch };
        const dec = at(v);
        const enc = at(paperEnc);
        return {
          figure: `decryption speedup over 1 process (${labelOf(v)})`,
          unit: 'x',
          ...(stitch === 'gather' ? { paper: PAPER.speedupDecryptX } : {}),
          measured: dec?.speedupX,
          note:
            `${stitch === 'gather' ? 'the paper\'s stitch; paper: below encryption\'s 6.7x' : 'ours'}` +
            (dec?.speedupX !== undefined && enc?.speedupX !== undefined ? `; ${dec.speedupX < enc.speedupX ? 'below' : 'not below'} encryption's ${enc.speedupX.toFixed(2)}x here; decrypt/encrypt time ${(dec.medianMs / enc.medianMs).toFixed(2)}` : ''),
        };
      }),
    ],
    `This machine has ${cores} cores (${os.cpus()[0]?.model.trim()}); the paper had 12. Speedup here is bounded by ${cores}: ranks beyond it share cores. ${ctx.mode === 'both' ? 'The simulated figures come in their own table below.' : 'Simulated figures: --mode simulate or both.'}` +
      (largest.sizeBytes < PAPER.sizeBytes ? ` This run stopped at ${formatBytes(largest.sizeBytes)}, not the paper's 1 GB (1 GiB here).` : ''),
  );
}

/** Median times at the largest size, a row a process count and integrity, with where the ranks were placed and ran. */
function timesTable(records: ResultRecord[], plan: SweepPlan): ReportTable {
  const { procs: procsList, sizes, stitches, integrities } = plan;
  const largest = sizes[sizes.length - 1];
  const measured = (experiment: string, v: Variant, procs: number) =>
    records.find(
      (r) =>
        r.experiment === experiment && r.source === 'measured' && r.parameters.procs === procs && r.parameters.sizeBytes === largest.sizeBytes &&
        r.parameters.integrity === v.integrity && (v.stitch === undefined || r.parameters.stitch === v.stitch),
    );
  return {
    title: `Median times at ${formatBytes(largest.sizeBytes)} (ms)`,
    columns: ['processes', 'integrity', 'encrypt ms', ...stitches.map((s) => `decrypt ${s} ms`), 'encrypt Gbit/s', 'sync ms (apart)', 'topology placement', 'ran on'],
    rows: procsList.flatMap((procs) =>
      integrities.map((integrity) => {
        const e = measured('fig1-encrypt', { op: 'encrypt', integrity }, procs);
        return [
          procs,
          integrity,
          e?.metrics.wallMs?.median,
          ...stitches.map((stitch) => measured('fig2-decrypt', { op: 'decrypt', integrity, stitch }, procs)?.metrics.wallMs?.median),
          e?.metrics.throughputGbps?.median,
          e?.metrics.syncMs?.median,
          e?.parameters.rankNodes as string,
          e?.parameters.ranOn as string,
        ];
      }),
    ),
  };
}

/** What to read into a sweep: under mpirun, the launch costs, the input sync and the hosts; in one process, the variants and what the times exclude. */
function sweepNotes(ctx: ScenarioContext, plan: SweepPlan, points: Point[], launcherName: string, hosts: ReturnType<typeof sweepHosts> | undefined, emulated?: Emulated): string[] {
  const { launcher, reps, integrities, inputSync } = plan;
  const paperEnc: Variant = { op: 'encrypt', integrity: shownIntegrity(integrities) };
  const shown = `The time, speedup and throughput charts show ${labelOf(paperEnc).replace('encrypt', 'the runs').replace('the runs (no tag)', 'the runs without a tag (the paper\'s variant)')}${integrities.length > 1 ? '; tag-cost-over-no-tag compares the two' : ''}.`;
  return launcher === 'mpirun'
    ? [
        ...mpirunNotes(points, reps, launcherName, ctx.topology.processesPerNode, inputSync === 'copy'),
        ...(emulated ? [syncNote(points, emulated.state, ctx.topology.processesPerNode)] : []),
        ...(hosts ? [hostsNote(hosts, inputSync)] : []),
        shown,
      ]
    : [
        `Each point: ${reps} timed repetitions after one warm-up, median shown; times exclude the input sync to other nodes (recorded apart as syncMs), as the paper's do, and the flush to disk (no fsync: the outputs are thrown away).`,
        'Stitch offset (ours): each rank writes its plaintext straight to its offset in the output (no second copy). Stitch gather (the paper\'s): each rank writes its whole decrypted part, the master then concatenates them and strips the padding, a serial pass that the paper blames for its decryption speedup (6.378x) trailing encryption\'s (6.7x); stitchMs records it.',
        'Integrity aes-128-gcm (ours): an AES-GCM tag a part, computed in the same pass as the AES-CTR body. Integrity none (the paper\'s): plain AES-128-CTR, nothing detects a tampered part.',
        'rankNodes is where the topology placed the ranks; ranOn is where they really ran (host, its real cores, threads); oversubscribed counts real cores, placementOversubscribed the topology\'s.',
        shown,
      ];
}

async function runSweep(ctx: ScenarioContext, plan: SweepPlan, emulated?: Emulated): Promise<ScenarioOutput> {
  const { launcher, reps, stitches, integrities, inputSync } = plan;
  const hosts = plan.hostfile ? sweepHosts(plan.hostfile) : undefined;
  const { points, launcherName } = await measurePoints(ctx, plan, hosts, emulated);
  const baselineOf = (p: Point) => points.find((b) => sameVariant(b, p) && b.sizeBytes === p.sizeBytes && b.procs === 1);
  const records = [
    // how the input reached the ranks, recorded with each point of an mpirun run (--input-sync)
    ...points.map((p) => toRecord(p, baselineOf(p), ctx.topology.name)).map((r) => (launcher === 'mpirun' ? { ...r, parameters: { ...r.parameters, inputSync } } : r)),
    ...paperRecords(),
  ];
  const cores = os.availableParallelism();
  const where =
    `measured here${launcher === 'mpirun' ? ` under mpirun${emulated ? ` on the emulated hosts of ${emulated.state.name}` : ''}, ${reps} job${reps > 1 ? 's' : ''} a point` : ''}: ` +
    `${cores} cores, topology ${ctx.topology.name}, ranks above ${cores} oversubscribed`;
  const plots = sweepPlots(records, { integrities, stitches }, where, cores);
  const headline = headlineTable(ctx, plan, summaryRows(points, baselineOf), cores);
  const times = timesTable(records, plan);
  return {
    records,
    plots,
    tables: launcher === 'mpirun' ? [headline, times, overheadTable(points, ctx.topology.processesPerNode)] : [headline, times],
    notes: sweepNotes(ctx, plan, points, launcherName, hosts, emulated),
    launcher: launcherName,
  };
}

// Paper 003, Fig. 13: the encryption "speed bound" of an uploader grows linearly with the number
// of parallel encryptors; a household link (10 MB/s) needs one, a 2 Gbit/s link (250 MB/s) needs
// five at the paper's 50 MB/s. Here: a Piscina pool of k RC4+ encryptor threads, each fed 16 KiB
// blocks back to back, aggregate throughput measured for k = 1..K, against the two link lines, and
// the parallels each link needs, from the measured curve and from one encryptor's rate.
import { Piscina } from 'piscina';
import os from 'node:os';
import type { EncryptBlocksResult, EncryptBlocksTask } from '../engine/ivcsd/rc4plus-worker.js';
import { chart, quartiles, simulatedChart, withQuartiles } from '../engine/report/plot.js';
import type { ResultRecord } from '../engine/report/record.js';
import { single, summarize } from '../engine/report/stats.js';
import { comparisonTable, type Comparison } from '../engine/report/table.js';
import { intFlag } from '../engine/flags/args.js';
import type { Scenario, ScenarioContext } from '../engine/runner/scenario.js';
import { siblingModule } from '../engine/runtime/project.js';
import { simulateSpeedBound } from '../engine/sim/models/ivcsd.js';
import { simulationProfile } from '../engine/runner/calibrate.js';
import { simulatedRecord, simulationNote } from '../engine/sim/records.js';
import { CELL_003_ENCRYPTOR, fig13Cell } from './models/paper-cells.js';
import { LINKS as PAPER_LINKS, RC4PLUS } from './paper-003.js';
import { BLOCKS_PER_TASK, PLAN, speedBoundInfo, speedBoundPlan } from './speed-bound.meta.js';

const BLOCK_BYTES = 16 * 1024;
/** Fig. 13's x axis runs to 8 parallels. */
const PAPER = { perEncryptorMBps: RC4PLUS.speedBoundMBps.value, maxParallels: 8 };
export const LINKS = PAPER_LINKS.map((l) => ({ name: l.name, throughputMBps: l.throughputMBps.value, paperParallels: l.parallels.value }));

/** k streams, each submitting its tasks one after another, all at once; aggregate MB/s. */
async function aggregateMBps(pool: Piscina, k: number, tasksPerStream: number): Promise<{ mbps: number; busyMs: number[] }> {
  const busyMs: number[] = [];
  let bytes = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: k }, async (_, stream) => {
      for (let t = 0; t < tasksPerStream; t++) {
        const task: EncryptBlocksTask = { blocks: BLOCKS_PER_TASK, blockBytes: BLOCK_BYTES, firstBlock: (stream * tasksPerStream + t) * BLOCKS_PER_TASK };
        const r = (await pool.run(task)) as EncryptBlocksResult;
        busyMs.push(r.busyMs);
        bytes += r.bytes;
      }
    }),
  );
  return { mbps: bytes / ((performance.now() - started) * 1000), busyMs };
}

/** The smallest k whose throughput reaches the link, or undefined when none does. */
export function parallelsNeeded(curve: { k: number; mbps: number }[], linkMBps: number): number | undefined {
  return curve.find((p) => p.mbps >= linkMBps)?.k;
}

/** The profile of the paper's lab, whose RC4+ rate is its own 16 KiB figure (31.24 ms a round of 100). */
const PAPER_PROFILE = 'paper-003-lab';
/** The paper's "50MB" a second: 3 200 arrays of 16 KiB, in bytes (MB/s here are 10^6 bytes). */
const PAPER_ENCRYPTOR_MBps = (3200 * 16384) / 1e6;

async function simulateSpeedBoundScenario(ctx: ScenarioContext, measured: ResultRecord[]) {
  const t = await simulationProfile(ctx.topology, (m) => ctx.progress.info(m));
  const isPaper = t.name === PAPER_PROFILE;
  const peer = t.nodes.find((n) => n.name === 'peer') ?? t.nodes[0];
  const maxK = Math.max(intFlag(ctx.flags, 'max-parallels', PLAN.full.maxParallels), PAPER.maxParallels);
  const parallels = Array.from({ length: maxK }, (_, i) => i + 1);
  // The paper's two links, where the profile has them (a household line and a 2 Gbit/s fibre).
  const links = ['household', 'fibre'].filter((n) => t.links.some((l) => l.name === n));
  ctx.progress.begin('speed-bound, simulated', 1);
  const { results, hostWallMs } = await simulateSpeedBound(t, peer.name, parallels, links);
  ctx.progress.step(`${results.length} points simulated in ${(hostWallMs / 1000).toFixed(1)} s`);
  const records: ResultRecord[] = results.map((r) =>
    simulatedRecord(t, {
      scenario: 'speed-bound',
      experiment: 'fig13',
      parameters: { parallels: r.parallels, link: r.link ?? 'none (encryption alone)', cores: peer.cores, blockBytes: BLOCK_BYTES, model: 'engine/sim/models/ivcsd.ts' },
      metrics: { throughputMBps: r.throughputMBps },
      threads: r.parallels,
      // One encryptor's rate is the paper's own figure; k of them and the links are predictions.
      provenance: { ...(isPaper && !r.link ? { paperCell: fig13Cell(r.parallels) } : {}), calibratedOn: isPaper ? [CELL_003_ENCRYPTOR] : [] },
      ...(isPaper && !r.link ? { paper: { throughputMBps: r.parallels * PAPER_ENCRYPTOR_MBps } } : {}),
    }),
  );
  const alone = results.filter((r) => !r.link).map((r) => ({ k: r.parallels, mbps: r.throughputMBps }));
  const over = (linkName: string) => results.filter((r) => r.link === linkName).map((r) => ({ k: r.parallels, mbps: r.throughputMBps }));
  const measuredAt = (k: number) => measured.find((r) => r.source === 'measured' && r.parameters.parallels === k)?.metrics.throughputMBps?.median;
  // Over a link, a k "suffices" once the transfer runs at 95 % of the line: more encryptors add nothing.
  const needed = (linkName: string, linkMBps: number) => (links.includes(linkName) ? over(linkName).find((p) => p.mbps >= 0.95 * linkMBps)?.k : parallelsNeeded(alone, linkMBps));
  const rows: Comparison[] = [
    { figure: 'one encryptor', unit: 'MB/s', paper: isPaper ? PAPER_ENCRYPTOR_MBps : undefined, simulated: alone[0]?.mbps, fit: isPaper ? 'calibrated' : 'predicted', measured: measuredAt(1) },
    { figure: `${maxK} encryptors on ${peer.cores} cores`, unit: 'MB/s', paper: isPaper ? maxK * PAPER_ENCRYPTOR_MBps : undefined, simulated: alone.at(-1)?.mbps, fit: 'predicted', measured: measuredAt(maxK), note: maxK > peer.cores ? `more encryptors than cores: they share them` : undefined },
    ...LINKS.map((link, i): Comparison => ({
      figure: `parallels for ${link.name} (${link.throughputMBps} MB/s)`,
      unit: 'encryptors',
      paper: isPaper ? link.paperParallels : undefined,
      simulated: needed(['household', 'fibre'][i], link.throughputMBps),
      fit: 'predicted',
      note: links.includes(['household', 'fibre'][i]) ? 'simulated over the link: the first k at 95 % of the line' : 'from the simulated encryption curve (no such link in this profile)',
    })),
  ];
  const ALONE = 'encryption alone';
  const lineName = (r: (typeof results)[number]) => (r.link ? `sending over the ${r.link} link` : ALONE);
  const measuredRows = measured
    .filter((r) => r.source === 'measured' && r.status === 'completed' && r.metrics.throughputMBps)
    .map((r) => ({ parallels: r.parameters.parallels as number, line: ALONE, ...withQuartiles('throughputMBps', r.metrics.throughputMBps) }));
  const reps = Math.max(0, ...measured.filter((r) => r.source === 'measured').map((r) => r.metrics.throughputMBps?.samples ?? 0));
  return {
    records,
    plots: [
      simulatedChart({
        name: 'sim-speed-bound',
        title: `Fig. 13, simulated on ${t.name}: speed bound against parallel encryptors`,
        subtitle: `SimGrid: k RC4+ encryptors on a ${peer.cores}-core peer${links.length ? `, alone and sending over ${links.join(' and ')}` : ''}${measuredRows.length ? `; beside it, encryption alone measured here (${os.availableParallelism()} cores)` : ''}`,
        simulated: results.map((r) => ({ parallels: r.parallels, throughputMBps: r.throughputMBps, line: lineName(r) })),
        simulatedLabel: `simulated (SimGrid, ${t.name})`,
        measured: measuredRows,
        x: { field: 'parallels', title: 'parallel encryptors', scale: 'ordinal' },
        y: { field: 'throughputMBps', title: 'aggregate throughput (MB/s)' },
        series: { field: 'line', title: 'what is timed', order: [ALONE, ...links.map((l) => `sending over the ${l} link`)] },
        spread: quartiles('throughputMBps', `${reps} runs of each k`),
        references: isPaper
          ? [{ kind: 'paper', label: "paper: k x 50 MB/s (its 3 200 arrays of 16 KiB a second: 52.43 MB/s)", rows: parallels.map((k) => ({ parallels: k, throughputMBps: k * PAPER_ENCRYPTOR_MBps, line: ALONE })), line: true }]
          : [],
        rules: LINKS.map((l) => ({ y: l.throughputMBps, label: `${l.name}, ${l.throughputMBps} MB/s` })),
      }),
    ],
    tables: [comparisonTable(`Speed bound: paper vs simulated (${t.name}) vs measured here`, rows, isPaper ? 'The paper\'s 50 MB/s is 3 200 arrays of 16 KiB a second: 52.43 MB/s in the 10^6-byte megabytes of these columns.' : undefined)],
    notes: [simulationNote(t, `models/ivcsd.ts: ${results.length} points`, hostWallMs)],
    launcher: 'SimGrid (engine/sim)',
  };
}

export const speedBound: Scenario = {
  ...speedBoundInfo,
  simulate: simulateSpeedBoundScenario,
  async run(ctx) {
    const plan = speedBoundPlan(ctx.quick, ctx.flags);
    const { maxParallels: maxK, reps } = plan;
    const cores = os.availableParallelism();
    const pool = new Piscina({ filename: siblingModule(import.meta.url, '../engine/ivcsd/rc4plus-worker').href, minThreads: maxK, maxThreads: maxK, concurrentTasksPerWorker: 1, idleTimeout: 60_000 });
    const records: ResultRecord[] = [];
    const curve: { k: number; mbps: number }[] = [];
    ctx.progress.begin('speed-bound', maxK * reps);
    try {
      // Start every thread and let V8 optimise the cipher before anything is timed.
      await Promise.all(Array.from({ length: maxK * 2 }, () => pool.run({ blocks: BLOCKS_PER_TASK, blockBytes: BLOCK_BYTES, firstBlock: 0 } satisfies EncryptBlocksTask)));
      for (let k = 1; k <= maxK; k++) {
        const samples: number[] = [];
        const perEncryptor: number[] = [];
        for (let r = 0; r < reps; r++) {
          const { mbps, busyMs } = await aggregateMBps(pool, k, plan.tasksPerStream);
          samples.push(mbps);
          perEncryptor.push(...busyMs.map((ms) => (BLOCKS_PER_TASK * BLOCK_BYTES) / (ms * 1000)));
          ctx.progress.step(`k=${k}: ${mbps.toFixed(0)} MB/s`);
        }
        const s = summarize(samples);
        curve.push({ k, mbps: s.median });
        records.push({
          scenario: 'speed-bound', experiment: 'fig13', source: 'measured', threads: k, status: 'completed',
          parameters: { parallels: k, cores, blockBytes: BLOCK_BYTES, bytesPerRun: k * plan.tasksPerStream * BLOCKS_PER_TASK * BLOCK_BYTES },
          metrics: { throughputMBps: s, perEncryptorBusyMBps: summarize(perEncryptor) },
        });
      }
    } finally {
      await pool.destroy();
    }
    const one = curve[0]?.mbps ?? Number.NaN;
    for (let k = 1; k <= Math.max(maxK, PAPER.maxParallels); k++) {
      // the paper's own rule (k x one encryptor) applied to the rate measured here: arithmetic, not a simulation
      if (k <= maxK) records.push({ scenario: 'speed-bound', experiment: 'fig13', source: 'model', threads: k, status: 'completed', parameters: { parallels: k, model: 'k x one encryptor measured here', calibratedOn: 'none (measured here)' }, metrics: { throughputMBps: single(k * one) } });
      records.push({ scenario: 'speed-bound', experiment: 'fig13', source: 'paper', threads: k, status: 'completed', parameters: { parallels: k, model: `k x ${PAPER.perEncryptorMBps} MB/s (paper)` }, metrics: { throughputMBps: single(k * PAPER.perEncryptorMBps) } });
    }
    const line = (source: ResultRecord['source']) =>
      records.filter((r) => r.source === source).map((r) => ({ parallels: r.parameters.parallels as number, ...withQuartiles('throughputMBps', r.metrics.throughputMBps) }));

    const comparisons: Comparison[] = [
      { figure: 'one encryptor', unit: 'MB/s', paper: PAPER.perEncryptorMBps, measured: one },
      { figure: `best measured (k = ${curve.reduce((a, b) => (b.mbps > a.mbps ? b : a), curve[0]).k})`, unit: 'MB/s', measured: Math.max(...curve.map((p) => p.mbps)), note: `this machine has ${cores} cores: no gain beyond ${cores} is possible` },
      ...LINKS.flatMap((link) => [
        {
          figure: `parallels for ${link.name} (${link.throughputMBps} MB/s), measured curve`,
          unit: 'encryptors',
          paper: link.paperParallels,
          measured: parallelsNeeded(curve, link.throughputMBps),
          note: parallelsNeeded(curve, link.throughputMBps) === undefined ? `not reached with k <= ${maxK} here` : undefined,
        },
        {
          figure: `parallels for ${link.name}, ceil(link / one encryptor)`,
          unit: 'encryptors',
          paper: Math.ceil(link.throughputMBps / PAPER.perEncryptorMBps),
          note: `model (arithmetic, not simulated): ${Math.ceil(link.throughputMBps / one)} from the rate measured here, the paper's linear rule; needs that many free cores`,
        },
      ]),
    ];
    return {
      records,
      launcher: `piscina, 1..${maxK} worker threads`,
      plots: [
        chart({
          name: 'speed-bound',
          title: 'Encryption speed bound against parallel RC4+ encryptors (Fig. 13)',
          subtitle: `measured here on ${cores} cores, 16 KiB blocks; beside it the paper's speed bound and a linear model`,
          rows: line('measured'),
          x: { field: 'parallels', title: 'parallel encryptors', scale: 'ordinal' },
          y: { field: 'throughputMBps', title: 'aggregate throughput (MB/s)' },
          spread: quartiles('throughputMBps', `${reps} runs of each k`),
          references: [
            { kind: 'paper', label: 'paper: k x 50 MB/s (its Fig. 13 speed bound)', rows: line('paper'), line: true },
            { kind: 'model', label: 'model: k x one encryptor measured here (needs k free cores)', rows: line('model'), line: true },
          ],
          rules: LINKS.map((l) => ({ y: l.throughputMBps, label: `${l.name}, ${l.throughputMBps} MB/s` })),
        }),
      ],
      tables: [comparisonTable('Speed bound and parallels needed per link (Fig. 13)', comparisons, `Medians of ${reps} runs per k. The linear model k x (k = 1 rate measured here) is arithmetic (source "model" in results.json), neither a measurement nor a simulation.`)],
      notes: [
        `Measured here on ${cores} cores shared with other jobs: throughput grows with k only up to ${cores} encryptors; beyond that the threads share the cores, so the measured curve flattens where the paper's (and the linear model's) keeps rising.`,
        `One RC4+ encryptor here: ${one.toFixed(0)} MB/s (paper: ${PAPER.perEncryptorMBps} MB/s, MB = 10^6 bytes). ${LINKS.map((l) => `The ${l.name} (${l.throughputMBps} MB/s) needs ${parallelsNeeded(curve, l.throughputMBps) ?? `more than ${maxK}`} encryptor(s) measured, ${Math.ceil(l.throughputMBps / one)} by the linear model (paper: ${l.paperParallels}).`).join(' ')}`,
      ],
    };
  },
};

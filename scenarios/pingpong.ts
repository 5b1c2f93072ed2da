// Paper 001, Fig. 4 and 5: one-way latency of a vector bounced between two parties over shm (the
// paper's MPL), TCP and TLS, with and without encryption on the link; the 10-byte figures, the
// crossover size, the secure/unsecure ratios, TLS against Nexus-style encryption, and the cost of
// the two encryption placements. Two bare references run between the same two threads in the same
// run (raw-shm: a SharedArrayBuffer + Atomics ping-pong; raw-tcp: a Node socket echo), and every
// link is reported as a ratio to its own (the link layer's targets: shm <= 1.5x, tcp <= 1.3x at 10 B).
import os from 'node:os';
import { crossover } from '../engine/link/analysis.js';
import { PLACEMENTS } from '../engine/link/link.js';
import { ALL_CONFIGS, BARE_CONFIGS, EchoPeer, measureLatencyUs, referenceOf, type LinkConfig } from '../engine/link/pingpong.js';
import { measureRequestUs, measureSealUs, splitIntoParts } from '../engine/link/placement.js';
import { formatBytes } from '../engine/report/format.js';
import type { ResultRecord } from '../engine/report/record.js';
import { single, summarize } from '../engine/report/stats.js';
import type { Cell, ReportTable } from '../engine/report/table.js';
import type { Scenario, ScenarioContext } from '../engine/runner/scenario.js';
import { SeededBytes } from '../datasets/generator.js';
import { LARGE_MESSAGE_BYTES, PLAN, pingpongInfo, pingpongPlan } from './pingpong.meta.js';
import { CROSSOVER, PAPER_10_BYTE_US, PAPER_PLACEMENT } from './pingpong/paper.js';
import { curvePoints, overBare, paperCrossover, type Curve } from './pingpong/curves.js';
import { plots } from './pingpong/plots.js';
import { simulatePingpongScenario } from './pingpong/simulate.js';
import { tables } from './pingpong/tables.js';

export { PAPER_10_BYTE_US } from './pingpong/paper.js';
/** Every configuration measured, each bare reference just before the links set against it (less drift between them). */
const MEASURED_CONFIGS = BARE_CONFIGS.flatMap((bare) => [bare, ...ALL_CONFIGS.filter((c) => referenceOf(c) === bare)]);

function payloadOf(sizeBytes: number, seed: string): Uint8Array {
  const buf = new Uint8Array(Math.ceil(sizeBytes / 4) * 4);
  new SeededBytes(`${seed}/pingpong/${sizeBytes}`).fill(buf);
  return buf.subarray(0, sizeBytes);
}

async function sweep(ctx: ScenarioContext, peer: EchoPeer, plan: ReturnType<typeof pingpongPlan>, configs: LinkConfig[]): Promise<Curve[]> {
  const curves: Curve[] = [];
  await peer.warmUp(PLAN.warmupBounces);
  for (const config of configs) {
    const curve: Curve = { config, points: [], details: {} };
    curves.push(curve);
    try {
      const link = config.bare ? await peer.openRaw(config.transport === 'shm' ? 'shm' : 'tcp', Math.max(...plan.sizes)) : await peer.open(config);
      curve.details = 'transport' in link ? link.transport.details : {};
      for (const sizeBytes of plan.sizes) {
        const { warmup, iterations } = sizeBytes > LARGE_MESSAGE_BYTES ? plan.large : plan.small;
        const samplesUs = await measureLatencyUs(link, payloadOf(sizeBytes, ctx.seed), warmup, iterations, sizeBytes > LARGE_MESSAGE_BYTES ? 0 : PLAN.warmupMs);
        curve.points.push({ sizeBytes, samplesUs });
        ctx.progress.step(`${config.name} ${formatBytes(sizeBytes)}: ${summarize(samplesUs).median.toFixed(1)} us`);
      }
      await link.close();
    } catch (err) {
      curve.error = err instanceof Error ? err.message : String(err);
      ctx.progress.info(`pingpong: ${config.name} failed: ${curve.error}`);
    }
  }
  return curves;
}

function curveRecords(curves: Curve[]): ResultRecord[] {
  const records: ResultRecord[] = [];
  for (const c of curves) {
    const base = {
      configuration: c.config.name, transport: c.config.transport, mechanism: c.config.mechanism,
      placement: c.config.bare ? 'none (bare reference)' : 'copy-then-encrypt', reference: c.config.bare ? 'self' : referenceOf(c.config).name, ...c.details,
    };
    for (const p of c.points) {
      const latencyRatio = overBare(curves, c.config, p.sizeBytes);
      records.push({
        scenario: 'pingpong', experiment: 'fig4-5', source: 'measured', threads: 2, status: 'completed',
        parameters: { ...base, sizeBytes: p.sizeBytes },
        metrics: {
          oneWayLatencyUs: summarize(p.samplesUs),
          bandwidthMBps: summarize(p.samplesUs.map((us) => p.sizeBytes / us)),
          // median over median of the bare reference at this size, measured in the same run
          ...(latencyRatio === undefined ? {} : { latencyRatioX: single(latencyRatio) }),
        },
      });
    }
    if (c.error) records.push({ scenario: 'pingpong', experiment: 'fig4-5', source: 'measured', threads: 2, status: 'errored', error: c.error, parameters: base, metrics: {} });
  }
  for (const p of PAPER_10_BYTE_US) {
    records.push({
      scenario: 'pingpong', experiment: 'fig4-5', source: 'paper', threads: 2, status: 'completed',
      parameters: { configuration: p.configuration, paperName: p.paperName, sizeBytes: 10 },
      metrics: { oneWayLatencyUs: single(p.latencyUs) },
    });
  }
  const cross = crossover(curvePoints(curves, CROSSOVER.slower), curvePoints(curves, CROSSOVER.reference));
  records.push(paperCrossover());
  if (cross) {
    records.push({
      scenario: 'pingpong', experiment: 'crossover', source: 'measured', threads: 2, status: 'completed',
      parameters: { ...CROSSOVER, firstSlowerAtBytes: cross.firstAboveBytes }, metrics: { crossoverBytes: single(cross.sizeBytes) },
    });
  }
  return records;
}

/**
 * Encrypt-per-put against copy-then-encrypt, timed two ways: the whole request over a shm link to
 * the echo peer, round trip (what the paper timed), and build + seal alone on the sender.
 */
async function placementExperiment(ctx: ScenarioContext, peer: EchoPeer): Promise<{ records: ResultRecord[]; table: ReportTable }> {
  const plan = PLAN.placement;
  const records: ResultRecord[] = [];
  const rows: Cell[][] = [];
  const gain = (m: Record<string, number>) => 100 * (1 - m['encrypt-per-put'] / m['copy-then-encrypt']);
  for (const mechanism of plan.mechanisms) {
    const link = await peer.open({ name: `shm+${mechanism}`, transport: 'shm', mechanism });
    try {
      for (const sizeBytes of plan.sizes) {
        const parts = splitIntoParts(payloadOf(sizeBytes, ctx.seed), plan.parts);
        const requests = await measureRequestUs(link, parts, plan.request.warmup, plan.request.repetitions);
        const request: Record<string, number> = {};
        const seal: Record<string, number> = {};
        for (const placement of PLACEMENTS) {
          const requestStats = summarize(requests[placement]);
          const sealStats = summarize(measureSealUs(mechanism, placement, parts, plan.warmup, plan.repetitions));
          request[placement] = requestStats.median;
          seal[placement] = sealStats.median;
          records.push({
            scenario: 'pingpong', experiment: 'placement', source: 'measured', threads: 2, status: 'completed',
            parameters: { mechanism, placement, sizeBytes, parts: plan.parts, transport: 'shm' },
            metrics: { requestRoundTripUs: requestStats, sealUs: sealStats },
          });
        }
        const figure = `${mechanism}, ${formatBytes(sizeBytes)} in ${plan.parts} puts`;
        const paper = mechanism === 'des-ecb' ? PAPER_PLACEMENT : undefined;
        rows.push([figure, 'whole request, round trip over shm', paper, gain(request), request['copy-then-encrypt'], request['encrypt-per-put']]);
        rows.push([figure, 'build + seal only (sender)', paper, gain(seal), seal['copy-then-encrypt'], seal['encrypt-per-put']]);
      }
    } finally {
      await link.close();
    }
  }
  return {
    records,
    table: {
      title: 'Encryption placement: copy-then-encrypt vs encrypt-per-put',
      columns: ['figure', 'timed', 'paper: encrypt-per-put faster by', 'here: encrypt-per-put faster by (%)', 'copy-then-encrypt (us)', 'encrypt-per-put (us)'],
      rows,
      note: 'Medians. The whole request: build, seal, send over a shm link, the echo peer receives, opens, and sends it back whole (one put, so the placements differ on the way out only), received and opened here; the placements alternate request by request. Build + seal: the sending side alone, where the placements differ. Positive means encrypt-per-put is faster. The paper gives a range for the whole request with DES/ECB on the SP2, not one figure.',
    },
  };
}

export const pingpong: Scenario = {
  ...pingpongInfo,
  simulate: simulatePingpongScenario,
  async run(ctx) {
    const plan = pingpongPlan(ctx.quick, ctx.flags);
    if (plan.launcher === 'mpirun') return (await import('./pingpong-mpirun.js')).runPingpongMpirun(ctx, plan, plan.hostfile);
    ctx.progress.begin('pingpong', MEASURED_CONFIGS.length * plan.sizes.length);
    const peer = EchoPeer.thread();
    let curves: Curve[];
    let placement: Awaited<ReturnType<typeof placementExperiment>>;
    try {
      curves = await sweep(ctx, peer, plan, MEASURED_CONFIGS);
      placement = await placementExperiment(ctx, peer);
    } finally {
      await peer.stop();
    }
    const { tables: tbls, notes } = tables(curves, plan.sizes, placement.table);
    return {
      records: [...curveRecords(curves), ...placement.records],
      plots: plots(curves, os.availableParallelism()),
      tables: tbls,
      notes,
      launcher: 'node:worker_threads (one long-lived echo worker made by secure process creation)',
    };
  },
};

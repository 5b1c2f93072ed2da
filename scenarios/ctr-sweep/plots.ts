// ctr-sweep's plots: Fig. 1 and 2, the speedups and throughput, the tag's cost, and the simulated figures beside the measured.
import os from 'node:os';
import type { Stitch } from '../../engine/ctr/cryptosystem.js';
import type { Integrity } from '../../engine/ctr/layout.js';
import { formatBytes } from '../../engine/report/format.js';
import { chart, quartiles, simulatedChart, withQuartiles, type Plot, type Reference, type Row, type Rule, type Spread } from '../../engine/report/plot.js';
import type { ResultRecord } from '../../engine/report/record.js';
import type { Topology } from '../../engine/topology/topology.js';
import { SWEEP } from '../ctr-sweep.meta.js';
import { MiB, PAPER } from './paper.js';
import { labelOf, point, sameVariant, variantOf, type Variant } from './variants.js';
import { PIPELINES, READINGS } from '../models/ctr-readings.js';

/** Fig. 1 or 2's rows of the records `keep` selects: time in seconds, with its quartiles when measured. */
export const timeRows = (records: ResultRecord[], keep: (r: ResultRecord) => boolean): Row[] =>
  records.filter((r) => keep(r) && r.metrics.wallMs).map((r) => ({ ...point(r), ...withQuartiles('timeS', r.metrics.wallMs, 1 / 1000) }));

/**
 * Speedup over 1 process of the records `keep` selects, each against the 1-process run of its own
 * variant and size. A measured point's spread is the spread of its times against the 1-process median.
 */
export function speedupRows(records: ResultRecord[], keep: (r: ResultRecord) => boolean): Row[] {
  const chosen = records.filter((r) => keep(r) && r.metrics.wallMs);
  const baselineMs = (r: ResultRecord) =>
    chosen.find((b) => b.parameters.procs === 1 && sameVariant(variantOf(b), variantOf(r)) && b.parameters.sizeBytes === r.parameters.sizeBytes)?.metrics.wallMs.median;
  return chosen.flatMap((r) => {
    const base = baselineMs(r);
    const w = r.metrics.wallMs;
    if (base === undefined) return [];
    return [{ ...point(r), speedupX: base / w.median, speedupXLow: w.q3 === undefined ? undefined : base / w.q3, speedupXHigh: w.q1 === undefined ? undefined : base / w.q1 }];
  });
}

/** The paper gives no curve, only its headline: 1 GB in 8 Gbit / 4.233 Gbit/s with 12 processes, 6.7x that with one. */
const PAPER_S12 = (PAPER.sizeBytes * 8) / (PAPER.throughputGbps * 1e9);
const PAPER_TIMES: Reference = {
  kind: 'paper',
  label: 'paper, from its headline (4.233 Gbit/s and 6.7x at 1 GB, no tag)',
  rows: [
    { sizeBytes: PAPER.sizeBytes, timeS: PAPER_S12, procs: PAPER.procs, text: `12 processes: ${PAPER_S12.toFixed(2)} s` },
    { sizeBytes: PAPER.sizeBytes, timeS: PAPER_S12 * PAPER.speedupEncryptX, procs: 1, text: `1 process: ${(PAPER_S12 * PAPER.speedupEncryptX).toFixed(1)} s` },
  ],
  textField: 'text',
};
/**
 * Fig. 2 has no number either; its headline is 6.378x. Read over Fig. 1's one-process time (CTR
 * decrypts with the same pass it encrypts with, so one process takes as long either way): a reading,
 * which the label says.
 */
const PAPER_ONE_S = PAPER_S12 * PAPER.speedupEncryptX;
const PAPER_DECRYPT_TIMES: Reference = {
  kind: 'paper',
  label: `paper, derived: ${PAPER.speedupDecryptX}x over Fig. 1's one-process time (read as decryption on one process taking as long as encryption)`,
  rows: [
    { sizeBytes: PAPER.sizeBytes, timeS: PAPER_ONE_S / PAPER.speedupDecryptX, procs: PAPER.procs, text: `12 processes: ${(PAPER_ONE_S / PAPER.speedupDecryptX).toFixed(2)} s` },
    { sizeBytes: PAPER.sizeBytes, timeS: PAPER_ONE_S, procs: 1, text: `1 process: ${PAPER_ONE_S.toFixed(1)} s` },
  ],
  textField: 'text',
};
const PAPER_AT_12 = 'paper: 1 GB, 12 processes on 3 x 4 cores';
const SIZE_AXIS = { field: 'sizeBytes', title: 'file size (log)', scale: 'log', format: 'bytes' } as const;
const PROCS_AXIS = { field: 'procs', title: 'processes', scale: 'ordinal' } as const;
const timeAxis = (op: string) => ({ field: 'timeS', title: `${op}ion time (s, median, log)`, scale: 'log' }) as const;
const integrityWords = (i: Integrity) => (i === 'none' ? "no tag, the paper's plain AES-128-CTR" : 'an AES-GCM tag a part, ours');

/**
 * The variant a chart of one integrity shows: the paper's (no tag) when it was measured, since the
 * paper's figures are of it; the tag's cost has its own chart.
 */
export const shownIntegrity = (integrities: Integrity[]): Integrity => (integrities.includes('none') ? 'none' : integrities[0]);

/** What every chart of a measured sweep shares: its completed rows, the variant shown, the subtitle, the spread and the cores rule. */
interface SweepCharts {
  measured: ResultRecord[];
  where: string;
  subtitle: string[];
  integrity: Integrity;
  ofShown: (r: ResultRecord) => boolean;
  spreadOf: (field: string) => Spread;
  coresRule: Rule[];
}

/** Fig. 1 (encryption) and one Fig. 2 a stitch (decryption): time against size, a line a process count. */
function timePlots(s: SweepCharts, stitches: Stitch[]): Plot[] {
  const timePlot = (name: string, title: string, op: string, keep: (r: ResultRecord) => boolean, paper: Reference[]) =>
    chart({
      name,
      title,
      subtitle: s.subtitle,
      rows: timeRows(s.measured, (r) => s.ofShown(r) && keep(r)),
      x: SIZE_AXIS,
      y: timeAxis(op),
      series: { field: 'procs', title: 'processes' },
      spread: s.spreadOf('timeS'),
      references: paper,
    });
  return [
    timePlot('fig1-encryption-time', `Fig. 1: encryption time vs file size (${s.integrity === 'none' ? 'no tag' : 'AES-GCM tag'})`, 'encrypt', (r) => r.parameters.operation === 'encrypt', [PAPER_TIMES]),
    ...stitches.map((stitch) =>
      timePlot(
        `fig2-decryption-time-${stitch}`,
        `Fig. 2: decryption time vs file size (${stitch === 'gather' ? 'gather: the master stitches, as the paper' : 'offset: each rank writes at its offset'})`,
        'decrypt',
        (r) => r.parameters.operation === 'decrypt' && r.parameters.stitch === stitch,
        // the paper's figures belong to its own stitch
        stitch === 'gather' ? [PAPER_DECRYPT_TIMES] : [],
      ),
    ),
  ];
}

/** Decryption against encryption speedup at the largest size, a line a variant. */
function decryptVsEncryptPlot(s: SweepCharts, plan: { integrities: Integrity[]; stitches: Stitch[] }): Plot {
  const sizes = [...new Set(s.measured.map((r) => r.parameters.sizeBytes as number))].sort((a, b) => a - b);
  const largest = sizes[sizes.length - 1];
  const variants: Variant[] = plan.integrities.flatMap((i) => [{ op: 'encrypt' as const, integrity: i }, ...plan.stitches.map((stitch) => ({ op: 'decrypt' as const, integrity: i, stitch }))]);
  return chart({
    name: 'speedup-decrypt-vs-encrypt',
    title: `Speedup over 1 process at ${formatBytes(largest)}: decryption vs encryption`,
    subtitle: [s.where, "the paper's decryption (gather, no tag) trails its encryption: the master's serial stitch"],
    rows: speedupRows(s.measured, (r) => r.parameters.sizeBytes === largest),
    x: PROCS_AXIS,
    y: { field: 'speedupX', title: 'speedup over 1 process (x, medians)' },
    series: { field: 'variant', title: 'operation', order: variants.map(labelOf) },
    spread: s.spreadOf('speedupX'),
    references: [
      {
        kind: 'paper',
        label: `${PAPER_AT_12}, no tag, gather`,
        rows: [
          { procs: PAPER.procs, speedupX: PAPER.speedupEncryptX, variant: labelOf({ op: 'encrypt', integrity: 'none' }), text: `encryption ${PAPER.speedupEncryptX}x` },
          { procs: PAPER.procs, speedupX: PAPER.speedupDecryptX, variant: labelOf({ op: 'decrypt', integrity: 'none', stitch: 'gather' }), text: `decryption ${PAPER.speedupDecryptX}x` },
        ],
        textField: 'text',
      },
    ],
    rules: s.coresRule,
  });
}

/** Encryption speedup and throughput against processes, a line a size, at 1 MiB and above, where the work outweighs starting the ranks. */
function perProcessPlots(s: SweepCharts): Plot[] {
  const isBigEncrypt = (r: ResultRecord) => r.parameters.operation === 'encrypt' && s.ofShown(r) && (r.parameters.sizeBytes as number) >= MiB;
  const big = s.measured.filter(isBigEncrypt);
  // nothing measured at 1 MiB or more (a sweep of small files): no chart to draw, none to promise
  if (!big.length) return [];
  const sizeOrder = [...new Set(big.map((r) => r.parameters.sizeBytes as number))].sort((a, b) => a - b).map(formatBytes);
  const perProcess = (p: { name: string; title: string; field: string; axisTitle: string; rows: Row[]; paperValue: number; paperText: string; rules?: Rule[] }) =>
    chart({
      name: p.name,
      title: p.title,
      subtitle: s.subtitle,
      rows: p.rows,
      x: PROCS_AXIS,
      y: { field: p.field, title: p.axisTitle },
      series: { field: 'size', title: 'file size', order: sizeOrder },
      spread: s.spreadOf(p.field),
      references: [{ kind: 'paper', label: `${PAPER_AT_12}, no tag`, rows: [{ procs: PAPER.procs, size: formatBytes(PAPER.sizeBytes), [p.field]: p.paperValue, text: p.paperText }], textField: 'text' }],
      rules: p.rules,
    });
  return [
    perProcess({
      name: 'speedup-vs-processes',
      title: 'Encryption speedup over 1 process',
      field: 'speedupX',
      axisTitle: 'speedup over 1 process (x)',
      rows: speedupRows(s.measured, isBigEncrypt),
      paperValue: PAPER.speedupEncryptX,
      paperText: `encryption ${PAPER.speedupEncryptX}x`,
      rules: s.coresRule,
    }),
    perProcess({
      name: 'throughput-vs-processes',
      title: 'Encryption throughput vs processes',
      field: 'throughputGbps',
      axisTitle: 'throughput (Gbit/s, median)',
      rows: big.map((r) => ({ ...point(r), ...withQuartiles('throughputGbps', r.metrics.throughputGbps) })),
      paperValue: PAPER.throughputGbps,
      paperText: `${PAPER.throughputGbps} Gbit/s`,
    }),
  ];
}

/** When both were measured, what the tag costs: each tagged point over the median of the same operation without a tag, at the most processes. */
function tagCostPlots({ measured, where }: SweepCharts, plan: { integrities: Integrity[]; stitches: Stitch[] }): Plot[] {
  if (!(plan.integrities.includes('none') && plan.integrities.includes('aes-128-gcm'))) return [];
  const maxProcs = Math.max(0, ...measured.map((r) => r.parameters.procs as number));
  const untagged = (r: ResultRecord) =>
    measured.find((u) => u.parameters.integrity === 'none' && u.parameters.operation === r.parameters.operation && u.parameters.stitch === r.parameters.stitch && u.parameters.sizeBytes === r.parameters.sizeBytes && u.parameters.procs === r.parameters.procs)?.metrics.wallMs.median;
  const rows = measured
    .filter((r) => r.parameters.integrity === 'aes-128-gcm' && r.parameters.procs === maxProcs && untagged(r) !== undefined)
    .map((r) => ({ ...point(r), operation: r.parameters.stitch ? `decrypt, ${r.parameters.stitch}` : 'encrypt', ...withQuartiles('tagCostX', r.metrics.wallMs, 1 / untagged(r)!) }));
  return [
    chart({
      name: 'tag-cost-over-no-tag',
      title: `What the AES-GCM tag costs: time with a tag over time without, ${maxProcs} processes`,
      subtitle: [where, 'medians of the same operation, size and process count, measured in the same run; 1 = free'],
      rows,
      x: SIZE_AXIS,
      y: { field: 'tagCostX', title: 'with a tag / without (x)', zero: false },
      series: { field: 'operation', title: 'operation', order: ['encrypt', ...plan.stitches.map((st) => `decrypt, ${st}`)] },
      spread: quartiles('tagCostX', "the tagged runs' times, over the untagged median"),
      rules: [{ y: 1, label: 'no cost' }],
    }),
  ];
}

/**
 * Fig. 1 and one Fig. 2 a stitch (time against size, a line a process count); decryption against
 * encryption speedup, a line a variant; encryption speedup and throughput against processes; and,
 * when both were measured, what the tag costs.
 */
export function sweepPlots(records: ResultRecord[], plan: { integrities: Integrity[]; stitches: Stitch[] }, where: string, cores: number): Plot[] {
  const measured = records.filter((r) => r.source === 'measured' && r.status === 'completed');
  const reps = Math.max(0, ...measured.map((r) => r.metrics.wallMs.samples));
  const integrity = shownIntegrity(plan.integrities);
  const s: SweepCharts = {
    measured,
    where,
    subtitle: [where, `${integrityWords(integrity)}${plan.integrities.length > 1 ? "; what the tag costs has a plot of its own" : ''}`],
    integrity,
    ofShown: (r) => r.parameters.integrity === integrity,
    spreadOf: (field) => quartiles(field, `${reps} timed repetitions`),
    coresRule: [{ y: cores, label: `${cores} cores: the most speedup here` }],
  };
  return [...timePlots(s, plan.stitches), decryptVsEncryptPlot(s, plan), ...perProcessPlots(s), ...tagCostPlots(s, plan)];
}

/** The measured variant closest to the model's (no tag; decryption gathered at the master), among those measured. */
export function closestToModel(measured: ResultRecord[]): (r: ResultRecord) => boolean {
  const has = (field: string, value: string) => measured.some((r) => r.parameters[field] === value);
  const integrity = has('integrity', 'none') ? 'none' : 'aes-128-gcm';
  const stitch = has('stitch', 'gather') ? 'gather' : 'offset';
  return (r) => r.parameters.integrity === integrity && (r.parameters.operation === 'encrypt' || r.parameters.stitch === stitch);
}

/**
 * Fig. 1, Fig. 2 and the speedup at 1 GB as the model gives them; in mode both, beside what this run
 * measured (the variant closest to the model's, the same sizes and process counts, with their spread).
 */
export function simulatedPlots(t: Topology, records: ResultRecord[], measured: ResultRecord[], isPaper: boolean): Plot[] {
  const simulated = records.filter((r) => r.source === 'simulated');
  const completed = measured.filter((r) => r.source === 'measured' && r.status === 'completed');
  const done = completed.filter(closestToModel(completed));
  const reps = Math.max(0, ...done.map((r) => r.metrics.wallMs.samples));
  // the sweep's own model; on the paper's cluster that is reading A of its setup (scenarios/models/ctr-readings.ts)
  const simulatedLabel = `simulated (SimGrid, ${t.name}: ${t.nodes.length} node(s) x ${t.processesPerNode} processes${isPaper ? `; reading A: ${READINGS[0].what}, ${PIPELINES[0].name}` : ''})`;
  // a chart's subtitle speaks of what this run measured only when the chart draws some of it, and names the variant it draws
  const whereOf = (rows: ResultRecord[]) =>
    rows.length
      ? `the model of ${t.name} beside this machine (${os.availableParallelism()} cores), measured in the same run: ${[...new Set(rows.map((r) => labelOf(variantOf(r))))].join('; ')}`
      : `SimGrid model of ${t.name}${done.length ? '; nothing measured here at these sizes' : ''}`;
  const procsOrder = [...new Set([...simulated, ...done].map((r) => r.parameters.procs as number))].sort((a, b) => a - b);
  const ofOp = (op: string) => (r: ResultRecord) => r.parameters.operation === op;
  const timePlot = (op: string, name: string, title: string, references: Reference[]) =>
    simulatedChart({
      name,
      title,
      subtitle: whereOf(done.filter(ofOp(op))),
      simulated: timeRows(simulated, ofOp(op)),
      simulatedLabel,
      measured: timeRows(done, ofOp(op)),
      x: SIZE_AXIS,
      y: timeAxis(op),
      series: { field: 'procs', title: 'processes', order: procsOrder },
      spread: quartiles('timeS', `${reps} timed repetitions`),
      references,
    });
  const atPaperSize = (r: ResultRecord) => r.parameters.sizeBytes === PAPER.sizeBytes;
  const measuredSpeedups = speedupRows(done, atPaperSize);
  return [
    timePlot('encrypt', 'sim-fig1-encryption-time', `Fig. 1, simulated on ${t.name}: encryption time vs file size`, isPaper ? [PAPER_TIMES] : []),
    timePlot('decrypt', 'sim-fig2-decryption-time', `Fig. 2, simulated on ${t.name}: decryption time vs file size (gather)`, isPaper ? [PAPER_DECRYPT_TIMES] : []),
    simulatedChart({
      name: 'sim-speedup-vs-processes',
      title: `Speedup at 1 GB over 1 process, simulated on ${t.name}`,
      subtitle: [whereOf(measuredSpeedups.length ? done.filter(atPaperSize) : []), isPaper ? '' : 'no paper figures for this profile'],
      simulated: speedupRows(simulated, atPaperSize),
      simulatedLabel,
      measured: measuredSpeedups,
      x: PROCS_AXIS,
      y: { field: 'speedupX', title: 'speedup over 1 process (x)' },
      series: { field: 'operation', title: 'operation', order: SWEEP.operations.slice() },
      spread: quartiles('speedupX', `${reps} timed repetitions`),
      references: isPaper
        ? [
            {
              kind: 'paper',
              label: `${PAPER_AT_12}, no tag, gather`,
              rows: [
                { procs: PAPER.procs, speedupX: PAPER.speedupEncryptX, operation: 'encrypt', text: `encryption ${PAPER.speedupEncryptX}x` },
                { procs: PAPER.procs, speedupX: PAPER.speedupDecryptX, operation: 'decrypt', text: `decryption ${PAPER.speedupDecryptX}x` },
              ],
              textField: 'text',
            },
          ]
        : [],
    }),
  ];
}

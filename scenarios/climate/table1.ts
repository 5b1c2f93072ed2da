// The measured Table 1: its cells, their ratios, its tables and its bar charts (the simulated ones reuse the bars).
import { SECURITY_MODES, type ClimateResult, type ClimateRun, type SecurityMode } from '../../engine/link/climate/cluster.js';
import type { Mechanism } from '../../engine/link/mechanism.js';
import { chart, quartiles, withQuartiles, type Plot, type Reference, type Row } from '../../engine/report/plot.js';
import type { Stats } from '../../engine/report/record.js';
import { summarize } from '../../engine/report/stats.js';
import type { ReportTable } from '../../engine/report/table.js';
import { MODEL } from '../climate.meta.js';
import { MODE_LABEL, PAPER_TABLE_1 } from './paper.js';

export interface Cell {
  run: ClimateRun;
  secondsPerDay: number[];
  /** CPU seconds of every rank together, a simulated day */
  cpuSecondsPerDay: number[];
  results: ClimateResult[];
}

export type Measure = 'secondsPerDay' | 'cpuSecondsPerDay';

export function median(cells: Cell[], intra: string, mode: SecurityMode, mechanism: Mechanism, measure: Measure = 'secondsPerDay'): number | undefined {
  const c = cells.find((x) => x.run.intra === intra && x.run.mode === mode && (mode === 'none' || x.run.mechanism === mechanism));
  return c && c[measure].length > 0 ? summarize(c[measure]).median : undefined;
}

export const signed = (x: number | undefined) => (x === undefined ? 'n/a' : `${x >= 0 ? '+' : ''}${x.toFixed(1)} %`);

/** A Table 1 ratio here and in the paper: a cell over another, and whether it was calibrated or predicted. */
export interface Table1Ratio {
  figure: string;
  fit: 'calibrated' | 'predicted';
  paper?: number;
  cpu?: number;
  wall?: number;
  /** the same ratio with aes-128-gcm on the links */
  cpuAes?: number;
}

/** Table 1's ratios: each secured mode over no security, and TCP over shm (MPL) inside the partitions. */
export function table1Ratios(cells: Cell[]): Table1Ratio[] {
  const ratio = (a: [string, SecurityMode], b: [string, SecurityMode], m: Mechanism, measure: Measure) => {
    const x = median(cells, a[0], a[1], m, measure);
    const y = median(cells, b[0], b[1], m, measure);
    return x && y ? x / y : undefined;
  };
  const name = (intra: string) => (intra === 'tcp' ? 'TCP' : 'MPL/shm');
  const rows: Table1Ratio[] = [];
  for (const intra of ['tcp', 'shm'] as const) {
    for (const mode of ['coupler', 'all'] as const) {
      const of = (m: Mechanism, measure: Measure) => ratio([intra, mode], [intra, 'none'], m, measure);
      rows.push({ figure: `${name(intra)} inside: ${mode}/none`, fit: fitOf(mode), paper: PAPER_TABLE_1[mode][intra] / PAPER_TABLE_1.none[intra], cpu: of('des-ecb', 'cpuSecondsPerDay'), wall: of('des-ecb', 'secondsPerDay'), cpuAes: of('aes-128-gcm', 'cpuSecondsPerDay') });
    }
  }
  for (const mode of SECURITY_MODES) {
    const of = (m: Mechanism, measure: Measure) => ratio(['tcp', mode], ['shm', mode], m, measure);
    // the gap between the transports was not fitted: compute was, on the mean of both
    rows.push({ figure: `${MODE_LABEL[mode]}: TCP/MPL inside`, fit: 'predicted', paper: PAPER_TABLE_1[mode].tcp / PAPER_TABLE_1[mode].shm, cpu: of('des-ecb', 'cpuSecondsPerDay'), wall: of('des-ecb', 'secondsPerDay'), cpuAes: mode === 'none' ? undefined : of('aes-128-gcm', 'cpuSecondsPerDay') });
  }
  return rows;
}

export function tables(cells: Cell[], ratios: Table1Ratio[]): ReportTable[] {
  // under mpirun no cell ran over shm (the ranks are processes): its columns say so once, in the note
  const shm = cells.some((c) => c.run.intra === 'shm');
  const layout = (measure: Measure, title: string): ReportTable => ({
    title,
    columns: ['mode', 'fit', 'TCP paper', 'TCP here, des-ecb', 'TCP here, aes-128-gcm', 'MPL paper', ...(shm ? ['shm here, des-ecb', 'shm here, aes-128-gcm'] : [])],
    rows: SECURITY_MODES.map((mode) => [
      MODE_LABEL[mode], fitOf(mode),
      PAPER_TABLE_1[mode].tcp, median(cells, 'tcp', mode, 'des-ecb', measure), median(cells, 'tcp', mode, 'aes-128-gcm', measure),
      PAPER_TABLE_1[mode].shm, ...(shm ? [median(cells, 'shm', mode, 'des-ecb', measure), median(cells, 'shm', mode, 'aes-128-gcm', measure)] : []),
    ]),
    note:
      'Medians of the repetitions. "No secure" is one run per transport (no mechanism), shown in both mechanism columns. Fit: the workload\'s compute was sized on the "No secure" and "All secure" rows (DES) in this run; "Coupler secure" is predicted.' +
      (shm ? '' : ' MPL (shm) was not run here: the ranks were processes under mpirun, which share no memory; the threads form runs it.'),
  });
  const pct = (here: number | undefined, paper: number | undefined) => (here === undefined || paper === undefined ? undefined : signed((100 * (here - paper)) / paper));
  const ratioTable: ReportTable = {
    title: 'Table 1 as ratios: paper vs here (des-ecb), calibrated and predicted',
    columns: ['figure', 'fit', 'paper', 'here, CPU time', 'CPU vs paper', 'here, wall time', 'wall vs paper', 'here, aes-128-gcm (CPU)'],
    rows: ratios.map((r) => [r.figure, r.fit, r.paper, r.cpu, pct(r.cpu, r.paper), r.wall, pct(r.wall, r.paper), r.cpuAes]),
    note: 'CPU time: every rank\'s CPU seconds together, which other jobs on this shared machine do not stretch; the calibration fits it. Wall time carries their load too (its spread is in the notes). Paper: 897/854 = 1.05 and 1459/854 = 1.71 (TCP); 590/574 = 1.03 and 1187/574 = 2.07 (MPL).',
  };
  return [layout('cpuSecondsPerDay', 'Table 1: CPU seconds per simulated day, all ranks (paper: seconds on the SP2)'), layout('secondsPerDay', 'Table 1: seconds per simulated day (paper on the SP2; here on this machine)'), ratioTable];
}

/** A cell's seconds per simulated day, or undefined when it was not run. */
export type StatsAt = (intra: string, mode: SecurityMode, mechanism: Mechanism) => Stats | undefined;

export const BAR_CONFIGURATIONS = MODEL.intra.flatMap((intra) => MODEL.mechanisms.map((mechanism) => ({ intra, mechanism, label: `${intra}, ${mechanism}` })));

/**
 * Table 1 as bar rows, a group a security mode and a bar a (transport inside the partitions,
 * cipher): the cost relative to no security on the same transport, and the seconds a day.
 */
export function table1Rows(stats: StatsAt, mechanisms: readonly Mechanism[] = MODEL.mechanisms): { relative: Row[]; absolute: Row[] } {
  const relative: Row[] = [];
  const absolute: Row[] = [];
  for (const mode of SECURITY_MODES) {
    for (const c of BAR_CONFIGURATIONS.filter((x) => mechanisms.includes(x.mechanism))) {
      const s = stats(c.intra, mode, c.mechanism);
      const none = stats(c.intra, 'none', c.mechanism)?.median;
      if (!s || !none) continue;
      // "No secure" is one run per transport (no cipher), drawn in both of its cipher's bars
      relative.push({ mode: MODE_LABEL[mode], configuration: c.label, ...withQuartiles('relativeX', s, 1 / none) });
      absolute.push({ mode: MODE_LABEL[mode], configuration: c.label, ...withQuartiles('secondsPerDay', s) });
    }
  }
  return { relative, absolute };
}

/** Table 1 itself on the DES bars: as ratios to no security, or in seconds a day. */
export const paperTable1 = (field: 'relativeX' | 'secondsPerDay'): Reference => ({
  kind: 'paper',
  label: 'paper (IBM SP2, DES): TCP and MPL (its shm) inside the partitions',
  rows: SECURITY_MODES.flatMap((mode) =>
    MODEL.intra.map((intra) => ({ mode: MODE_LABEL[mode], configuration: `${intra}, des-ecb`, [field]: field === 'relativeX' ? PAPER_TABLE_1[mode][intra] / PAPER_TABLE_1.none[intra] : PAPER_TABLE_1[mode][intra] })),
  ),
});

export const BARS = {
  kind: 'bar' as const,
  x: { field: 'mode', title: 'security mode' },
  series: { field: 'configuration', title: 'inside the partitions, cipher', order: BAR_CONFIGURATIONS.map((c) => c.label) },
};
export const RELATIVE = {
  name: 'table1-relative-cost',
  y: { field: 'relativeX', title: 'time per simulated day / no security (x)' },
  spread: { ...quartiles('relativeX', 'the repetitions'), label: "interquartile range of the repetitions, over the transport's no-security median" },
  rules: [{ y: 1, label: 'no security' }],
};

/**
 * Table 1 as grouped bars: the cost relative to no security, with the paper's ratios as diamonds on
 * the DES bars; then the seconds per simulated day themselves.
 */
export function table1Plots(cells: Cell[], subtitle: string): Plot[] {
  const { relative, absolute } = table1Rows((intra, mode, mechanism) => {
    const c = cells.find((x) => x.run.intra === intra && x.run.mode === mode && (mode === 'none' || x.run.mechanism === mechanism));
    return c && c.secondsPerDay.length ? summarize(c.secondsPerDay) : undefined;
  });
  return [
    chart({ ...BARS, ...RELATIVE, subtitle, title: 'Table 1: time per simulated day relative to no security', rows: relative, references: [paperTable1('relativeX')] }),
    chart({
      ...BARS,
      subtitle,
      name: 'table1-seconds-per-day',
      title: 'Table 1: seconds per simulated day (here; the paper took 574 to 1459 on the SP2)',
      rows: absolute,
      y: { field: 'secondsPerDay', title: 'seconds per simulated day' },
      spread: quartiles('secondsPerDay', 'the repetitions'),
    }),
  ];
}

/** Whether a cell's row was fitted (No secure, All secure) or is predicted (Coupler secure). */
export const fitOf = (mode: SecurityMode): 'calibrated' | 'predicted' => (mode === 'coupler' ? 'predicted' : 'calibrated');

// Tables of the report. The comparison table is the harness's central exhibit: the paper's figure,
// the simulated one and the one measured here, side by side, each labelled by its source.

import type { Fit } from './record.js';

export type Cell = string | number | undefined;

export interface ReportTable {
  title: string;
  /** file-name stem of its CSV and LaTeX exports (tables/<name>.csv); from the title when absent */
  name?: string;
  columns: string[];
  rows: Cell[][];
  /** a sentence under the table (e.g. the cores this machine has) */
  note?: string;
  /** HTML only: per row, where its first cell links (`#anchor`, a relative path) */
  rowLinks?: (string | undefined)[];
}

export interface Comparison {
  figure: string;
  unit: string;
  paper?: number;
  simulated?: number;
  /** the simulated figure was calibrated on the paper, or predicted */
  fit?: Fit;
  measured?: number;
  note?: string;
}

/** (value - reference) / reference in percent, when both exist and the reference is not 0. */
export function relativeErrorPct(value: number | undefined, reference: number | undefined): number | undefined {
  if (value === undefined || reference === undefined || !Number.isFinite(value) || !Number.isFinite(reference) || reference === 0) return undefined;
  return (100 * (value - reference)) / reference;
}

/** `+12.3 %`; a difference that rounds to zero shows as `0.0 %`, never `-0.0 %`. */
export const signedPct = (v: number | undefined) => (v === undefined ? undefined : Math.abs(v) < 0.05 ? '0.0 %' : `${v > 0 ? '+' : ''}${v.toFixed(1)} %`);

/**
 * Paper | simulated | measured, side by side. Once any row is simulated with a fit, the table also
 * shows each simulated figure's fit, its error against the paper, and its difference from the
 * figure measured here (the model's check against this machine).
 */
export function comparisonTable(title: string, rows: Comparison[], note?: string): ReportTable {
  if (!rows.some((r) => r.fit)) {
    return {
      title,
      columns: ['figure', 'unit', 'paper', 'simulated', 'measured here', 'note'],
      rows: rows.map((r) => [r.figure, r.unit, r.paper, r.simulated, r.measured, r.note]),
      note,
    };
  }
  return {
    title,
    columns: ['figure', 'unit', 'paper', 'simulated', 'fit', 'simulated vs paper', 'measured here', 'simulated vs measured', 'note'],
    rows: rows.map((r) => [
      r.figure, r.unit, r.paper, r.simulated, r.simulated === undefined ? undefined : r.fit,
      signedPct(relativeErrorPct(r.simulated, r.paper)), r.measured, signedPct(relativeErrorPct(r.simulated, r.measured)), r.note,
    ]),
    note,
  };
}

/** Display form of a number: up to 4 significant digits, no exponent for everyday magnitudes. */
export function formatCell(cell: Cell): string {
  if (cell === undefined) return '';
  if (typeof cell === 'string') return cell;
  if (!Number.isFinite(cell)) return String(cell);
  if (cell === 0) return '0';
  const abs = Math.abs(cell);
  // a number's integer digits are never rounded away (19656 B stays 19656): 4 significant digits below 1000
  if (abs >= 1e15 || abs < 1e-3) return cell.toExponential(3);
  if (abs >= 1000) return Math.round(cell).toString();
  return Number(cell.toPrecision(4)).toString();
}

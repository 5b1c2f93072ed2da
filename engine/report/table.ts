// Tables of the report. The comparison table is the harness's central exhibit: the paper's figure,
// the simulated one and the one measured here, side by side, each labelled by its source.

export type Cell = string | number | undefined;

export interface ReportTable {
  title: string;
  /** file-name stem of its CSV and LaTeX exports (tables/<name>.csv); from the title when absent */
  name?: string;
  columns: string[];
  rows: Cell[][];
  /** a sentence under the table (e.g. the cores this machine has) */
  note?: string;
}

export interface Comparison {
  figure: string;
  unit: string;
  paper?: number;
  simulated?: number;
  measured?: number;
  note?: string;
}

export function comparisonTable(title: string, rows: Comparison[], note?: string): ReportTable {
  return {
    title,
    columns: ['figure', 'unit', 'paper', 'simulated', 'measured here', 'note'],
    rows: rows.map((r) => [r.figure, r.unit, r.paper, r.simulated, r.measured, r.note]),
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
  if (abs >= 1e6 || abs < 1e-3) return cell.toExponential(3);
  return Number(cell.toPrecision(4)).toString();
}

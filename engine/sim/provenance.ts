// Where a simulated figure's inputs came from. Every simulated record names the paper figure it
// stands for (`paperCell`, when it has one) and the paper figures its model's inputs were fitted to
// (`calibratedOn`); its fit follows from the two: a figure computed from the cell it is compared
// with is `calibrated`, wherever it sits, and only a figure whose cell fed no input is `predicted`.
import type { Fit, ParamValue, ResultRecord } from '../report/record.js';

/** A paper figure, named as "<paper> <where the paper prints it>: <which cell>", e.g. "001 Table 1: All secure, TCP". */
export type PaperCell = string;

const NO_CALIBRATION = 'none';

export interface Provenance {
  /** the paper figure this simulated figure stands for (none for a what-if row without one) */
  paperCell?: PaperCell;
  /** the paper figures the model's inputs were fitted to (empty: every input is sourced apart from the paper's results) */
  calibratedOn: PaperCell[];
}

export function fitOf(p: Provenance): Fit {
  return p.paperCell !== undefined && p.calibratedOn.includes(p.paperCell) ? 'calibrated' : 'predicted';
}

/** The provenance as record parameters (results.json and CSV carry it with the fit). */
export function provenanceParameters(p: Provenance): Record<string, ParamValue> {
  return { ...(p.paperCell !== undefined ? { paperCell: p.paperCell } : {}), calibratedOn: p.calibratedOn.length ? p.calibratedOn.join(' | ') : NO_CALIBRATION };
}

/**
 * What is wrong with the labels of `records`: every record with a fit must carry its provenance,
 * and its fit must be the one the provenance gives; a record compared with the paper must name its
 * cell. Empty when every label is true.
 */
export function provenanceErrors(records: ResultRecord[]): string[] {
  return records.flatMap((r) => {
    if (r.fit === undefined) return r.source === 'simulated' ? [`${r.scenario}/${r.experiment}: simulated without a fit`] : [];
    const id = `${r.scenario}/${r.experiment} ${JSON.stringify(r.parameters)}`;
    const on = r.parameters.calibratedOn;
    if (typeof on !== 'string') return [`${id}: fit "${r.fit}" without calibratedOn`];
    const cell = typeof r.parameters.paperCell === 'string' ? r.parameters.paperCell : undefined;
    const expected = fitOf({ paperCell: cell, calibratedOn: on === NO_CALIBRATION ? [] : on.split(' | ') });
    const errors: string[] = [];
    if (r.fit !== expected) errors.push(`${id}: labelled "${r.fit}" but its inputs say "${expected}" (cell ${cell ?? '-'}, calibrated on ${on})`);
    if (r.errorVsPaperPct && cell === undefined) errors.push(`${id}: compared with the paper without naming the paper's cell`);
    return errors;
  });
}

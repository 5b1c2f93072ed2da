import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ResultRecord } from '../report/record.js';
import { single } from '../report/stats.js';
import { fitOf, provenanceErrors, provenanceParameters, type Provenance } from './provenance.js';

const record = (p: Provenance, fit: 'calibrated' | 'predicted', extra: Partial<ResultRecord> = {}): ResultRecord => ({
  scenario: 's', experiment: 'e', source: 'simulated', parameters: { x: 1, ...provenanceParameters(p) }, metrics: { wallMs: single(1) }, threads: 1, status: 'completed', fit, ...extra,
});

test('a figure computed from the cell it is compared with is calibrated, wherever it sits', () => {
  assert.equal(fitOf({ paperCell: 'T1: all, TCP', calibratedOn: ['T1: none, MPL', 'T1: all, TCP'] }), 'calibrated');
  assert.equal(fitOf({ paperCell: 'T1: coupler, TCP', calibratedOn: ['T1: none, MPL', 'T1: all, TCP'] }), 'predicted');
  assert.equal(fitOf({ calibratedOn: ['T1: none, MPL'] }), 'predicted');
});

test('the audit finds a mislabelled record, a fit without provenance, and a comparison without its cell', () => {
  const on = { paperCell: 'T1: all, TCP', calibratedOn: ['T1: all, TCP'] };
  assert.deepEqual(provenanceErrors([record(on, 'calibrated')]), []);
  assert.match(provenanceErrors([record(on, 'predicted')])[0], /labelled "predicted" but its inputs say "calibrated"/);
  assert.match(provenanceErrors([{ ...record(on, 'predicted'), parameters: {} }])[0], /without calibratedOn/);
  assert.match(provenanceErrors([record({ calibratedOn: [] }, 'predicted', { errorVsPaperPct: { wallMs: 3 } })])[0], /without naming the paper's cell/);
  assert.match(provenanceErrors([{ ...record(on, 'calibrated'), fit: undefined }])[0], /simulated without a fit/);
});

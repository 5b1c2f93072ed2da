// Paper 000's readings of its setup (scenarios/models/ctr-readings.ts) on `npm run report`'s page:
// one row a reading, pipeline and headline figure in the paper's table, one claim each in the verdict
// summary, labelled with the reading and the sentence it rests on, and one row saying which reading
// the text supports best and why. The labels are the readings' own, so they match the run's records.
import type { ClaimDef } from '../../engine/report/claims.js';
import type { FigureRow } from '../../engine/report/page.js';
import { PIPELINES, READINGS, SUPPORT } from '../models/ctr-readings.js';
import { PAPER, PAPER_PROFILE } from './paper.js';

/** The readings' rows are their own figure, so that a run lacking them never hides them in one that has them. */
export const READINGS_FIGURE = 'Sect. IV, III.A';

/** Shown where a run read predates the readings (the committed reference may). */
export const READINGS_ABSENT =
  'The run read predates the readings of the setup; `npm run scenario -- ctr-sweep --mode simulate --topology cluster-config/paper-000-beowulf.json` (simulation only, a few seconds with --quick) makes them.';

const HEADLINES = [
  { id: 'encrypt-speedup-12', operation: 'encrypt', metric: 'speedupX', unit: 'x', what: 'encryption speedup, 12 processes over 1, 1 GB', paper: PAPER.speedupEncryptX, claim: `encryption of 1 GB is ${PAPER.speedupEncryptX}x faster on 12 processes than on 1`, form: 'dimensionless' },
  { id: 'encrypt-throughput-12', operation: 'encrypt', metric: 'throughputGbps', unit: 'Gbit/s', what: 'encryption throughput, 12 processes, 1 GB', paper: PAPER.throughputGbps, claim: `encryption runs at ${PAPER.throughputGbps} Gbit/s on 12 processes (1 GB)`, form: 'absolute' },
  { id: 'decrypt-speedup-12', operation: 'decrypt', metric: 'speedupX', unit: 'x', what: 'decryption speedup, 12 processes over 1, 1 GB, parts stitched locally (or gathered untimed)', paper: PAPER.speedupDecryptX, claim: `decryption of 1 GB is ${PAPER.speedupDecryptX}x faster on 12 processes than on 1 (parts stitched locally)`, form: 'dimensionless' },
] as const;

const cases = READINGS.flatMap((reading) => PIPELINES.map((pipeline) => ({ reading, pipeline: pipeline.name })));

const label = (c: (typeof cases)[number]) => `reading ${c.reading.id} (${c.reading.what}), ${c.pipeline}`;

function readingRow(c: (typeof cases)[number], h: (typeof HEADLINES)[number]): FigureRow {
  return {
    paper: '000', figure: READINGS_FIGURE, scenario: 'ctr-sweep', experiment: 'readings',
    quantity: `${h.what}; ${label(c)}; rests on: ${c.reading.rests}`, unit: h.unit, paperText: `${h.paper} (Sect. IV)`,
    pick: { metric: h.metric, where: { reading: `${c.reading.id}: ${c.reading.what}`, pipeline: c.pipeline, operation: h.operation, procs: 12 } },
    simulated: { where: { profile: PAPER_PROFILE } }, measured: false, simulatedAbsent: READINGS_ABSENT,
  };
}

/** The paper table's rows: every reading's prediction with its error, then which reading the text supports. */
export function readingFigureRows(): FigureRow[] {
  return [
    ...HEADLINES.flatMap((h) => cases.map((c) => readingRow(c, h))),
    {
      paper: '000', figure: READINGS_FIGURE, scenario: 'ctr-sweep', experiment: 'readings', unit: '',
      quantity: 'which reading the text supports best, and why (each reading is calibrated on the 1-process time; its 12-process figures are predicted)',
      paperText: SUPPORT, pick: { where: {} }, simulated: false, measured: false,
    },
  ];
}

/** The verdict summary's claims: the three headline figures under every reading, judged on each reading's prediction. */
export function readingClaims(): ClaimDef[] {
  return HEADLINES.flatMap((h) =>
    cases.map((c): ClaimDef => ({
      id: `000-${h.id}-reading-${c.reading.id}-${c.pipeline.split(' ')[0]}`, paper: '000', figure: 'Sect. IV', unit: h.unit,
      claim: `${h.claim}, under ${label(c)}; rests on: ${c.reading.rests}`, rows: [readingRow(c, h)], paperValue: h.paper, form: h.form,
      ...(h.form === 'dimensionless' ? { shape: { above: 1, says: 'a speedup' } } : {}),
      context: `The text supports B or C best (the input is still cached after the sync; the paper-000 table's last readings row says why); no reading is chosen by its distance to ${h.paper}.`,
    })),
  );
}

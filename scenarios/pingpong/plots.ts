// The ping-pong's charts: Fig. 5 in two panels, each link over its bare reference, and the small messages.
import { crossover } from '../../engine/link/analysis.js';
import { ALL_CONFIGS, BARE_CONFIGS, referenceOf } from '../../engine/link/pingpong.js';
import { chart, quartiles, withQuartiles, type Plot, type Reference, type Rule } from '../../engine/report/plot.js';
import { summarize } from '../../engine/report/stats.js';
import { CROSSOVER, PAPER, PAPER_10_BYTE_US } from './paper.js';
import { curvePoints, KiB, medianAt, type Curve } from './curves.js';

const PAPER_REFERENCE: Reference = {
  kind: 'paper',
  label: "paper (IBM SP2), 10-byte messages; MPL is the paper's shm",
  rows: PAPER_10_BYTE_US.map((p) => ({ configuration: p.configuration, sizeBytes: 10, latencyUs: p.latencyUs })),
};
/** the links, then the bare references: one colour each, the same in every chart */
export const SERIES = { field: 'configuration', title: 'configuration', order: [...ALL_CONFIGS, ...BARE_CONFIGS].map((c) => c.name) };
export const SPREAD = quartiles('latencyUs', 'the bounces of a point');
/** Fig. 5's axes: every size, latency on a log axis */
export const FIG5 = {
  x: { field: 'sizeBytes', title: 'message size (log)', scale: 'log', format: 'bytes' },
  y: { field: 'latencyUs', title: 'one-way latency (us, log)', scale: 'log' },
} as const;

/**
 * Each link's latency over its bare reference's median at each size, with the link's quartiles over
 * the same median as the spread (the reference's own spread is a few percent; the link's is what varies).
 */
function overBareRows(curves: Curve[]) {
  return curves.flatMap((c) =>
    c.points.flatMap((p) => {
      const bare = c.config.bare ? undefined : medianAt(curves, referenceOf(c.config).name, p.sizeBytes);
      return bare === undefined ? [] : [{ configuration: c.config.name, sizeBytes: p.sizeBytes, ...withQuartiles('latencyRatioX', summarize(p.samplesUs), 1 / bare) }];
    }),
  );
}

/**
 * Fig. 5 in two panels of at most six series: (a) the unsecured links, their bare references and
 * secure MPL, where the crossover is (secure MPL against unsecured TCP), (b) the secure links.
 */
export const FIG5_PANELS = [
  { key: 'a-unsecure', title: 'unsecured links and secure MPL: the crossover', configs: ['shm', 'tcp', 'raw-shm', 'raw-tcp', CROSSOVER.slower] },
  { key: 'b-secure', title: 'secure links', configs: ['shm+des-ecb', 'tcp+des-ecb', 'tls', 'shm+aes-128-gcm', 'tcp+aes-128-gcm', 'tcp+chacha20-poly1305'] },
] as const;

export const inPanel = (configs: readonly string[]) => (r: { configuration?: unknown }) => configs.includes(r.configuration as string);
export const paperIn = (configs: readonly string[]): Reference => ({ ...PAPER_REFERENCE, rows: PAPER_REFERENCE.rows.filter(inPanel(configs)) });

/** The crossover marked on the panel that holds it: the paper's 200 B and, when there is one, this curve's. */
export function crossoverRules(panel: (typeof FIG5_PANELS)[number], measuredBytes: number | undefined, whose: string): Rule[] {
  if (panel.key !== 'a-unsecure') return [];
  return [
    { x: PAPER.crossoverBytes, label: `paper: ${CROSSOVER.slower} slower than ${CROSSOVER.reference} from ${PAPER.crossoverBytes} B` },
    ...(measuredBytes === undefined ? [] : [{ x: measuredBytes, label: `${whose}: from ${Math.round(measuredBytes)} B` }]),
  ];
}

export function plots(curves: Curve[], cores: number): Plot[] {
  const rows = curves.flatMap((c) =>
    c.points.map((p) => ({ configuration: c.config.name, sizeBytes: p.sizeBytes, ...withQuartiles('latencyUs', summarize(p.samplesUs)) })),
  );
  const cross = crossover(curvePoints(curves, CROSSOVER.slower), curvePoints(curves, CROSSOVER.reference));
  const measuredHere = `measured here, loopback, ${cores} cores; median one-way latency (round trip / 2)`;
  const bare = 'raw-shm and raw-tcp: bare references between the same two threads, no link layer';
  // a subtitle says only what its chart draws
  const subtitleFor = (drawn: { configuration: string }[]) => (drawn.some((r) => BARE_CONFIGS.some((b) => b.name === r.configuration)) ? [measuredHere, bare] : [measuredHere]);
  const common = {
    series: SERIES,
    spread: SPREAD,
  };
  const small = rows.filter((r) => r.sizeBytes <= KiB);
  return [
    chart({
      ...common,
      subtitle: subtitleFor(small),
      references: [PAPER_REFERENCE],
      name: 'fig4-small-messages',
      title: 'Fig. 4: ping-pong latency, small messages',
      rows: small,
      // log: the SP2's 96-780 us and this machine's 10-80 us both readable
      ...FIG5,
    }),
    ...FIG5_PANELS.map((panel) =>
      chart({
        ...common,
        ...FIG5,
        subtitle: subtitleFor(rows.filter(inPanel(panel.configs))),
        references: [paperIn(panel.configs)],
        name: `fig5-${panel.key}`,
        title: `Fig. 5 (${panel.key[0]}): ping-pong latency, all sizes, ${panel.title}`,
        rows: rows.filter(inPanel(panel.configs)),
        rules: crossoverRules(panel, cross?.sizeBytes, 'measured here'),
      }),
    ),
    // without a bare reference measured there is no ratio to draw, and no chart
    ...(overBareRows(curves).length ? [overBarePlot(curves, cores)] : []),
  ];
}

/** Each link's latency over its bare reference's, against the link layer's targets. */
function overBarePlot(curves: Curve[], cores: number): Plot {
  return chart({
    name: 'links-over-bare-references',
    title: 'Each link over its bare reference',
    subtitle: [
      `measured here, loopback, ${cores} cores, same run: median link latency / median raw-shm (shm links) or raw-tcp (tcp, tls) latency at each size`,
      'dashed: the link layer\'s targets at 10 B, at most 1.5x raw-shm for shm and 1.3x raw-tcp for tcp',
    ],
    rows: overBareRows(curves),
    x: FIG5.x,
    y: { field: 'latencyRatioX', title: 'link / bare reference (x, log)', scale: 'log' },
    // the links alone: a bare reference is the denominator, not a series (the links keep their colours: the references come last)
    series: { ...SERIES, order: ALL_CONFIGS.map((c) => c.name) },
    spread: quartiles('latencyRatioX', "the link's bounces, over the reference's median"),
    rules: [
      { y: 1.5, label: 'shm target 1.5x' },
      { y: 1.3, label: 'tcp target 1.3x' },
    ],
  });
}

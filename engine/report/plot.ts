// The one plot module. A scenario declares what a chart shows (the measured series and their
// spread, the paper's figures, simulations, models, reference lines, what kind of axis each
// quantity needs) and this module draws it the same way everywhere, the shape telling the source:
// measured points are filled circles joined by solid lines with their spread as error bars; the
// paper's figures are hollow diamonds (dashed when joined); simulated figures (SimGrid) squares on
// dash-dot lines (on bars of measured figures, a level across the bar), never with a spread; models
// triangles on dotted lines; one colour a series.
// Specs are vega-lite; vega, vega-lite and resvg load only when a chart is rendered, so declaring a
// chart costs nothing.
import type { TopLevelSpec } from 'vega-lite';
import type { Stats } from './record.js';
import { summarize } from './stats.js';

/**
 * `linear` (the default), `log` (sizes, rates spanning decades) or `ordinal`: one equally spaced
 * tick a value, for process counts and other small sets of numbers, and for categories.
 */
export type Scale = 'linear' | 'log' | 'ordinal';

export interface Axis {
  field: string;
  title: string;
  scale?: Scale;
  /** `bytes`: values are bytes, ticks read 10 B, 1 KiB, 16 KiB, 1 MiB and sit on the values present */
  format?: 'bytes';
  /** a linear axis starts at 0 unless told otherwise (times, rates); `false` lets it fit the data */
  zero?: boolean;
}

export interface Series {
  field: string;
  title: string;
  /** the series in this order (legend and colours); the order of appearance otherwise */
  order?: (string | number)[];
}

/** The spread drawn on every measured point, from two fields of its row. */
export interface Spread {
  low: string;
  high: string;
  /** what the bars are, shown under the chart, e.g. `interquartile range of 5 runs` */
  label: string;
  /** `y` (default): vertical bars; `x`: horizontal ones (a spread in time, on a timeline) */
  axis?: 'x' | 'y';
  /** a shaded band between low and high instead of a bar a point: for dense points whose bars would merge */
  band?: boolean;
}

/** Figures that are not measured here, drawn in the same axes: the paper's, a simulation's or a model's. */
export interface Reference {
  /** `paper`: hollow diamonds; `simulated` (SimGrid, engine/sim): squares; `model`: triangles; joined when `line` */
  kind: 'paper' | 'simulated' | 'model';
  /** legend text, e.g. `paper (IBM SP2), 10 B` */
  label: string;
  /** the chart's x and y fields (and its series field, to share a series' colour) */
  rows: Row[];
  line?: boolean;
  /** a field whose text says what each point is, e.g. `12 processes: 2.03 s`: written under the title, never on the data */
  textField?: string;
}

/**
 * A dashed line across the chart at `y` (a link's speed, a bound), or up it at `x` (a crossover),
 * labelled outside the frame (right of it for `y`, above it for `x`), so the label never sits on data.
 */
export type Rule = { y: number; x?: undefined; label: string } | { x: number; y?: undefined; label: string };

export type Row = Record<string, string | number | undefined>;

export interface Chart {
  /** file name stem: `<name>.svg`, `<name>.png`, `<name>.vl.json` */
  name: string;
  title: string;
  /** lines under the title: what was measured where (cores, simulated or measured); keep each short */
  subtitle?: string | string[];
  /** `line` (default): a line a series; `bar`: bars grouped by series along a category x axis */
  kind?: 'line' | 'bar';
  /**
   * what `rows` are: `measured` here (the default) or `simulated` (a chart of a simulation alone,
   * e.g. a what-if: squares on dash-dot lines, no spread, and the source legend always shown)
   */
  source?: 'measured' | 'simulated';
  /** the rows' name in the source legend; default `measured here` or `simulated (SimGrid)` */
  sourceLabel?: string;
  /** the chart's own rows (measured, or simulated with `source`); they give the series their colours */
  rows: Row[];
  x: Axis;
  y: Axis;
  series?: Series;
  /** measured rows only: a simulated or paper figure has no spread to draw */
  spread?: Spread;
  references?: Reference[];
  rules?: Rule[];
}

/**
 * One metric as the fields of a measured row: `{ [field]: median, [field]Low: q1, [field]High: q3 }`,
 * each multiplied by `scale` (e.g. 1/1000 for ms to s); the quartiles are absent for one sample.
 */
export function withQuartiles(field: string, stats: Stats, scale = 1): Row {
  return { [field]: stats.median * scale, [`${field}Low`]: stats.q1 === undefined ? undefined : stats.q1 * scale, [`${field}High`]: stats.q3 === undefined ? undefined : stats.q3 * scale };
}

/** The spread `withQuartiles` wrote for `field`. */
export function quartiles(field: string, of: string, axis: 'x' | 'y' = 'y'): Spread {
  return { low: `${field}Low`, high: `${field}High`, label: `interquartile range (q1 to q3) of ${of}`, axis };
}

/**
 * Rows of a progress timeline over several runs (bytes in place against time): the k-th point is
 * the time the k-th step was reached, median over the runs with its quartiles (`timeMs`,
 * `timeMsLow`, `timeMsHigh`), against `receivedMiB`; at most about `maxPoints` points, so that
 * each one's error bar can still be told from its neighbours'.
 */
export function timelineRows(timelines: { atMs: number; receivedBytes: number }[][], maxPoints = 60): Row[] {
  const length = Math.min(...timelines.map((t) => t.length));
  if (!Number.isFinite(length) || length === 0) return [];
  const stride = Math.max(1, Math.floor(length / maxPoints));
  return Array.from({ length }, (_, i) => i)
    .filter((i) => i % stride === 0 || i === length - 1)
    .map((i) => ({ receivedMiB: timelines[0][i].receivedBytes / 2 ** 20, ...withQuartiles('timeMs', summarize(timelines.map((t) => t[i].atMs))) }));
}

export interface Plot {
  name: string;
  title: string;
  spec: TopLevelSpec;
}

/** A chart of simulated figures: a Chart whose rows come as `simulated`, and `measured` when the run also measured. */
export type SimulatedChart = Omit<Chart, 'rows' | 'source' | 'sourceLabel'> & {
  simulated: Row[];
  /** the simulation's name in the source legend, e.g. `simulated (SimGrid, paper-001-sp2)` */
  simulatedLabel: string;
  /** the figures measured in the same run (mode both), in the same fields, with their spread */
  measured?: Row[];
};

/**
 * A chart of a simulation: its figures alone (mode simulate), or, when the run also measured (mode
 * both), beside the measured ones. Then the measured rows are the chart's own, with their spread,
 * and the simulated ones a `simulated` reference; alone, the simulated rows are, without a spread.
 */
export function simulatedChart(c: SimulatedChart): Plot {
  const { simulated, simulatedLabel, measured, ...rest } = c;
  const asReference: Reference = { kind: 'simulated', label: simulatedLabel, rows: simulated, line: (rest.kind ?? 'line') === 'line' };
  if (measured?.length) return chart({ ...rest, rows: measured, references: [asReference, ...(rest.references ?? [])] });
  return chart({ ...rest, spread: undefined, rows: simulated, source: 'simulated', sourceLabel: simulatedLabel });
}

/** Ten colours that stay apart from each other (no pink beside a red), in the order series get them. */
export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#17becf', '#7f7f7f', '#bcbd22', '#e377c2'];
const NO_SERIES_COLOUR = '#1f77b4';
const PAPER_ONLY_COLOUR = '#222222';
const WIDTH = 640;
const HEIGHT = 360;
/** the field naming a row's source in the drawn data */
const SOURCE = '_source';
/** the field saying what kind of figure a drawn row is (`measured`, `simulated`, `paper`, `model`): what a subtitle may promise is checked against it */
export const KIND = '_kind';
const MEASURED = 'measured here';
const SIMULATED = 'simulated (SimGrid)';
/** how each source's points and lines look, wherever it is drawn */
const LOOK = {
  measured: { shape: 'circle', dash: undefined },
  simulated: { shape: 'square', dash: [8, 3, 2, 3] },
  paper: { shape: 'diamond', dash: [7, 4] },
  model: { shape: 'triangle-up', dash: [2, 3] },
} as const;

const SUBTITLE_LINE_CHARS = 100;

/** a unit as written after its number: `s` in `13.6 s`, `B` in `10 B` */
const UNIT_WORD = /^(s|ms|us|µs|B|KiB|MiB|GiB|KB|MB|GB|Gbit\/s|MB\/s|x|%)[;,.:)]*$/;
const unclosed = (w: string) => (w.match(/\(/g) ?? []).length > (w.match(/\)/g) ?? []).length;

/** The words to wrap: a unit joined to its number (`13.6 s`), a short bracket to its opening word (`(no tag)`), so neither is split across lines. */
function wordsToWrap(words: string[]): string[] {
  const out: string[] = [];
  for (const w of words) {
    const last = out[out.length - 1];
    const unitOfNumber = last !== undefined && /\d$/.test(last) && UNIT_WORD.test(w);
    const closesShortBracket = last !== undefined && last.length <= 12 && unclosed(last) && /\)[;,.:]*$/.test(w);
    if (unitOfNumber || closesShortBracket) out[out.length - 1] += ` ${w}`;
    else out.push(w);
  }
  return out;
}

/** Breaks long subtitle lines at word boundaries: vega sizes the chart to its longest title line. */
export function wrapLines(text: string | string[] | undefined, width = SUBTITLE_LINE_CHARS): string[] {
  const lines: string[] = [];
  for (const paragraph of text === undefined ? [] : Array.isArray(text) ? text : [text]) {
    let line = '';
    for (const word of wordsToWrap(paragraph.split(/\s+/).filter(Boolean))) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) lines.push(line);
  }
  return lines;
}

/** A vega expression writing a byte count as `10 B`, `1 KiB`, `2.5 MiB`, `1 GiB`. */
const BYTES_LABEL = ['GiB', 'MiB', 'KiB'].reduceRight(
  (rest, unit, i) => {
    const div = 1024 ** (3 - i);
    return `datum.value >= ${div} ? format(datum.value / ${div}, '.3~g') + ' ${unit}' : ${rest}`;
  },
  "format(datum.value, '.3~g') + ' B'",
);

function numbersOf(rows: Row[], field: string): number[] {
  return [...new Set(rows.map((r) => r[field]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v)))].sort((a, b) => a - b);
}

/** a vega-lite position channel */
interface Position {
  field: string;
  type: 'quantitative' | 'ordinal' | 'nominal';
  title: string;
  [property: string]: unknown;
}

/**
 * A linear y axis from 0 ends at a round value at or above its highest point, which may be the point
 * itself (6.5 for a paper figure of 6.378): the domain asked for reaches a little above it, and is rounded from there.
 */
function headroom(axis: Axis, allRows: Row[], orient: 'x' | 'y', highest: number | undefined): { domainMax?: number } {
  if (orient !== 'y' || highest === undefined || !(axis.zero ?? true)) return {};
  const lowest = Math.min(0, ...numbersOf(allRows, axis.field));
  return highest > 0 ? { domainMax: highest + (highest - lowest) * HEADROOM } : {};
}

/** the share of a linear y axis kept free above its highest value: a hollow paper diamond there stays inside the frame */
const HEADROOM = 0.04;

function positionEncoding(axis: Axis, allRows: Row[], isBarCategory: boolean, orient: 'x' | 'y', highest?: number): Position {
  const scale = axis.scale ?? 'linear';
  const axisProps: Record<string, unknown> = { labelOverlap: 'greedy' };
  if (axis.format === 'bytes') {
    axisProps.labelExpr = BYTES_LABEL;
    if (scale !== 'ordinal') {
      axisProps.values = numbersOf(allRows, axis.field);
      // a tick at every size present: slanted, so neighbours on a log axis do not hide each other
      const ticks = (axisProps.values as number[]).length;
      if (orient === 'x' && ticks > 5) Object.assign(axisProps, { labelAngle: ticks > 10 ? -50 : -35, labelAlign: 'right', labelBaseline: 'top', labelOverlap: false });
    }
  }
  if (scale === 'ordinal' || isBarCategory) {
    axisProps.labelAngle = 0;
    return {
      field: axis.field,
      type: (isBarCategory ? 'nominal' : 'ordinal') as 'nominal' | 'ordinal',
      title: axis.title,
      // numbers keep their numeric order; categories the order of their first appearance
      sort: isBarCategory ? null : ('ascending' as const),
      scale: isBarCategory ? { paddingInner: 0.25 } : { type: 'point' as const, padding: 0.6 },
      axis: axisProps,
    };
  }
  return {
    field: axis.field,
    type: 'quantitative' as const,
    title: axis.title,
    // pixels kept free at both ends, so no point sits on the frame
    scale:
      scale === 'log'
        ? { type: 'log' as const, nice: false, padding: 14 }
        : { zero: axis.zero ?? orient === 'y', padding: orient === 'x' && !axis.zero ? 14 : 0, nice: true, ...headroom(axis, allRows, orient, highest) },
    axis: axisProps,
  };
}

/** The series: those of `order`, then the rest as the given rows bring them. */
function seriesValues(chart: Chart, rows: Row[]): (string | number)[] {
  if (!chart.series) return [];
  const seen = new Set<string | number>(chart.series.order ?? []);
  for (const r of rows) {
    const v = r[chart.series.field];
    if (v !== undefined && v !== '') seen.add(v);
  }
  return [...seen];
}

/** the field holding a row's position on an ordinal axis drawn by index */
const POSITION = '_position';

/**
 * An ordinal axis of a line chart, drawn as positions 0..n-1 labelled with the values (numbers in
 * numeric order): each measured series sits a little to one side of the tick (dodged), so the error
 * bars of series with close values do not hide each other; simulated and paper points sit on the tick.
 */
function ordinalPositions(c: Chart, rows: Row[], seriesDomain: (string | number)[], own: string): { rows: Row[]; x: Position } {
  const values = [...new Set(rows.map((r) => r[c.x.field]).filter((v): v is string | number => v !== undefined))];
  if (values.every((v) => typeof v === 'number')) values.sort((a, b) => (a as number) - (b as number));
  const step = seriesDomain.length > 1 ? Math.min(0.07, 0.36 / seriesDomain.length) : 0;
  const dodge = (r: Row) => {
    const i = c.series && r[SOURCE] === own && c.source !== 'simulated' ? seriesDomain.indexOf(r[c.series.field] as string | number) : -1;
    return i < 0 ? 0 : (i - (seriesDomain.length - 1) / 2) * step;
  };
  return {
    rows: rows.map((r) => ({ ...r, [POSITION]: values.indexOf(r[c.x.field] as string | number) + dodge(r) })),
    x: {
      field: POSITION,
      type: 'quantitative' as const,
      title: c.x.title,
      scale: { domain: [-0.5, values.length - 0.5], nice: false, zero: false },
      axis: { values: values.map((_, i) => i), labelExpr: `${JSON.stringify(values.map(String))}[datum.value]`, labelAngle: 0, grid: false, tickCount: values.length },
    },
  };
}

/** What every layer of one chart shares: its kind, its own source's name and look, its encodings. */
interface Drawing {
  c: Chart;
  kind: 'line' | 'bar';
  /** the chart's own rows are simulated (a chart of a simulation alone) */
  simulatedRows: boolean;
  /** the chart's own rows' name in the source legend */
  own: string;
  ownLook: (typeof LOOK)['measured' | 'simulated'];
  seriesDomain: (string | number)[];
  x: Position;
  y: Position;
  /** the series' colour, or `ownColour` in a chart without series */
  colourOf: (ownColour: string) => Record<string, unknown>;
  /** bars of a group side by side (only the series drawn take a place in a group) */
  offset: Record<string, unknown>;
  shape: Record<string, unknown>;
  tooltip: unknown[];
}

/** on bars (squares in the legend) a simulated figure is a level drawn across its bar */
function referenceShape(kind: Drawing['kind'], r: Reference): string {
  return kind === 'bar' && r.kind === 'simulated' ? 'stroke' : LOOK[r.kind].shape;
}

/** The source labels, the chart's own first; two sources may not share one. */
function sourceLabels(c: Chart, own: string): string[] {
  const labels = [own, ...(c.references ?? []).map((r) => r.label)];
  const twice = labels.find((l, i) => labels.indexOf(l) !== i);
  if (twice) throw new Error(`chart ${c.name}: two sources labelled "${twice}"`);
  return labels;
}

/** The colour channel of a chart with series: one colour a series, the legend below the chart. */
function colourEncoding(c: Chart & { series: Series }, kind: Drawing['kind'], seriesDomain: (string | number)[], seriesShown: (string | number)[], sourcesInLegend: string[]) {
  return {
    field: c.series.field,
    type: 'nominal' as const,
    title: c.series.title,
    scale: { domain: seriesDomain, range: PALETTE.slice(0, Math.max(1, seriesDomain.length)) },
    legend: {
      labelLimit: 0,
      ...(kind === 'bar' ? { symbolType: 'square' } : { symbolType: 'stroke', symbolStrokeWidth: 3 }),
      orient: 'bottom',
      direction: 'horizontal',
      columns: legendColumns(seriesShown.map(String), sourcesInLegend),
      ...(seriesShown.length < seriesDomain.length ? { values: seriesShown } : {}),
    },
  };
}

/** The shape channel: the shape legend says which marks are measured, which simulated, which the paper's, which a model's. */
function shapeEncoding(c: Chart, kind: Drawing['kind'], ownLook: Drawing['ownLook'], labels: string[], showSources: boolean) {
  const shapes = [kind === 'bar' ? 'square' : ownLook.shape, ...(c.references ?? []).map((r) => referenceShape(kind, r))];
  return {
    field: SOURCE,
    type: 'nominal' as const,
    title: 'source',
    scale: { domain: labels, range: shapes },
    // hollow, dark symbols: the shape tells the source, the colour legend the series
    legend: showSources ? { labelLimit: 0, orient: 'bottom', direction: 'vertical', symbolStrokeColor: '#333', symbolStrokeWidth: 1.5 } : null,
  };
}

function tooltipOf(c: Chart, kind: Drawing['kind']): unknown[] {
  return [
    { field: c.x.field, type: (c.x.scale === 'ordinal' || kind === 'bar' ? 'nominal' : 'quantitative') as 'nominal' | 'quantitative', title: c.x.title },
    { field: c.y.field, type: 'quantitative' as const, title: c.y.title },
    ...(c.series ? [{ field: c.series.field, type: 'nominal' as const, title: c.series.title }] : []),
    { field: SOURCE, type: 'nominal' as const, title: 'source' },
  ];
}

/** The highest value drawn up the y axis: points, the tops of their spread, levels of rules. */
function highestY(c: Chart, allRows: Row[]): number | undefined {
  const fields = [c.y.field, ...(c.spread && (c.spread.axis ?? 'y') === 'y' ? [c.spread.high] : [])];
  const values = [...fields.flatMap((f) => numbersOf(allRows, f)), ...(c.rules ?? []).flatMap((r) => (r.y === undefined ? [] : [r.y]))];
  return values.length ? Math.max(...values) : undefined;
}

/** The rows every layer draws from, each tagged with its source, and the encodings the layers share. */
function drawingOf(c: Chart): { d: Drawing; allRows: Row[] } {
  const kind = c.kind ?? 'line';
  const references = c.references ?? [];
  const simulatedRows = c.source === 'simulated';
  if (simulatedRows && c.spread) throw new Error(`chart ${c.name}: a spread is drawn on measured points only, and its rows are simulated`);
  const own = c.sourceLabel ?? (simulatedRows ? SIMULATED : MEASURED);
  const ownLook = LOOK[simulatedRows ? 'simulated' : 'measured'];
  const labels = sourceLabels(c, own);
  const measured = c.rows.map((r) => ({ ...r, [SOURCE]: own, [KIND]: simulatedRows ? 'simulated' : 'measured' }));
  const refRows = references.flatMap((ref) => ref.rows.map((r) => ({ ...r, [SOURCE]: ref.label, [KIND]: ref.kind })));
  let allRows: Row[] = [...measured, ...refRows];
  // series come from the chart's own rows, then from simulated ones (a paper point adds none); a
  // declared one that no row has keeps its colour but leaves the legend
  const seriesRows: Row[] = [...measured, ...references.filter((r) => r.kind === 'simulated').flatMap((r) => r.rows)];
  const seriesDomain = seriesValues(c, seriesRows);
  const seriesShown = c.series ? seriesDomain.filter((v) => seriesRows.some((r) => r[c.series!.field] === v)) : [];
  let x = positionEncoding(c.x, allRows, kind === 'bar', 'x');
  if (kind === 'line' && c.x.scale === 'ordinal') ({ rows: allRows, x } = ordinalPositions(c, allRows, seriesDomain, own));
  const y = positionEncoding(c.y, allRows, false, 'y', highestY(c, allRows));
  const showSources = references.length > 0 || simulatedRows;
  const colour = c.series ? colourEncoding(c as Chart & { series: Series }, kind, seriesDomain, seriesShown, showSources ? labels : []) : undefined;
  const colourOf = (ownColour: string) => (c.series ? { color: colour } : { color: { value: ownColour } });
  const offset = kind === 'bar' && c.series && seriesShown.length > 1 ? { xOffset: { field: c.series.field, type: 'nominal' as const, scale: { domain: seriesShown, paddingInner: 0.1 } } } : {};
  const shape = shapeEncoding(c, kind, ownLook, labels, showSources);
  return { d: { c, kind, simulatedRows, own, ownLook, seriesDomain, x, y, colourOf, offset, shape, tooltip: tooltipOf(c, kind) }, allRows };
}

const bySource = (label: string) => ({ filter: { field: SOURCE, equal: label } });

/** The chart's own bars, or the lines joining its points. */
function ownLayers({ c, kind, own, ownLook, x, y, offset, colourOf, tooltip }: Drawing): unknown[] {
  if (kind === 'bar') {
    return [{ transform: [bySource(own)], mark: { type: 'bar' }, encoding: { x, y, ...offset, ...colourOf(NO_SERIES_COLOUR), tooltip } }];
  }
  return [
    {
      transform: [bySource(own)],
      mark: { type: 'line', strokeWidth: 2, ...(ownLook.dash ? { strokeDash: ownLook.dash } : {}) },
      encoding: { x, y, ...offset, ...(c.series ? { detail: { field: c.series.field } } : {}), ...colourOf(NO_SERIES_COLOUR) },
    },
  ];
}

/** The spread of the chart's own points: a band a series, or an error bar with its two ticks a point. */
function spreadLayers({ c, kind, own, x, y, offset, colourOf }: Drawing): unknown[] {
  if (!c.spread) return [];
  const layers: unknown[] = [];
  const along = c.spread.axis ?? 'y';
  const lowHigh = along === 'y' ? { x, y: { ...y, field: c.spread.low }, y2: { field: c.spread.high } } : { y, x: { ...x, field: c.spread.low }, x2: { field: c.spread.high } };
  const withSpread = { filter: `isValid(datum['${c.spread.low}']) && isValid(datum['${c.spread.high}'])` };
  // over a bar of its own colour an error bar would vanish: there it is dark
  const spreadColour = kind === 'bar' ? { color: { value: '#333333' } } : colourOf(NO_SERIES_COLOUR);
  if (c.spread.band) {
    // one translucent band a series, along the axis the points follow
    layers.push({
      transform: [bySource(own), withSpread],
      mark: { type: 'area', opacity: 0.22, orient: along === 'y' ? 'vertical' : 'horizontal', interpolate: 'monotone' },
      encoding: { ...lowHigh, ...spreadColour, ...(c.series ? { detail: { field: c.series.field } } : {}) },
    });
  } else layers.push({ transform: [bySource(own), withSpread], mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { ...lowHigh, ...offset, ...spreadColour } });
  for (const end of c.spread.band ? [] : [c.spread.low, c.spread.high]) {
    layers.push({
      transform: [bySource(own), withSpread],
      mark: { type: 'tick', orient: along === 'y' ? 'horizontal' : 'vertical', size: 9, thickness: 1.5 },
      encoding: { ...(along === 'y' ? { x, y: { ...y, field: end } } : { y, x: { ...x, field: end } }), ...offset, ...spreadColour },
    });
  }
  return layers;
}

/** A reference's hollow points, joined by its own line when it has one. */
function referenceLayers({ c, kind, seriesDomain, x, y, offset, colourOf, shape, tooltip }: Drawing, ref: Reference): unknown[] {
  const layers: unknown[] = [];
  const ownColour = ref.kind === 'paper' ? PAPER_ONLY_COLOUR : '#555555';
  const look = LOOK[ref.kind];
  // a reference row without a series value (or one no measured series has) is drawn in black
  const inSeries = c.series ? (r: Row) => seriesDomain.includes(r[c.series!.field] as string | number) : () => false;
  // on bars a reference is dark, so that it shows against a bar of its own series' colour
  const colourFor = kind === 'line' && ref.rows.every(inSeries) ? colourOf(ownColour) : { color: { value: ownColour } };
  if (ref.line) {
    layers.push({
      transform: [bySource(ref.label)],
      mark: { type: 'line', strokeWidth: 2, strokeDash: look.dash },
      encoding: { x, y, ...(c.series ? { detail: { field: c.series.field } } : {}), ...colourFor },
    });
  }
  const stroke = referenceShape(kind, ref) === 'stroke';
  layers.push({
    transform: [bySource(ref.label)],
    // a paper diamond is drawn big enough to hold a simulated square or a measured dot at the same point, and a simulated square or a
    // model's triangle big enough to show round a measured dot on it, so no mark hides another
    mark: { type: 'point', filled: false, size: stroke ? 700 : ref.kind === 'paper' ? 320 : 110, strokeWidth: stroke ? 3 : ref.kind === 'paper' ? 1.5 : 2, opacity: 1 },
    encoding: { x, y, ...(kind === 'bar' ? offset : {}), ...colourFor, shape, tooltip },
  });
  return layers;
}

/**
 * The chart's own points, drawn last, on top; and after the hollow reference marks, which vega-lite
 * then takes the source legend's symbols from (it takes them from the first layer with a shape).
 */
function ownPointLayers({ kind, own, simulatedRows, x, y, colourOf, shape, tooltip }: Drawing): unknown[] {
  if (kind !== 'line') return [];
  return [{ transform: [bySource(own)], mark: { type: 'point', filled: true, size: simulatedRows ? 40 : 45, opacity: 1 }, encoding: { x, y, ...colourOf(NO_SERIES_COLOUR), shape, tooltip } }];
}

/** The dashed rules and their labels, outside the frame: right of it for a level, above it for a position on x; never on the data. */
function ruleLayers(c: Chart): unknown[] {
  const layers: unknown[] = [];
  // labels of rules at x stack upwards above the frame, so two close crossovers do not write over each other
  let verticalLabels = 0;
  // levels close together: the higher label above its line, the lower one below its line
  const levels = (c.rules ?? []).flatMap((r) => (r.y === undefined ? [] : [r.y])).sort((a, b) => b - a);
  for (const rule of c.rules ?? []) {
    const vertical = rule.x !== undefined;
    const at = vertical ? { x: { field: 'x', type: 'quantitative' as const, ...(c.x.scale === 'log' ? { scale: { type: 'log' as const } } : {}) } } : { y: { field: 'y', type: 'quantitative' as const } };
    layers.push({ data: { values: [rule] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#666' }, encoding: at });
    if (!rule.label) continue;
    layers.push({
      data: { values: [rule] },
      mark: vertical
        ? { type: 'text', align: 'left', baseline: 'bottom', dx: 3, dy: -4 - 14 * verticalLabels++, color: '#444', fontSize: 11 }
        : { type: 'text', align: 'left', baseline: levels.length < 2 ? 'middle' : levels.indexOf(rule.y!) % 2 === 0 ? 'bottom' : 'top', dx: 4, color: '#444', fontSize: 11 },
      encoding: vertical ? { ...at, y: { value: 0 }, text: { field: 'label' } } : { ...at, x: { value: WIDTH }, text: { field: 'label' } },
    });
  }
  return layers;
}

/** What is said under the title, a paragraph a thing: the chart's own lines, what each reference's points are, and what the spread is. */
function subtitleOf(c: Chart): string[] {
  const spreadDrawn = c.spread !== undefined && c.rows.some((r) => typeof r[c.spread!.low] === 'number' && typeof r[c.spread!.high] === 'number');
  // what a reference's points are, said under the title rather than written on the data
  const pointTexts = (c.references ?? []).filter((r) => r.textField).map((r) => `${r.label}: ${r.rows.map((row) => row[r.textField!]).filter((t) => t !== undefined).join('; ')}`);
  const own = c.subtitle === undefined ? [] : Array.isArray(c.subtitle) ? c.subtitle : [c.subtitle];
  return [...own, ...pointTexts, ...(spreadDrawn ? [`${c.spread!.band ? 'band' : 'bars'}: ${c.spread!.label}`] : [])].filter((p) => p.trim());
}

/** Builds the vega-lite spec of a chart. */
export function chart(c: Chart): Plot {
  const { d, allRows } = drawingOf(c);
  const layers = [...ownLayers(d), ...spreadLayers(d), ...(c.references ?? []).flatMap((ref) => referenceLayers(d, ref)), ...ownPointLayers(d), ...ruleLayers(c)];
  const paragraphs = subtitleOf(c);
  const subtitle = wrapLines(paragraphs);
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: c.title, ...(subtitle.length ? { subtitle } : {}), anchor: 'start', offset: 12 },
    // the subtitle as written, before it is wrapped to lines: what the plot checks read (engine/report/plot-lint.ts)
    usermeta: { subtitleParagraphs: paragraphs },
    width: WIDTH,
    height: HEIGHT,
    background: 'white',
    padding: 12,
    config: {
      font: 'DejaVu Sans, sans-serif',
      // legends side by side below the chart, kept apart
      legend: { labelLimit: 0, titleLimit: 0, layout: { bottom: { anchor: 'start', margin: 28 } } },
      axis: { titleFontSize: 12, labelFontSize: 11, labelLimit: 0, labelSeparation: 6 },
      title: { subtitleFontSize: 12, subtitleColor: '#444' },
    },
    data: { values: allRows },
    layer: layers,
    resolve: { scale: { color: 'shared', shape: 'shared' } },
  } as unknown as TopLevelSpec;
  return { name: c.name, title: c.title, spec };
}

/** a legend entry's symbol, the gap to its label, and the padding after it, in pixels */
const LEGEND_ENTRY_PX = 16 + 5 + 10;
/** room for the y axis beside the plot: the legends may take it */
const AXIS_ROOM_PX = 60;

/**
 * Columns of the series legend: as many as fit (up to 4) beside the source legend on the line below
 * the chart, so that long labels grow the legend downwards rather than the figure sideways.
 */
function legendColumns(series: string[], sources: string[]): number {
  const entry = (label: string) => LEGEND_ENTRY_PX + textWidthPx({ fontSize: 11 }, label);
  const sourceWidth = sources.length ? Math.max(...sources.map(entry)) + 20 : 0;
  const widthWith = (columns: number) =>
    Array.from({ length: columns }, (_, c) => Math.max(0, ...series.filter((_, i) => i % columns === c).map(entry))).reduce((a, b) => a + b, 0);
  for (let columns = Math.min(4, series.length); columns > 1; columns--) {
    if (widthWith(columns) + sourceWidth <= WIDTH + AXIS_ROOM_PX) return columns;
  }
  return 1;
}

/** DejaVu Sans advance widths in em (the font the PNGs are drawn with), by character. */
const ADVANCE_EM: Record<string, number> = {
  ' ': 0.318, a: 0.613, b: 0.635, c: 0.55, d: 0.635, e: 0.615, f: 0.352, g: 0.635, h: 0.634, i: 0.278, j: 0.278, k: 0.579, l: 0.278, m: 0.974,
  n: 0.634, o: 0.612, p: 0.635, q: 0.635, r: 0.411, s: 0.521, t: 0.392, u: 0.634, v: 0.592, w: 0.818, x: 0.592, y: 0.592, z: 0.525,
  I: 0.295, J: 0.295, M: 0.863, W: 0.989, '.': 0.318, ',': 0.318, ':': 0.337, ';': 0.337, '(': 0.39, ')': 0.39, '-': 0.361, '/': 0.337,
  "'": 0.275, '"': 0.46, '+': 0.838, '=': 0.838, '%': 0.95,
};

/**
 * Text width for vega's layout. Without a canvas vega guesses 0.8 em a character, which makes every
 * title and legend about a third too wide and leaves the figures with empty margins.
 */
function textWidthPx(item: { fontSize?: number; fontWeight?: string | number }, text: string): number {
  let em = 0;
  for (const ch of String(text)) em += ADVANCE_EM[ch] ?? (ch >= '0' && ch <= '9' ? 0.636 : ch >= 'A' && ch <= 'Z' ? 0.7 : 0.6);
  const bold = /bold|[6-9]00/.test(String(item.fontWeight ?? ''));
  return Math.ceil(em * (item.fontSize ?? 11) * (bold ? 1.1 : 1));
}

export async function renderSvg(plot: Plot): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  // vega-scenegraph's documented hook for a text measurer of one's own (vega's typings omit it)
  (vega as unknown as { textMetrics: { width: typeof textWidthPx } }).textMetrics.width = textWidthPx;
  const compiled = vl.compile(plot.spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** PNG from the SVG; only DejaVu fonts are installed here, so name it or text comes out wrong. */
export async function svgToPng(svg: string): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: 1.5 },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

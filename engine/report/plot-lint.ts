// What a reader takes for granted of every plot, checked on the vega-lite spec a run folder keeps
// beside it (`<name>.vl.json`): a title that says what the figure is, axes with units, no label on
// the data, series that can be told apart, no internal words, and a subtitle that promises only
// what is drawn. The scenario tests run it over every plot of the folders they write.
import fs from 'node:fs';
import path from 'node:path';
import { KIND, PALETTE } from './plot.js';

type Encoding = { field?: string; type?: string; title?: string; value?: unknown; axis?: { labelExpr?: string } | null; scale?: { domain?: unknown[]; range?: unknown[] } };
interface Layer {
  mark?: { type?: string; strokeDash?: unknown };
  data?: { values?: Record<string, unknown>[] };
  encoding?: Record<string, Encoding | undefined>;
}
interface Spec {
  title?: string | { text?: string | string[]; subtitle?: string | string[] };
  usermeta?: { subtitleParagraphs?: string[] };
  data?: { values?: Record<string, unknown>[] };
  layer?: Layer[];
  width?: number;
}

const lines = (t: string | string[] | undefined) => (t === undefined ? [] : Array.isArray(t) ? t : [t]);

/**
 * Units an axis title may carry (a token of it, split at spaces, commas and brackets): times,
 * sizes, rates, `x` for a ratio, `%`, and `count` for a number of things; `(log)` alone is none.
 */
const UNITS = new Set(['s', 'ms', 'us', 'µs', 'ns', 'min', 'seconds', 'B', 'KiB', 'MiB', 'GiB', 'KB', 'MB', 'GB', 'bits', 'bytes', 'x', '%', 'count']);
const hasUnit = (title: string) => title.split(/[\s,()]+/).some((t) => UNITS.has(t) || /^[A-Za-z]+\/s$/.test(t));

/** Words that belong to the code or the tracker, not to a figure: issue numbers, source files, TODOs. */
const INTERNAL = [/\bissue\s*#?\d+/i, /\b(TODO|FIXME|XXX)\b/, /\b[\w/.-]+\.(ts|js|mjs|json|py|svg|png)\b/];
/** a whole token, not part of a longer name (`shm` is not in `raw-shm`, nor `tcp` in `tcp+des-ecb`) */
const mentions = (text: string, word: string) => new RegExp(`(^|[^\\w+-])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w+-])`).test(text);

/**
 * The kinds of figure a clause of the subtitle says are drawn. Measured ones where the clause opens
 * with what was measured ("measured here: 2 cores"), speaks of what was "measured in the same run",
 * or sets something "beside it"; not where "measured" says where a model's input came from ("the
 * rate measured here", "as measured here"). Simulated ones where it speaks of SimGrid or a
 * simulation (not of a "simulated day", the climate model's unit of time).
 */
function promisedKinds(clause: string): string[] {
  const kinds: string[] = [];
  const text = clause.trim();
  const beside = /\bbeside it\b(.*)/.exec(text)?.[1] ?? '';
  if ((/^measured\b/.test(text) || /\bmeasured in (the same|this) run\b/.test(text) || /\bmeasured\b/.test(beside)) && !/\b(no|not|nothing|never)\b[^,]*\bmeasured\b/.test(text)) kinds.push('measured');
  if (/\b(simulated|SimGrid)\b/.test(text.replace(/\bsimulated days?\b/g, '')) && !/\bno (simulation|SimGrid)\b/.test(text)) kinds.push('simulated');
  if (/\bpaper('s)?\b/.test(beside)) kinds.push('paper');
  // "a linear model" is a line drawn; "the same model" is the program measured
  if (/\ba (linear |simple )?model\b/.test(beside)) kinds.push('model');
  return kinds;
}

/** Every problem of one plot's spec; `name` is its file name stem, `siblings` the stems of the other plots of its run. */
export function plotProblems(specIn: unknown, name: string, siblings: string[] = []): string[] {
  const spec = specIn as Spec;
  const problems: string[] = [];
  const say = (p: string) => problems.push(`${name}: ${p}`);
  const title = typeof spec.title === 'string' ? spec.title : lines(spec.title?.text).join(' ');
  const subtitle = typeof spec.title === 'string' ? [] : lines(spec.title?.subtitle);
  const rows = spec.data?.values ?? [];
  const layers = spec.layer ?? [];

  if (!title.trim()) say('no title');
  else if (title === name || /^[a-z0-9]+([-_.][a-z0-9]+)+$/.test(title)) say(`its title "${title}" is a file name, not what the figure shows`);

  const encodings = layers.flatMap((l) => Object.entries(l.encoding ?? {}));
  const axes = new Map<string, Encoding>();
  for (const [channel, e] of encodings) if ((channel === 'x' || channel === 'y') && e?.field && e.title !== undefined && !axes.has(channel)) axes.set(channel, e);
  for (const [channel, e] of axes) {
    // a field name that is a word (`key`) is a fine title; one that is code (`latencyUs`) is not
    if (e.title === e.field && /[A-Z_0-9]/.test(e.field!)) say(`the ${channel} axis is titled with its field name "${e.field}"`);
    // an axis drawn by index (`_position`) is an ordinal one: its ticks are the values themselves
    const byIndex = e.field!.startsWith('_');
    const unitInTicks = typeof e.axis?.labelExpr === 'string' && /' (B|KiB|MiB|GiB)'/.test(e.axis.labelExpr);
    if (e.type === 'quantitative' && !byIndex && !unitInTicks && !hasUnit(e.title ?? '')) say(`the ${channel} axis "${e.title}" carries no unit (e.g. "(ms)", "(MB/s, log)", "(x)" for a ratio, "(count)")`);
  }

  // labels of rules are written outside the frame: right of it (x at the width) or above it (y at 0)
  for (const l of layers.filter((x) => x.mark?.type === 'text')) {
    const x = l.encoding?.x?.value;
    const y = l.encoding?.y?.value;
    if (!((typeof x === 'number' && x >= (spec.width ?? 0)) || y === 0)) say(`a text mark (${JSON.stringify(l.encoding?.text ?? {})}) sits inside the frame, on the data`);
  }

  // the filled points are drawn on top: every hollow mark must be bigger, so that it shows round a point at the same place
  const sizes = (filled: boolean) => layers.filter((l) => l.mark?.type === 'point' && Boolean((l.mark as { filled?: boolean }).filled) === filled).map((l) => Number((l.mark as { size?: number }).size ?? 30));
  const [largestFilled, smallestHollow] = [Math.max(0, ...sizes(true)), Math.min(Infinity, ...sizes(false))];
  if (largestFilled >= smallestHollow) say(`a hollow mark (size ${smallestHollow}) is no bigger than the filled points drawn over it (size ${largestFilled}): one would hide the other`);

  const colour = encodings.find(([channel, e]) => channel === 'color' && e?.field)?.[1];
  const domain = (colour?.scale?.domain ?? []) as (string | number)[];
  if (domain.length > PALETTE.length) say(`${domain.length} series but ${PALETTE.length} colours: two series would share one`);

  const texts = [title, ...subtitle, ...[...axes.values()].map((e) => e.title ?? ''), ...layers.flatMap((l) => (l.data?.values ?? []).map((v) => String(v.label ?? ''))), ...new Set(rows.map((r) => String(r._source ?? '')))];
  for (const t of texts) {
    for (const re of INTERNAL) if (re.test(t)) say(`internal word "${re.exec(t)![0]}" in "${t}"`);
    for (const s of siblings) if (s !== name && s.includes('-') && mentions(t, s)) say(`"${t}" names the plot by its file name "${s}": say what it shows`);
  }

  // a spec written before rows said their kind: the kind its source's name begins with
  const kindsDrawn = new Set(rows.map((r) => r[KIND] ?? /^(measured|simulated|paper|model)\b/.exec(String(r._source ?? ''))?.[1]));
  const seriesField = colour?.field;
  // the subtitle as written (a spec from before it was kept: its wrapped lines, each read alone)
  const paragraphs = spec.usermeta?.subtitleParagraphs ?? subtitle;
  for (const clause of paragraphs.flatMap((p) => p.split(/;\s|\.\s/))) {
    for (const kind of promisedKinds(clause)) if (!kindsDrawn.has(kind)) say(`the subtitle promises ${kind} figures ("${clause.trim()}") and none is drawn`);
  }
  for (const line of paragraphs) {
    if (/^bars:/.test(line) && !layers.some((l) => l.mark?.type === 'rule' && (l.encoding?.y2 || l.encoding?.x2))) say(`the subtitle speaks of bars ("${line}") and no error bar is drawn`);
    if (/^band:/.test(line) && !layers.some((l) => l.mark?.type === 'area')) say(`the subtitle speaks of a band ("${line}") and none is drawn`);
    if (/\bdashed\b/.test(line) && !layers.some((l) => l.mark?.strokeDash !== undefined)) say(`the subtitle speaks of a dashed line ("${line}") and none is drawn`);
    // a series the subtitle names is drawn: a name of letters, not a number that could be anything
    if (seriesField) {
      for (const v of domain.filter((d): d is string => typeof d === 'string' && /[a-z]{2}/i.test(d))) {
        if (mentions(line, v) && !rows.some((r) => r[seriesField] === v)) say(`the subtitle names the series "${v}" and it is not drawn`);
      }
    }
  }
  return problems;
}

/** The problems of every plot spec (`*.vl.json`) in a run folder. */
export function plotFolderProblems(dir: string): string[] {
  const specs = fs.readdirSync(dir).filter((f) => f.endsWith('.vl.json'));
  const stems = specs.map((f) => f.slice(0, -'.vl.json'.length));
  return specs.flatMap((f, i) => plotProblems(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')), stems[i], stems));
}

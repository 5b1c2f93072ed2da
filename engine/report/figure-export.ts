// `npm run report -- --figure ID --format svg|pdf|png [--width PX]`: one plot, for a paper, from the run
// the report would read it from (a full run before a quick one, the reference set before local runs
// unless --prefer newest). The plot is the SVG the run wrote, scaled to the width asked: PNG through
// resvg, PDF through Debian's chromium (the one the page test uses), SVG as it is with its size set.
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { cellOrder, type Prefer } from './page.js';
import type { LoadedRun } from './runs.js';

export const FIGURE_FORMATS = ['svg', 'png', 'pdf'] as const;
export type FigureFormat = (typeof FIGURE_FORMATS)[number];

/** A plot's name as runs write it (`fig4-small-messages`): never a path. */
const FIGURE_ID = /^[a-z0-9][a-z0-9-]*$/;
const CHROMIUM = '/usr/bin/chromium';

/** The SVG's own size (its root `width` and `height`). */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const width = Number(/\swidth="([\d.]+)"/.exec(root)?.[1]);
  const height = Number(/\sheight="([\d.]+)"/.exec(root)?.[1]);
  if (!(width > 0 && height > 0)) throw new Error('the plot\'s SVG has no width and height on its root');
  return { width, height };
}

/** The same SVG drawn `width` pixels wide: the root's size set, its viewBox kept, so everything scales. */
export function scaledSvg(svg: string, width: number): string {
  const size = svgSize(svg);
  const height = Math.round((size.height * width) / size.width);
  return svg.replace(/<svg\b[^>]*>/, (root) => {
    const withBox = /\sviewBox=/.test(root) ? root : root.replace('<svg', `<svg viewBox="0 0 ${size.width} ${size.height}"`);
    return withBox.replace(/\swidth="[\d.]+"/, ` width="${width}"`).replace(/\sheight="[\d.]+"/, ` height="${height}"`);
  });
}

/** The runs holding plot `id`, in the order the report reads them: the first is the one exported. */
async function figureRun(runs: LoadedRun[], id: string, prefer: Prefer = 'reference'): Promise<LoadedRun | undefined> {
  if (!FIGURE_ID.test(id)) throw new Error(`--figure "${id}" is not a plot name (lower-case letters, digits and dashes, e.g. fig4-small-messages)`);
  for (const run of cellOrder(runs, prefer)) {
    // a run whose plot is missing or unreadable is passed over: the next in reading order is taken
    const st = await fs.lstat(path.join(run.dir, `${id}.svg`)).catch(() => undefined);
    if (st?.isFile()) return run;
  }
  return undefined;
}

async function pdfOf(svg: string): Promise<Buffer> {
  const { chromium } = await import('playwright-core').catch(() => {
    throw new Error('--format pdf needs playwright-core (a dev dependency: npm ci installs it)');
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM }).catch((err: Error) => {
    throw new Error(`--format pdf draws with ${CHROMIUM}, which did not start (engine/report/ensure-chromium.sh installs it): ${err.message.split('\n')[0]}`);
  });
  try {
    const { width, height } = svgSize(svg);
    // a run folder's SVG is data: no script of it runs, nothing it names is fetched
    const page = await browser.newPage({ javaScriptEnabled: false });
    await page.route('**/*', (route) => route.abort());
    await page.setContent(`<!doctype html><html><head><style>@page { margin: 0 } html, body { margin: 0 }</style></head><body>${svg}</body></html>`);
    return await page.pdf({ width: `${width}px`, height: `${height}px`, printBackground: true, pageRanges: '1' });
  } finally {
    await browser.close();
  }
}

/** Writes `<outDir>/<id>.<format>` and returns its path and the run it came from. */
export async function exportFigure(runs: LoadedRun[], id: string, format: FigureFormat, outDir: string, widthPx?: number, prefer: Prefer = 'reference'): Promise<{ file: string; run: LoadedRun }> {
  const run = await figureRun(runs, id, prefer);
  if (!run) throw new Error(`no run read holds a plot "${id}" (its file would be <run folder>/${id}.svg)`);
  if (widthPx !== undefined && !(Number.isInteger(widthPx) && widthPx >= 100 && widthPx <= 20000)) throw new Error(`--width ${widthPx}: give a whole number of pixels from 100 to 20000`);
  const source = await fs.readFile(path.join(run.dir, `${id}.svg`), 'utf8');
  const svg = scaledSvg(source, widthPx ?? svgSize(source).width);
  let data: string | Buffer;
  if (format === 'svg') data = svg;
  else if (format === 'png') {
    const { Resvg } = await import('@resvg/resvg-js');
    data = new Resvg(svg, { background: 'white', fitTo: { mode: 'width', value: svgSize(svg).width }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
  } else data = await pdfOf(svg);
  await fs.mkdir(outDir, { recursive: true });
  const file = path.join(outDir, `${id}.${format}`);
  await writeFileAtomic(file, data);
  return { file, run };
}

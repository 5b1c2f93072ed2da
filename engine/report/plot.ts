// The one plot module: scenarios describe charts as data + axes; this module builds the vega-lite
// specs and renders them headless to SVG and PNG.
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

export interface Axis {
  field: string;
  title: string;
  log?: boolean;
  /** 'quantitative' by default; 'ordinal' for categories such as process counts */
  type?: 'quantitative' | 'ordinal' | 'nominal';
}

export interface LineChart {
  /** file name stem: `<name>.svg`, `<name>.png` */
  name: string;
  title: string;
  /** lines under the title: what was measured where (cores, simulated or measured); keep each short */
  subtitle?: string | string[];
  rows: Record<string, string | number>[];
  x: Axis;
  y: Axis;
  /** one line per value of this field */
  series?: Axis;
  /** dashed lines for rows whose `strokeDashField` value differs (e.g. measured vs paper) */
  strokeDashField?: string;
  /** horizontal reference lines, e.g. link speeds */
  rules?: { y: number; label: string }[];
}

export interface Plot {
  name: string;
  title: string;
  spec: TopLevelSpec;
}

function encodingFor(axis: Axis) {
  return {
    field: axis.field,
    type: axis.type ?? 'quantitative',
    title: axis.title,
    ...(axis.log ? { scale: { type: 'log' as const, nice: false } } : {}),
    // Category labels read horizontally; vega-lite's default turns them on their side.
    ...(axis.type && axis.type !== 'quantitative' ? { axis: { labelAngle: 0 } } : {}),
  };
}

const SUBTITLE_LINE_CHARS = 90;

/** Breaks long subtitle lines at word boundaries: vega sizes the chart to its longest title line. */
export function wrapLines(text: string | string[] | undefined, width = SUBTITLE_LINE_CHARS): string[] {
  const lines: string[] = [];
  for (const paragraph of text === undefined ? [] : Array.isArray(text) ? text : [text]) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) lines.push(line);
  }
  return lines;
}

export function lineChart(chart: LineChart): Plot {
  const line = {
    mark: { type: 'line' as const, point: true },
    encoding: {
      x: encodingFor(chart.x),
      y: encodingFor(chart.y),
      ...(chart.series ? { color: { ...encodingFor(chart.series), type: chart.series.type ?? 'ordinal', scale: { scheme: 'tableau10' } } } : {}),
      ...(chart.strokeDashField
        ? { strokeDash: { field: chart.strokeDashField, type: 'nominal' as const, legend: { symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 400, encode: { symbols: { update: { stroke: { value: '#444' } } } } } } }
        : {}),
      tooltip: [
        { field: chart.x.field, type: chart.x.type ?? 'quantitative' },
        { field: chart.y.field, type: chart.y.type ?? 'quantitative' },
        ...(chart.series ? [{ field: chart.series.field, type: chart.series.type ?? 'ordinal' }] : []),
      ],
    },
  };
  const layers: unknown[] = [line];
  if (chart.rules && chart.rules.length > 0) {
    layers.push({
      data: { values: chart.rules },
      mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' },
      encoding: { y: { field: 'y', type: 'quantitative' } },
    });
    layers.push({
      data: { values: chart.rules },
      mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: 'gray' },
      encoding: { y: { field: 'y', type: 'quantitative' }, text: { field: 'label' }, x: { value: 0 } },
    });
  }
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: chart.title, ...(chart.subtitle ? { subtitle: wrapLines(chart.subtitle) } : {}) },
    width: 520,
    height: 320,
    background: 'white',
    data: { values: chart.rows },
    layer: layers,
  } as unknown as TopLevelSpec;
  return { name: chart.name, title: chart.title, spec };
}

export async function renderSvg(plot: Plot): Promise<string> {
  const compiled = vl.compile(plot.spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** PNG from the SVG; only DejaVu fonts are installed here, so name it or text comes out wrong. */
export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: 1.5 },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

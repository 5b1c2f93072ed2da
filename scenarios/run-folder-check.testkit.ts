// What the scenario tests check of a run folder the runner wrote: results.json follows the committed
// schema and holds the run's records, the CSV reads back with one row per record and metric, every
// plot is there as SVG, PNG and Vega-Lite and passes the plot checks, and tables as CSV and LaTeX.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { RunResult } from '../engine/report/record.js';
import { plotFolderProblems } from '../engine/report/plot-lint.js';
import { schemaErrors } from '../engine/report/result-schema.js';

export function checkRunFolder(dir: string, run: RunResult, plots: string[] = []): void {
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as RunResult;
  assert.deepEqual(schemaErrors(json), []);
  assert.equal(json.records.length, run.records.length, 'results.json holds every record');
  assert.deepEqual(json.records.map((r) => r.experiment), run.records.map((r) => r.experiment));
  const rows = parse(fs.readFileSync(path.join(dir, 'results.csv')), { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, run.records.reduce((n, r) => n + Math.max(1, Object.keys(r.metrics).length), 0), 'one CSV row per record and metric');
  const files = fs.readdirSync(dir);
  for (const f of files.filter((f) => f.endsWith('.vl.json'))) assert.ok(files.includes(f.replace('.vl.json', '.png')), `${f} has its PNG`);
  assert.deepEqual(plotFolderProblems(dir), [], 'every plot passes the plot checks (engine/report/plot-lint.ts)');
  for (const p of plots) {
    for (const ext of ['svg', 'png', 'vl.json']) assert.ok(fs.statSync(path.join(dir, `${p}.${ext}`)).size > 0, `plot ${p}.${ext}`);
    assert.match(fs.readFileSync(path.join(dir, `${p}.svg`), 'utf8'), /^<svg[\s\S]*<\/svg>\s*$/, `${p}.svg is an SVG`);
  }
  const tables = fs.readdirSync(path.join(dir, 'tables'));
  assert.ok(tables.some((t) => t.endsWith('.tex')) && tables.some((t) => t.endsWith('.csv')), tables.join(', '));
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { chart } from './plot.js';
import { SCHEMA_VERSION, type RunResult } from './record.js';
import { schemaErrors } from './result-schema.js';
import { single, summarize } from './stats.js';
import { comparisonTable, type ReportTable } from './table.js';
import { tableToLatex, tableToMarkdown, toCsv, writeRunFolder } from './writer.js';

const run: RunResult = {
  schemaVersion: SCHEMA_VERSION,
  runId: '20260101T000000.000Z-s-abcdef',
  invocationId: '20260101T000000.000Z-1234',
  scenario: 's',
  quick: true,
  mode: 'both',
  seed: 'seed',
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:00:01.000Z',
  environment: {
    cpuModel: 'cpu, with comma',
    cores: 2,
    memoryBytes: 1024,
    platform: 'linux',
    nodeVersion: 'v20.0.0',
    opensslVersion: '3',
    gitCommit: 'abc',
    topologyFile: 'cluster-config/local.json',
    launcher: 'piscina',
    hostname: 'h',
  },
  provenance: {
    commandLine: 'npm run scenario -- s --reps 2',
    argv: ['scenario', 's', '--reps', '2'],
    resolvedFlags: { quick: true, mode: 'both', seed: 'seed', topology: 'cluster-config/local.json', reps: '2' },
    gitCommit: 'abc',
    gitDirty: false,
    start: { at: '2026-01-01T00:00:00.000Z', loadAverage1m: 0.5, loadAverage5m: 0.4, loadAverage15m: 0.3, othersCpuSharePct: 2.5 },
    end: { at: '2026-01-01T00:00:01.000Z', loadAverage1m: 0.6, loadAverage5m: 0.4, loadAverage15m: 0.3 },
    othersCpuSharePctOverRun: 3,
  },
  records: [
    {
      scenario: 's', experiment: 'fig1', source: 'measured', threads: 2, status: 'completed',
      parameters: { sizeBytes: 10, procs: 2, oversubscribed: false, cached: true, label: '', note: 'a "quoted", comma\nand a line break', tiny: 1e-7, negative: -3.5 },
      metrics: { wallMs: summarize([1, 2, 3]), speedupX: single(1.5) },
    },
    { scenario: 's', experiment: 'fig1', source: 'paper', parameters: { sizeBytes: 10, note: 'paper' }, metrics: { speedupX: single(6.7) }, threads: 12, status: 'completed' },
    { scenario: 's', experiment: 'fig1', source: 'measured', parameters: { sizeBytes: 20 }, metrics: {}, threads: 1, status: 'errored', error: 'boom' },
    {
      scenario: 's', experiment: 'fig1', source: 'simulated', parameters: { sizeBytes: 10, profile: 'p' }, metrics: { speedupX: single(5), wallMs: single(2) },
      threads: 12, status: 'completed', fit: 'predicted', errorVsPaperPct: { speedupX: -25.37 },
    },
  ],
};

type Row = Record<string, string | undefined>;
/** Parses CSV telling a missing value (unquoted empty: undefined) from an empty text (quoted: ""). */
const readCsv = (text: string) => parse(text, { columns: true, cast: (value, ctx) => (value === '' && !ctx.quoting ? undefined : value) }) as Row[];

test('CSV: one row per (record, metric); every value type reads back as what it was', () => {
  const rows = readCsv(toCsv(run));
  assert.equal(rows.length, 6);
  const wall = rows.find((r) => r.metric === 'wallMs')!;
  assert.equal(wall['param.oversubscribed'], 'false', 'false is false, not empty');
  assert.equal(wall['param.cached'], 'true', 'true is true, not 1');
  assert.equal(wall['param.label'], '', 'an empty text is "", not missing');
  assert.equal(wall['param.note'], 'a "quoted", comma\nand a line break');
  assert.equal(Number(wall['param.tiny']), 1e-7);
  assert.equal(Number(wall['param.negative']), -3.5);
  assert.equal(Number(wall['param.procs']), 2);
  assert.equal(wall.samples, '3');
  assert.equal(wall.median, '2');
  assert.equal(wall.q1, '1.5');
  assert.equal(wall.threads, '2');
  assert.equal(wall.schemaVersion, String(SCHEMA_VERSION));
  assert.equal(wall.invocationId, run.invocationId);
  const paper = rows.find((r) => r.source === 'paper')!;
  assert.equal(paper.metric, 'speedupX');
  assert.equal(paper.median, '6.7');
  assert.equal(paper.sd, undefined, 'a missing spread is missing, never 0');
  assert.equal(paper['param.procs'], undefined);
  assert.equal(paper['param.oversubscribed'], undefined, 'a parameter the record lacks is missing, not false');
  assert.equal(paper['env.cpuModel'], 'cpu, with comma');
  const errored = rows.find((r) => r.status === 'errored')!;
  assert.equal(errored.error, 'boom');
  assert.equal(errored.metric, undefined);
  assert.equal(wall.mode, 'both');
  assert.equal(wall.fit, undefined, 'a measured row has no fit');
  const simulated = rows.filter((r) => r.source === 'simulated');
  assert.deepEqual(simulated.map((r) => [r.metric, r.fit, r.errorVsPaperPct]), [['speedupX', 'predicted', '-25.37'], ['wallMs', 'predicted', undefined]], 'the error sits on the row of its metric');
});

test('results.json follows the committed JSON Schema, and the schema catches what breaks it', () => {
  assert.deepEqual(schemaErrors(run), []);
  assert.deepEqual(schemaErrors(JSON.parse(JSON.stringify(run))), []);
  const broken = structuredClone(run) as unknown as { schemaVersion: number; records: Record<string, unknown>[] };
  broken.schemaVersion = 0;
  delete broken.records[2].error;
  (broken.records[0].metrics as Record<string, unknown>).wallMs = { samples: 3, median: null };
  broken.records[1].source = 'guessed';
  delete (broken as unknown as { mode?: string }).mode;
  delete broken.records[3].fit;
  broken.records[0].fit = 'calibrated';
  const errors = schemaErrors(broken).join('\n');
  assert.match(errors, /\/schemaVersion must be equal to one of the allowed values/);
  assert.match(errors, /\/records\/2 must have required property 'error'/);
  assert.match(errors, /\/records\/0\/metrics\/wallMs\/median must be number/);
  assert.match(errors, /\/records\/1\/source must be equal to one of the allowed values/);
  assert.match(errors, /^\/ must have required property 'mode'/m);
  assert.match(errors, /\/records\/3 must have required property 'fit'/, 'a simulated record says how it relates to the paper');
  assert.match(errors, /\/records\/0\/fit boolean schema is false/, 'a measured record has no fit');
});

const wide: ReportTable = {
  title: 'Speedup & 100% of_it',
  columns: ['figure', 'unit', 'paper', 'measured here'],
  rows: [['speed_up {x}', 'x', 6.7, 1.92345], ['missing', 'ms', undefined, 12]],
  note: 'a note with $ and #',
};

test('schema version 3 requires the provenance (command line, flags, commit, load at start and end); version 2 runs still read, without it', () => {
  const noProvenance = structuredClone(run);
  delete noProvenance.provenance;
  assert.match(schemaErrors(noProvenance).join('\n'), /^\/ must have required property 'provenance'/m);
  const badProvenance = structuredClone(run) as unknown as { provenance: Record<string, unknown> };
  delete badProvenance.provenance.commandLine;
  (badProvenance.provenance.start as Record<string, unknown>).othersCpuSharePct = 140;
  badProvenance.provenance.gitDirty = 'no';
  const errors = schemaErrors(badProvenance).join('\n');
  assert.match(errors, /\/provenance must have required property 'commandLine'/);
  assert.match(errors, /\/provenance\/start\/othersCpuSharePct must be <= 100/);
  assert.match(errors, /\/provenance\/gitDirty must be boolean/);
  const v2 = { ...structuredClone(run), schemaVersion: 2 as const };
  delete v2.provenance;
  assert.deepEqual(schemaErrors(v2), [], 'a committed version 2 run is still read');
  assert.ok(schemaErrors({ ...v2, notes: ['n'] }).length > 0, 'a version 2 run has no notes field');
});

test('export: numbers as measured (integer digits whole), LaTeX without empty columns and wrapping long text, table file names whole', async () => {
  const { formatCell } = await import('./table.js');
  const { tableStem } = await import('./writer.js');
  assert.equal(formatCell(19656), '19656', 'not 19660');
  assert.equal(formatCell(1005584384), '1005584384');
  assert.equal(formatCell(13596.2), '13596');
  assert.equal(formatCell(1.92345), '1.923');
  const t: ReportTable = {
    title: 'Paper 000: a table whose title is longer than sixty characters, cut nowhere at all',
    columns: ['figure', 'empty', 'quantity', 'bytes'],
    rows: [['Fig. 1', undefined, 'encryption time of a file of one gigabyte on twelve processes', 19656], ['Fig. 2', '', 'short', 1]],
  };
  const tex = tableToLatex(t);
  assert.match(tex, /\\begin\{tabularx\}\{\\linewidth\}\{lXr\}/, 'the empty column left out, the long text column wraps');
  assert.match(tex, /Fig\. 1 & encryption time .* & 19656 \\\\/);
  assert.doesNotMatch(tex, /empty/);
  assert.match(tex, /usepackage\{tabularx\}/);
  assert.equal(tableStem(t), 'paper-000-a-table-whose-title-is-longer-than-sixty-characters-cut-nowhere-at-all');
  const long = tableStem({ ...t, title: 'word '.repeat(60) });
  assert.ok(long.length <= 200 && long.endsWith('word'), 'past 200 characters cut at a dash, never mid-word');
});

test('tables: Markdown aligns text left and numbers right; LaTeX escapes and keeps empty cells empty', () => {
  const md = tableToMarkdown(comparisonTable('T', [{ figure: 'speedup', unit: 'x', paper: 6.7, measured: 1.92345 }]), 't');
  assert.match(md, /\| :--- \| :--- \| ---: \| :--- \| ---: \| :--- \|/);
  assert.match(md, /\| speedup \| x \| 6\.7 \|  \| 1\.923 \|  \|/);
  assert.match(md, /\[CSV\]\(tables\/t\.csv\), \[LaTeX\]\(tables\/t\.tex\)/);
  const tex = tableToLatex(wide);
  assert.match(tex, /\\caption\{Speedup \\& 100\\% of\\_it\}/);
  assert.match(tex, /\\begin\{tabular\}\{llrr\}/, 'short text columns do not wrap');
  assert.match(tex, /speed\\_up \\\{x\\\} & x & 6\.7 & 1\.923 \\\\/);
  assert.match(tex, /missing & ms &  & 12 \\\\/);
  assert.match(tex, /a note with \\\$ and \\#/);
});

test('the run folder appears whole, with every file, or not at all', async () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'writer-'));
  try {
    const plot = chart({ name: 'p', title: 'P', rows: [{ x: 1, y: 2 }, { x: 2, y: 4 }], x: { field: 'x', title: 'x' }, y: { field: 'y', title: 'y' } });
    await writeRunFolder(path.join(parent, 'ok'), run, { title: 'T', plots: [plot], tables: [wide, wide], notes: ['n'] });
    assert.deepEqual(fs.readdirSync(path.join(parent, 'ok')).sort(), ['index.html', 'p.png', 'p.svg', 'p.vl.json', 'report.md', 'results.csv', 'results.json', 'tables']);
    assert.deepEqual(fs.readdirSync(path.join(parent, 'ok', 'tables')).sort(), ['speedup-100-of-it-2.csv', 'speedup-100-of-it-2.tex', 'speedup-100-of-it.csv', 'speedup-100-of-it.tex']);
    const tableCsv = readCsv(fs.readFileSync(path.join(parent, 'ok', 'tables', 'speedup-100-of-it.csv'), 'utf8'));
    assert.deepEqual(tableCsv[0], { figure: 'speed_up {x}', unit: 'x', paper: '6.7', 'measured here': '1.92345' }, 'the CSV keeps full precision');
    assert.equal(tableCsv[1].paper, undefined);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(parent, 'ok', 'results.json'), 'utf8')), { ...run, notes: ['n'] }, 'the run, and its notes');
    const png = fs.readFileSync(path.join(parent, 'ok', 'p.png'));
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    const html = fs.readFileSync(path.join(parent, 'ok', 'index.html'), 'utf8');
    assert.match(html, /<figure><svg/);
    assert.match(html, /figure svg \{ width: 100%/);
    assert.match(html, /<div class="scroll"><table>/);
    assert.match(html, /<td>speed_up \{x\}<\/td><td>x<\/td><td class="num">6\.7<\/td>/);
    assert.match(html, /1 point\(s\) errored: fig1: boom/);
    const broken = { ...plot, spec: { mark: 'nonsense' } as never };
    await assert.rejects(writeRunFolder(path.join(parent, 'bad'), run, { title: 'T', plots: [broken], tables: [], notes: [] }));
    assert.deepEqual(fs.readdirSync(parent), ['ok'], 'nothing left of the failed folder');
  } finally {
    fs.rmSync(parent, { recursive: true, force: true });
  }
});

test('long plot subtitles wrap at word boundaries', async () => {
  const { wrapLines } = await import('./plot.js');
  assert.deepEqual(wrapLines('aaa bbb ccc ddd', 7), ['aaa bbb', 'ccc ddd']);
  assert.deepEqual(wrapLines(['one', 'two three'], 5), ['one', 'two', 'three']);
  assert.deepEqual(wrapLines(undefined), []);
});

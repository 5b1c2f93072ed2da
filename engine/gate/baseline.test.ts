// The gate's files: the committed baseline (round trip, validation naming file and field) and the
// history (append, read back, garbage lines skipped with their line numbers).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { RunEnvironment } from '../report/record.js';
import { BASELINE_FORMAT, environmentChanges, parseBaseline, readBaseline, writeBaseline, type Baseline } from './baseline.js';
import { appendHistory, HISTORY_FORMAT, readHistory, type HistoryEntry } from './history.js';

const ENV: RunEnvironment = {
  cpuModel: 'Test CPU', cores: 2, memoryBytes: 2 ** 34, platform: 'linux', nodeVersion: 'v20.0.0', opensslVersion: '3.0.0',
  gitCommit: 'abc123', topologyFile: 'cluster-config/local.json', launcher: 'piscina', hostname: 'h',
};

const BASELINE: Baseline = {
  format: BASELINE_FORMAT,
  environment: ENV,
  note: 'taken in a test',
  metrics: {
    'ctr-aes': {
      ratios: [2.1, 2.2, 2.0], contender: [4.2, 4.4, 5], reference: [2, 2, 2.5], unit: 'us',
      takenAt: '2026-01-01T00:00:00.000Z', gitCommit: 'abc123', othersShare: 0.35, loadAverage1m: 1.5,
    },
  },
};

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `gate-test-${process.pid}-`));
}

test('a baseline written is read back unchanged; a missing one is undefined', async () => {
  const dir = tmpDir();
  try {
    const file = path.join(dir, 'baselines', 'gate.json');
    assert.equal(readBaseline(file), undefined);
    await writeBaseline(file, BASELINE);
    assert.deepEqual(readBaseline(file), BASELINE);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['gate.json']); // no temporary left behind
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a bad baseline is refused with the file and the field named', () => {
  const bad = (mutate: (b: Record<string, unknown>) => void) => {
    const b = structuredClone(BASELINE) as unknown as Record<string, unknown>;
    mutate(b);
    return JSON.stringify(b);
  };
  assert.throws(() => parseBaseline('g.json', '{ nope'), /^Error: g\.json: not valid JSON/);
  assert.throws(() => parseBaseline('g.json', '[]'), /g\.json: must hold a JSON object/);
  assert.throws(() => parseBaseline('g.json', bad((b) => (b.format = 'other/9'))), /g\.json: field "format" must be "harness-gate-baseline\/1", got "other\/9"/);
  assert.throws(() => parseBaseline('g.json', bad((b) => delete (b.environment as Record<string, unknown>).cores)), /field "environment\.cores" is missing/);
  assert.throws(() => parseBaseline('g.json', bad((b) => ((b.metrics as Record<string, Record<string, unknown>>)['ctr-aes'].ratios = []))), /field "metrics\.ctr-aes\.ratios" must be a non-empty array/);
  assert.throws(() => parseBaseline('g.json', bad((b) => ((b.metrics as Record<string, Record<string, unknown>>)['ctr-aes'].ratios = [1, 'x']))), /field "metrics\.ctr-aes\.ratios\[1\]" must be a positive number, got "x"/);
  assert.throws(() => parseBaseline('g.json', bad((b) => ((b.metrics as Record<string, Record<string, unknown>>)['ctr-aes'].ratios = [1, -2]))), /ratios\[1\]" must be a positive number, got -2/);
  assert.throws(() => parseBaseline('g.json', bad((b) => delete (b.metrics as Record<string, Record<string, unknown>>)['ctr-aes'].unit)), /field "metrics\.ctr-aes\.unit" must be a string/);
  assert.throws(() => parseBaseline('g.json', bad((b) => ((b.metrics as Record<string, Record<string, unknown>>)['ctr-aes'].reference = [1]))), /field "metrics\.ctr-aes\.reference" must have as many samples as ratios \(3\), got 1/);
  assert.throws(() => parseBaseline('g.json', bad((b) => ((b.metrics as Record<string, Record<string, unknown>>)['ctr-aes'].othersShare = 1.5))), /field "metrics\.ctr-aes\.othersShare" must be a number from 0 to 1, got 1\.5/);
});

test('environment changes that move a ratio are listed', () => {
  assert.deepEqual(environmentChanges(ENV, { ...ENV, gitCommit: 'other', hostname: 'x' }), []);
  assert.deepEqual(environmentChanges(ENV, { ...ENV, cores: 4, opensslVersion: '3.5.0' }), ['cores: 2 -> 4', 'opensslVersion: 3.0.0 -> 3.5.0']);
});

test('history: entries appended are read back in order; garbage lines are skipped and reported', () => {
  const dir = tmpDir();
  try {
    const file = path.join(dir, 'history.jsonl');
    assert.deepEqual(readHistory(file), { entries: [], skipped: [] });
    const entry = (runId: string, verdict: string): HistoryEntry => ({
      format: HISTORY_FORMAT, runId, time: '2026-01-01T00:00:00.000Z', environment: ENV, loadAverage1m: 0.5, quick: false,
      metrics: { 'ctr-aes': { ratio: 2.2, baselineRatio: 2.1, changePct: 4.8, pValue: 0.9, verdict } },
    });
    appendHistory(file, entry('run-1', 'ok'));
    fs.appendFileSync(file, '{"half a line\n\nnot json at all\n{"format":"something-else"}\n');
    appendHistory(file, { ...entry('run-2', 'regression'), injected: 'ctr-aes:0.25' });
    const { entries, skipped } = readHistory(file);
    assert.deepEqual(entries.map((e) => [e.runId, e.metrics['ctr-aes'].verdict, e.injected]), [['run-1', 'ok', undefined], ['run-2', 'regression', 'ctr-aes:0.25']]);
    assert.deepEqual(entries[0], entry('run-1', 'ok'));
    assert.deepEqual(skipped, [
      { line: 2, reason: 'not JSON' },
      { line: 4, reason: 'not JSON' },
      { line: 5, reason: `not a ${HISTORY_FORMAT} entry` },
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

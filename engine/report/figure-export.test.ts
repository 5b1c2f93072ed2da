// One plot exported for a paper: from the run the page reads it from, at the width asked, as SVG,
// PNG or PDF; a name that is a path is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportFigure, scaledSvg, svgSize } from './figure-export.js';
import { fullRecords, run, SVG, writeRun } from './fixtures/page-runs.js';
import { loadRuns } from './runs.js';

const CHROMIUM = '/usr/bin/chromium';

test('--figure: the reference run\'s plot, scaled to --width, as SVG, PNG and PDF; a path is not a plot name', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `report-figure-${process.pid}-`));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  await writeRun(path.join(dir, 'reference'), run('2026-01-01T00:00:00.000Z', fullRecords(40)), 'fig1-time.svg');
  const newer = await writeRun(path.join(dir, 'runs'), run('2026-02-01T00:00:00.000Z', fullRecords(30)), 'fig1-time.svg');
  fs.writeFileSync(path.join(newer, 'fig1-time.svg'), SVG.replace('#1f77b4', '#ff0000'));
  const runs = [...(await loadRuns(path.join(dir, 'reference'), 'reference')).runs, ...(await loadRuns(path.join(dir, 'runs'), 'local')).runs];
  const out = path.join(dir, 'figures');

  const svg = await exportFigure(runs, 'fig1-time', 'svg', out, 480);
  assert.equal(svg.run.origin, 'reference', 'the run the page reads');
  const text = fs.readFileSync(svg.file, 'utf8');
  assert.deepEqual(svgSize(text), { width: 480, height: 240 });
  assert.match(text, /viewBox="0 0 120 60"/);
  assert.match(text, /#1f77b4/);
  assert.equal((await exportFigure(runs, 'fig1-time', 'svg', out, undefined, 'newest')).run.origin, 'local', '--prefer newest');

  const png = fs.readFileSync((await exportFigure(runs, 'fig1-time', 'png', out, 300)).file);
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [300, 150], 'the width asked, the height in proportion');

  if (fs.existsSync(CHROMIUM)) {
    const pdf = fs.readFileSync((await exportFigure(runs, 'fig1-time', 'pdf', out, 600)).file);
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    assert.match(pdf.toString('latin1'), /\/MediaBox \[0 0 450 22[45](\.\d+)?\]/, '600 x 300 px is 450 x 225 pt: a page the size of the plot');
    assert.match(pdf.toString('latin1'), /\/Count 1\b/, 'one page');
  }
  await assert.rejects(exportFigure(runs, '../../etc/passwd', 'svg', out), /is not a plot name/);
  await assert.rejects(exportFigure(runs, 'fig9-none', 'svg', out), /no run read holds a plot "fig9-none"/);
  await assert.rejects(exportFigure(runs, 'fig1-time', 'svg', out, 5), /--width 5/);
  assert.deepEqual(fs.readdirSync(out).sort(), ['fig1-time.pdf', 'fig1-time.png', 'fig1-time.svg'].filter((f) => fs.existsSync(CHROMIUM) || !f.endsWith('.pdf')));
});

test('scaledSvg keeps the drawing: a root without viewBox gets one, so it scales rather than crops', () => {
  const bare = '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><rect width="100" height="50"/></svg>';
  assert.match(scaledSvg(bare, 200), /<svg viewBox="0 0 100 50" xmlns="http:\/\/www.w3.org\/2000\/svg" width="200" height="100">/);
});

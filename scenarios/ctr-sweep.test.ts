import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { Progress } from '../engine/report/progress.js';
import { schemaErrors } from '../engine/report/result-schema.js';
import { runScenario } from '../engine/runner/cli.js';
import { DEFAULT_TOPOLOGY_FILE } from '../engine/topology/topology.js';
import { ctrSweep } from './ctr-sweep.js';

test('a small ctr-sweep writes the report folder with the expected rows', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'sweep-'));
  const quiet = new Progress(process.stderr, false);
  try {
    const { dir, run } = await runScenario(ctrSweep, {
      quick: true,
      topologyFile: DEFAULT_TOPOLOGY_FILE,
      outParent: out,
      seed: 'harness',
      flags: { procs: '1,2', reps: '2', 'max-size': String(200 * 1024) },
      progress: quiet,
    });
    const files = fs.readdirSync(dir);
    for (const f of [
      'results.csv', 'results.json', 'report.md', 'index.html', 'fig1-encryption-time.svg', 'fig1-encryption-time.png', 'fig2-decryption-time-offset.png',
      'fig2-decryption-time-gather.png', 'speedup-decrypt-vs-encrypt.png',
    ]) {
      assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
    }
    // the per-process charts draw 1 MiB and more: at 200 KiB there is nothing for them to show, and no empty chart
    for (const f of ['speedup-vs-processes.png', 'throughput-vs-processes.png']) assert.ok(!files.includes(f), `${f} without a point`);
    const measured = run.records.filter((r) => r.source === 'measured');
    assert.equal(measured.length, 2 * 2 * 2 * 3, '2 sizes x 2 process counts x 2 integrities x (encrypt, decrypt offset, decrypt gather)');
    assert.ok(measured.every((r) => r.status === 'completed' && r.metrics.wallMs.samples === 2));
    const decrypts = measured.filter((r) => r.experiment === 'fig2-decrypt');
    assert.deepEqual([...new Set(decrypts.map((r) => `${r.parameters.stitch} ${r.parameters.integrity}`))].sort(), ['gather aes-128-gcm', 'gather none', 'offset aes-128-gcm', 'offset none']);
    assert.ok(decrypts.filter((r) => r.parameters.stitch === 'gather').every((r) => r.metrics.stitchMs.samples === 2), 'the master\'s stitch is timed');
    assert.ok(decrypts.filter((r) => r.parameters.stitch === 'offset').every((r) => r.metrics.stitchMs === undefined));
    for (const r of measured) {
      assert.match(String(r.parameters.ranOn), new RegExp(`^${os.hostname()}: ${r.threads} threads? on ${os.availableParallelism()} cores$`));
      assert.equal(r.parameters.oversubscribed, r.threads > os.availableParallelism(), 'oversubscription counts real cores');
    }
    assert.equal(run.records.filter((r) => r.source === 'paper').length, 2);
    // each 2-process point's speedup is the 1-process median over its own, for the same operation and size
    const variant = (r: (typeof measured)[number]) => `${r.experiment} ${r.parameters.sizeBytes} ${r.parameters.integrity} ${r.parameters.stitch ?? '-'}`;
    const twos = measured.filter((r) => r.parameters.procs === 2);
    assert.equal(twos.length, 12);
    for (const two of twos) {
      const one = measured.find((r) => r.parameters.procs === 1 && variant(r) === variant(two))!;
      const expected = one.metrics.wallMs.median / two.metrics.wallMs.median;
      assert.ok(Math.abs(two.metrics.speedupX.median - expected) <= 1e-9 * expected, `${variant(two)}: speedup ${two.metrics.speedupX.median}, 1-process median over 2-process median ${expected}`);
    }
    assert.equal(run.environment.cores, os.availableParallelism());
    const rows = parse(fs.readFileSync(path.join(dir, 'results.csv')), { columns: true }) as Record<string, string>[];
    assert.ok(rows.some((r) => r.source === 'paper' && r.metric === 'throughputGbps' && r.median === '4.233'));
    assert.ok(rows.every((r) => r['env.nodeVersion'] === process.version));
    assert.deepEqual(schemaErrors(JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8'))), [], 'results.json follows engine/report/result.schema.json');
    assert.ok(rows.every((r) => r['param.oversubscribed'] === 'true' || r['param.oversubscribed'] === 'false' || (r.source === 'paper' && r['param.oversubscribed'] === '')), 'booleans are true or false');
    const md = fs.readFileSync(path.join(dir, 'report.md'), 'utf8');
    assert.match(md, /\| encryption speedup over 1 process \(encrypt \(no tag\)\) \| x \| 6\.7 \|/);
    assert.match(md, /\| decryption speedup over 1 process \(decrypt, gather \(no tag\)\) \| x \| 6\.378 \|/);
    assert.ok(rows.some((r) => r['param.stitch'] === 'gather') && rows.some((r) => r['param.integrity'] === 'none'));
    assert.match(md, /This machine has \d+ cores/);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('--stitch and --integrity choose the variants; an unknown one is a usage error naming it', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'sweep-'));
  const opts = (flags: Record<string, string>) => ({ quick: true, topologyFile: DEFAULT_TOPOLOGY_FILE, outParent: out, seed: 'harness', flags, progress: new Progress(process.stderr, false) });
  try {
    const { run } = await runScenario(ctrSweep, opts({ procs: '2', reps: '1', 'max-size': String(100 * 1024), stitch: 'gather', integrity: 'none' }));
    const measured = run.records.filter((r) => r.source === 'measured');
    assert.deepEqual(measured.map((r) => `${r.experiment} ${r.parameters.integrity} ${r.parameters.stitch ?? '-'}`), ['fig1-encrypt none -', 'fig2-decrypt none gather']);
    await assert.rejects(runScenario(ctrSweep, opts({ procs: '1', stitch: 'scatter' })), /--stitch: "scatter" is not one of offset, gather/);
    await assert.rejects(runScenario(ctrSweep, opts({ procs: '1', integrity: 'hmac' })), /--integrity: "hmac" is not one of aes-128-gcm, none/);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});


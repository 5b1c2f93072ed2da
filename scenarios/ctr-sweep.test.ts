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
    for (const f of ['results.csv', 'results.json', 'report.md', 'index.html', 'fig1-encryption-time.svg', 'fig1-encryption-time.png', 'fig2-decryption-time.png', 'speedup-vs-processes.png', 'throughput-vs-processes.png']) {
      assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
    }
    const measured = run.records.filter((r) => r.source === 'measured');
    assert.equal(measured.length, 2 * 2 * 2, '2 sizes x 2 process counts x encrypt and decrypt');
    assert.ok(measured.every((r) => r.status === 'completed' && r.metrics.wallMs.samples === 2));
    assert.equal(run.records.filter((r) => r.source === 'paper').length, 2);
    const one = measured.find((r) => r.parameters.procs === 1 && r.experiment === 'fig1-encrypt')!;
    assert.equal(one.metrics.speedupX.median, 1);
    assert.equal(run.environment.cores, os.availableParallelism());
    const rows = parse(fs.readFileSync(path.join(dir, 'results.csv')), { columns: true }) as Record<string, string>[];
    assert.ok(rows.some((r) => r.source === 'paper' && r.metric === 'throughputGbps' && r.median === '4.233'));
    assert.ok(rows.every((r) => r['env.nodeVersion'] === process.version));
    assert.deepEqual(schemaErrors(JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8'))), [], 'results.json follows engine/report/result.schema.json');
    assert.ok(rows.every((r) => r['param.oversubscribed'] === 'true' || r['param.oversubscribed'] === 'false' || (r.source === 'paper' && r['param.oversubscribed'] === '')), 'booleans are true or false');
    const md = fs.readFileSync(path.join(dir, 'report.md'), 'utf8');
    assert.match(md, /\| encryption speedup over 1 process \| x \| 6\.7 \|/);
    assert.match(md, /This machine has \d+ cores/);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

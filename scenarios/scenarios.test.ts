// Every paper-003 scenario, shortened, through the runner: the folder it writes follows the
// committed JSON Schema, its CSV reads back, its plots and table exports are there (run-folder-check.testkit.ts;
// the paper-001 scenarios' folders are checked by the same function in link-scenarios.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Progress } from '../engine/report/progress.js';
import { runScenario, scenarioFlags } from '../engine/runner/cli.js';
import { DEFAULT_TOPOLOGY_FILE } from '../engine/topology/topology.js';
import { scenarios } from './index.js';
import { checkRunFolder } from './run-folder-check.testkit.js';

/** the shortest form of each that still exercises all of its code (flags as a user writes them) */
const SHORT: Record<string, Record<string, string>> = {
  'rc4plus-efficiency': { rounds: '3', sizes: '1KiB,16KiB' },
  'speed-bound': { 'max-parallels': '2', reps: '2' },
  identity: {},
  keydist: { peers: '2', concurrency: '1,2' },
  keygen: { rounds: '5', 'rsa-bits': '1024' },
  'cipher-transfer': { reps: '1', 'size-bytes': '300KiB' },
  intermediary: { runs: '1', 'size-bytes': '300KiB' },
};

const quiet = () => new Progress(Object.assign(new Writable({ write: (_c, _e, done) => done() }), { isTTY: false }) as unknown as NodeJS.WriteStream, false);

for (const [name, given] of Object.entries(SHORT)) {
  test(`${name}, shortened: results.json follows the schema, the CSV reads back, plots and tables are written`, async () => {
    const entry = scenarios.find((s) => s.name === name)!;
    const flags = scenarioFlags([entry], given).get(name)!;
    const out = fs.mkdtempSync(path.join(os.tmpdir(), `scenario-${name}-`));
    try {
      const { dir, run } = await runScenario(await entry.load(), { quick: true, topologyFile: DEFAULT_TOPOLOGY_FILE, outParent: out, seed: 'test', flags, progress: quiet() });
      assert.ok(run.records.some((r) => r.source === 'measured'), 'something was measured');
      assert.ok(run.records.every((r) => r.status === 'completed'), run.records.filter((r) => r.error).map((r) => r.error).join('; '));
      checkRunFolder(dir, run);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
}

test('every declaration says truly whether its body has a SimGrid model, and what-ifs only simulate', async () => {
  for (const entry of scenarios) {
    const body = await entry.load();
    assert.equal(body.name, entry.name);
    assert.equal(Boolean(body.simulate), Boolean(entry.simulationEstimate), `${entry.name}: simulate in the body, simulationEstimate in the declaration`);
    assert.equal(Boolean(body.whatIf), Boolean(entry.whatIf), `${entry.name}: whatIf`);
    if (entry.whatIf) assert.equal(body.simulate, undefined, `${entry.name}: a what-if's run is its simulation`);
    for (const f of entry.flags ?? []) assert.ok(!f.value || f.kind || f.choices, `${entry.name}: --${f.name} takes a value and says its kind`);
  }
});

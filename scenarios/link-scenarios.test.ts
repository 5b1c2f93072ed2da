import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { crossover } from '../engine/link/analysis.js';
import { Progress } from '../engine/report/progress.js';
import { recordErrors } from '../engine/report/result-schema.js';
import { runScenario, scenarioFlags } from '../engine/runner/cli.js';
import type { Scenario, ScenarioOutput } from '../engine/runner/scenario.js';
import { DEFAULT_TOPOLOGY_FILE } from '../engine/topology/topology.js';
import { climate } from './climate.js';
import { scenarios } from './index.js';
import { pingpong } from './pingpong.js';
import { checkRunFolder } from './run-folder-check.testkit.js';
import { Writable } from 'node:stream';

/**
 * Runs `scenario` through the runner, as `npm run scenario` does, into a temporary folder; checks the
 * folder it writes (results.json, CSV, plots, tables) and returns what the scenario produced.
 */
async function runAndCheck(scenario: Scenario, given: Record<string, string>, plots: string[]): Promise<ScenarioOutput> {
  const entry = scenarios.find((s) => s.name === scenario.name)!;
  let output: ScenarioOutput | undefined;
  const capturing: Scenario = { ...scenario, run: async (ctx) => (output = await scenario.run(ctx)) };
  const quiet = Object.assign(new Writable({ write: (_c, _e, done) => done() }), { isTTY: false }) as unknown as NodeJS.WriteStream;
  const outParent = fs.mkdtempSync(path.join(os.tmpdir(), `scenario-${scenario.name}-`));
  try {
    const { dir, run } = await runScenario(capturing, { quick: true, topologyFile: DEFAULT_TOPOLOGY_FILE, outParent, seed: 'test', flags: scenarioFlags([entry], given).get(scenario.name)!, progress: new Progress(quiet, false) });
    checkRunFolder(dir, run, plots);
  } finally {
    fs.rmSync(outParent, { recursive: true, force: true });
  }
  return output!;
}

describe('paper 001 scenarios, shortened', () => {
  test('pingpong measures every configuration and fills its tables; its run folder is written and read back', async () => {
    const out = await runAndCheck(pingpong, { sizes: '10,1024', iterations: '20' }, ['fig4-small-messages', 'fig5-a-unsecure', 'fig5-b-secure', 'links-over-bare-references']);
    const measured = out.records.filter((r) => r.experiment === 'fig4-5' && r.source === 'measured');
    // 8 links and 2 bare references (raw-shm, raw-tcp), at 2 sizes
    assert.equal(measured.length, 10 * 2);
    assert.ok(measured.every((r) => r.status === 'completed' && r.metrics.oneWayLatencyUs.median > 0));
    assert.deepEqual(new Set(measured.filter((r) => r.metrics.latencyRatioX === undefined).map((r) => r.parameters.configuration)), new Set(['raw-shm', 'raw-tcp']));
    const tcp10 = measured.find((r) => r.parameters.configuration === 'tcp' && r.parameters.sizeBytes === 10);
    const raw10 = measured.find((r) => r.parameters.configuration === 'raw-tcp' && r.parameters.sizeBytes === 10);
    assert.equal(tcp10?.parameters.reference, 'raw-tcp');
    assert.ok(Math.abs((tcp10?.metrics.latencyRatioX?.median ?? 0) - (tcp10?.metrics.oneWayLatencyUs.median ?? 0) / (raw10?.metrics.oneWayLatencyUs.median ?? 1)) < 1e-9);
    assert.equal(out.records.filter((r) => r.source === 'paper' && r.experiment === 'fig4-5').length, 5);
    const crossovers = (source: string) => out.records.filter((r) => r.experiment === 'crossover' && r.source === source).map((r) => r.metrics.crossoverBytes.median);
    assert.deepEqual(crossovers('paper'), [200], "Fig. 5's crossover as the paper gives it");
    const curveOf = (name: string) => measured.filter((r) => r.parameters.configuration === name).map((r) => ({ sizeBytes: Number(r.parameters.sizeBytes), latencyUs: r.metrics.oneWayLatencyUs.median }));
    const expected = crossover(curveOf('shm+des-ecb'), curveOf('tcp'));
    assert.deepEqual(crossovers('measured'), expected ? [expected.sizeBytes] : [], 'the measured crossover is read off the measured curves (none when secure shm is never slower)');
    assert.deepEqual(out.plots.map((p) => p.name), ['fig4-small-messages', 'fig5-a-unsecure', 'fig5-b-secure', 'links-over-bare-references']);
    // Fig. 5 in panels of at most six series, the crossover marked on the panel that holds both its curves
    const fig5 = out.plots.filter((p) => p.name.startsWith('fig5-')).map((p) => p.spec as unknown as { data: { values: { configuration?: string; _source?: string }[] }; layer: { mark: { type: string }; encoding: Record<string, unknown> }[] });
    for (const spec of fig5) assert.ok(new Set(spec.data.values.filter((r) => r._source === 'measured here').map((r) => r.configuration)).size <= 6);
    assert.equal(fig5[0].layer.filter((l) => l.mark.type === 'rule' && 'x' in l.encoding && !('y' in l.encoding)).length, expected ? 2 : 1, "the paper's crossover, and the measured one when there is one");
    const tenByte = out.tables[0];
    assert.equal(tenByte.rows.length, 10);
    assert.ok(tenByte.rows.every((r) => typeof r[4] === 'number'));
    assert.equal(out.tables[1].rows.length, 8 * 2);
    assert.ok(out.records.some((r) => r.experiment === 'placement' && r.parameters.placement === 'encrypt-per-put'));
    assert.deepEqual(recordErrors(out.records), [], 'records follow engine/report/result.schema.json');
  });

  test('climate runs every Table 1 cell and its fields match across modes; its run folder is written and read back', async () => {
    const out = await runAndCheck(climate, { steps: '4', reps: '1', 'calibration-rounds': '1' }, []);
    const measured = out.records.filter((r) => r.source === 'measured' && r.experiment === 'table1');
    assert.equal(measured.length, 10);
    assert.equal(new Set(measured.map((r) => r.parameters.stateHash)).size, 1);
    assert.ok(measured.every((r) => r.metrics.cpuSecondsPerDay.median > 0 && Number(r.parameters.transposesPerStep) > 0));
    // the workload was sized on "No secure" and "All secure" (DES): those are calibrated, the rest predicted
    const fit = (mode: string, mechanism: string) => new Set(measured.filter((r) => r.parameters.mode === mode && r.parameters.mechanism === mechanism).map((r) => r.parameters.workloadFit));
    assert.deepEqual(fit('none', 'none'), new Set(['calibrated']));
    assert.deepEqual(fit('all', 'des-ecb'), new Set(['calibrated']));
    assert.deepEqual(fit('coupler', 'des-ecb'), new Set(['predicted']));
    assert.deepEqual(fit('all', 'aes-128-gcm'), new Set(['predicted']));
    assert.equal(out.records.filter((r) => r.experiment === 'table1-calibration').length, 4);
    assert.ok(out.records.find((r) => r.experiment === 'table1-rates')!.metrics.desBytesPerS.median > 0);
    assert.equal(out.tables[0].rows.length, 3);
    const ratios = out.tables[2];
    assert.deepEqual(ratios.rows.filter((r) => String(r[0]).endsWith('coupler/none')).map((r) => r[1]), ['predicted', 'predicted']);
    assert.ok(out.notes.some((n) => n.startsWith('Calibrated (DES, CPU time)') && n.includes('Predicted, coupler/none: TCP')));
    assert.ok(out.notes.some((n) => n.startsWith('Bit-identical')));
    assert.deepEqual(recordErrors(out.records), [], 'records follow engine/report/result.schema.json');
  });
});

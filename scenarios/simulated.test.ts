import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Progress } from '../engine/report/progress.js';
import { runScenario } from '../engine/runner/cli.js';
import type { Scenario } from '../engine/runner/scenario.js';
import { simgridMissingReason } from '../engine/sim/simgrid.js';
import { costS } from '../engine/sim/profile.js';
import { provenanceErrors } from '../engine/sim/provenance.js';
import { plotFolderProblems } from '../engine/report/plot-lint.js';
import { simulateClimate } from '../engine/sim/models/climate.js';
import { workloadOf } from '../engine/link/climate/workload.js';
import { CLUSTER_CONFIG_DIR, loadTopology } from '../engine/topology/topology.js';
import { climate, harnessLayout, simulatedLayout, table1WorkloadPlan } from './climate.js';
import { ctrSweep } from './ctr-sweep.js';
import { pingpong } from './pingpong.js';

// SimGrid comes from npm test's pretest (engine/sim/ensure-simgrid.sh); skipped, saying why, only where it could not be installed.
const missing = await simgridMissingReason();
const withSimGrid = missing ? { skip: missing } : {};
const quiet = () => new Progress(process.stderr, false);
const profile = (name: string) => path.join(CLUSTER_CONFIG_DIR, `${name}.json`);

async function inTemp<T>(f: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simulated-'));
  try {
    return await f(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('ctr-sweep --mode both on the paper\'s cluster: measured, simulated and paper rows, labelled', withSimGrid, () =>
  inTemp(async (out) => {
    const { dir, run } = await runScenario(ctrSweep, { quick: true, topologyFile: profile('paper-000-beowulf'), outParent: out, seed: 'harness', flags: { procs: '1,12', reps: '1', 'max-size': String(100 * 1024) }, progress: quiet(), mode: 'both' });
    assert.equal(run.mode, 'both');
    const simulated = run.records.filter((r) => r.source === 'simulated');
    assert.ok(run.records.some((r) => r.source === 'measured'));
    assert.equal(run.records.filter((r) => r.source === 'paper').length, 2, 'the paper rows once, not once a mode');
    // One figure is fitted (1 process, 1 GB, encryption); every other one is a prediction.
    const md = fs.readFileSync(path.join(dir, 'report.md'), 'utf8');
    const calibrated = simulated.filter((r) => r.fit === 'calibrated' && r.experiment !== 'readings');
    assert.equal(calibrated.length, 1);
    // each reading of the setup (A, B, C; sequential and streamed) is calibrated on the same 1-process time, and predicts the rest
    const readings = simulated.filter((r) => r.experiment === 'readings');
    assert.equal(new Set(readings.map((r) => `${r.parameters.reading}/${r.parameters.pipeline}`)).size, 6);
    for (const r of readings) {
      assert.equal(r.fit, r.parameters.procs === 1 ? 'calibrated' : 'predicted');
      if (r.parameters.procs === 1) assert.ok(Math.abs(r.errorVsPaperPct!.wallMs) < 0.5, `${r.parameters.reading}: ${r.errorVsPaperPct!.wallMs} %`);
    }
    const speedup = (id: string, pipeline: string) => readings.find((r) => String(r.parameters.reading).startsWith(id) && String(r.parameters.pipeline).startsWith(pipeline) && r.parameters.operation === 'encrypt' && r.parameters.procs === 12)!.metrics.speedupX.median;
    // disk traffic bounds reading A (2 x 358 MB a node at 210 MB/s: 3.99x at most); C is bound by AES on 12 cores
    assert.ok(speedup('A', 'streamed') < 3.99 && speedup('B', 'streamed') > speedup('A', 'streamed') && speedup('C', 'streamed') > speedup('B', 'streamed'));
    assert.ok(speedup('C', 'sequential') > 11 && speedup('C', 'sequential') <= 12);
    assert.match(md, /not possible with a network gather on its LAN: 57\.\d s needed/);
    assert.match(md, /\| 12 processes, 1 GB: decryption with a network gather \(the paper's figure is not possible with one on its LAN: 57\.\d+ s needed at least\) \| s \| 2\.13\d* \| [0-9.]+ \| predicted \|/);
    assert.deepEqual([calibrated[0].parameters.operation, calibrated[0].parameters.procs, calibrated[0].parameters.sizeBytes], ['encrypt', 1, 2 ** 30]);
    assert.ok(Math.abs(calibrated[0].errorVsPaperPct!.wallMs) < 0.1);
    assert.ok(simulated.every((r) => r.fit === 'calibrated' || r.fit === 'predicted'));
    assert.deepEqual(provenanceErrors(run.records), []);
    const enc12 = simulated.find((r) => r.parameters.operation === 'encrypt' && r.parameters.procs === 12 && r.parameters.sizeBytes === 2 ** 30)!;
    assert.equal(enc12.fit, 'predicted');
    const expectedErr = (100 * (enc12.metrics.speedupX.median - 6.7)) / 6.7;
    assert.ok(Math.abs(enc12.errorVsPaperPct!.speedupX - expectedErr) < 1e-9);
    assert.equal(enc12.parameters.profile, 'paper-000-beowulf');
    assert.match(md, /\| 12 processes, 1 GB: encryption speedup \| x \| 6\.7 \| [0-9.]+ \| predicted \| -[0-9.]+ % \|/);
    assert.match(md, /Prediction off by -\d+ %: decryption speedup/);
    assert.ok(fs.existsSync(path.join(dir, 'sim-fig1-encryption-time.png')));
    // measured to 100 KiB only: the 1 GB speedup chart draws no measured point, and its subtitle promises none
    assert.deepEqual(plotFolderProblems(dir), []);
  }));

test('pingpong and climate on the SP2: calibrated only where a paper figure was fitted', withSimGrid, () =>
  inTemp(async (out) => {
    const pp = await runScenario(pingpong, { quick: true, topologyFile: profile('paper-001-sp2'), outParent: out, seed: 'harness', flags: {}, progress: quiet(), mode: 'simulate' });
    const calibrated = pp.run.records.filter((r) => r.fit === 'calibrated').map((r) => `${r.parameters.configuration}@${r.parameters.sizeBytes}`);
    assert.deepEqual(calibrated.sort(), ['shm@10', 'tcp@10']);
    assert.deepEqual(provenanceErrors(pp.run.records), []);
    assert.ok(!pp.run.records.some((r) => r.source === 'measured'), 'simulate measures nothing');
    const desAt10 = pp.run.records.find((r) => r.source === 'simulated' && r.parameters.configuration === 'shm+des-ecb' && r.parameters.sizeBytes === 10)!;
    // DES at both ends on the 16 bytes the engine ciphers and sends for 10 (PKCS#7 pads to whole 8-byte blocks)
    assert.ok(Math.abs(desAt10.errorVsPaperPct!.oneWayLatencyUs - ((96 + (2 * 16) / 0.34 + 6 / 35 - 154) / 154) * 100) < 0.05, String(desAt10.errorVsPaperPct!.oneWayLatencyUs));
    assert.deepEqual(provenanceErrors(pp.run.records), []);
    const md = fs.readFileSync(path.join(pp.dir, 'report.md'), 'utf8');
    assert.match(md, /0\.34 MB\/s DES rate read two ways/);
    assert.match(md, /literally makes secure TCP 552 us/);
    assert.deepEqual(plotFolderProblems(pp.dir), []);
    const cross = pp.run.records.filter((r) => r.experiment === 'crossover');
    assert.deepEqual(cross.map((r) => `${r.source}/${r.fit ?? '-'}`).sort(), ['paper/-', 'simulated/predicted'], "Fig. 5's crossover: the paper's and the model's, predicted");
    const simulatedCross = cross.find((r) => r.source === 'simulated')!;
    assert.ok(Math.abs(simulatedCross.errorVsPaperPct!.crossoverBytes - ((simulatedCross.metrics.crossoverBytes.median - 200) / 200) * 100) < 1e-6);
    const cl = await runScenario(climate, { quick: true, topologyFile: profile('paper-001-sp2'), outParent: out, seed: 'harness', flags: {}, progress: quiet(), mode: 'simulate' });
    const own = cl.run.records.filter((r) => r.source === 'simulated' && r.parameters.traffic === 'the harness\'s model');
    // compute from "No secure, MPL"; the transposes' bytes from the TCP cells: each is computed from itself
    assert.deepEqual(own.filter((r) => r.fit === 'calibrated').map((r) => `${r.parameters.intraTransport}/${r.parameters.mode}/${r.parameters.mechanism}`).sort(), ['shm/none/none', 'tcp/all/des-ecb', 'tcp/none/none']);
    assert.ok(Math.abs(own.find((r) => r.fit === 'calibrated' && r.parameters.intraTransport === 'shm')!.metrics.secondsPerDay.median - 574) < 1);
    assert.deepEqual(provenanceErrors(cl.run.records), []);
    // the coupler's increment (Coupler secure minus No secure) beside the paper's 43 s (TCP) and 16 s (MPL), for both layouts
    const increments = cl.run.records.filter((r) => r.experiment === 'table1-increment' && r.source === 'simulated');
    assert.deepEqual(cl.run.records.filter((r) => r.experiment === 'table1-increment' && r.source === 'paper').map((r) => r.metrics.couplerIncrementSPerDay.median).sort(), [16, 43]);
    assert.equal(increments.length, 4);
    for (const r of increments) {
      const cell = (mode: string) => cl.run.records.find((x) => x.experiment === 'table1' && x.parameters.traffic === r.parameters.traffic && x.parameters.intraTransport === r.parameters.intraTransport && x.parameters.mode === mode && (mode === 'none' || x.parameters.mechanism === 'des-ecb'))!;
      assert.ok(Math.abs(r.metrics.couplerIncrementSPerDay.median - (cell('coupler').metrics.secondsPerDay.median - cell('none').metrics.secondsPerDay.median)) < 1e-6);
      const paper = r.parameters.intraTransport === 'tcp' ? 43 : 16;
      assert.ok(Math.abs(r.errorVsPaperPct!.couplerIncrementSPerDay - ((r.metrics.couplerIncrementSPerDay.median - paper) / paper) * 100) < 1e-6);
      assert.equal(r.fit, 'predicted');
    }
    assert.match(fs.readFileSync(path.join(cl.dir, 'report.md'), 'utf8'), /the harness's layout beside the traffic Table 1 implies/);
    assert.deepEqual(plotFolderProblems(cl.dir), []);
  }));

test("the harness's layout in SimGrid sends the transposes the measured model sends, and all-secure pays their DES", withSimGrid, async () => {
  const plan = table1WorkloadPlan();
  const w = workloadOf(plan, 0);
  const layout = harnessLayout();
  assert.deepEqual(layout.atmosphere.transposes, { messages: w.transposeMessages, bytes: w.transposeBytes });
  const perDay = w.transposeMessages * w.transposeBytes * plan.stepsPerDay;
  assert.ok(Math.abs(perDay - plan.transposeBytesPerDay) / plan.transposeBytesPerDay < 0.01, `${perDay} B a day against the plan's ${plan.transposeBytesPerDay}`);
  const sp2 = loadTopology(profile('paper-001-sp2'));
  const cell = { intra: 'shm' as const, mode: 'all' as const, mechanism: 'des-ecb' };
  const opts = { computeSPerStep: 0, couplings: 2 };
  const [withTransposes] = (await simulateClimate(sp2, layout, [cell], opts)).results;
  const [without] = (await simulateClimate(sp2, simulatedLayout(), [cell], opts)).results;
  // the busiest rank seals what it sends to and opens what it gets from each neighbour, every step
  const neighbours = Math.min(2, layout.atmosphere.ranks - 1);
  const desS = costS(sp2.nodes[0].rates['des-ecb'], w.transposeBytes, 1) * w.transposeMessages;
  const expectedS = 2 * neighbours * desS * plan.stepsPerDay;
  const addedS = withTransposes.secondsPerDay - without.secondsPerDay;
  assert.ok(Math.abs(addedS - expectedS) / expectedS < 0.05, `transposes add ${addedS.toFixed(1)} s a day, their DES alone ${expectedS.toFixed(1)} s`);
});

test('--mode simulate on a scenario without a model is refused by name', withSimGrid, () =>
  inTemp(async (out) => {
    const { identity } = await import('./identity.js');
    await assert.rejects(runScenario(identity, { quick: true, topologyFile: profile('paper-003-lab'), outParent: out, seed: 'harness', flags: {}, progress: quiet(), mode: 'simulate' }), /identity has no simulation model/);
  }));

test('the what-ifs, shortened: simulated records only, each with its fit; the report follows the schema; the plot says simulated', withSimGrid, () =>
  inTemp(async (out) => {
    const { schemaErrors } = await import('../engine/report/result-schema.js');
    const { whatifCtrScale } = await import('./whatif-ctr-scale.js');
    const { whatifClimateModern } = await import('./whatif-climate-modern.js');
    const { whatifSwarm } = await import('./whatif-swarm.js');
    const runs: [Scenario, Record<string, string>][] = [
      [whatifCtrScale, { nodes: '3,6', 'bandwidths-gbps': '0.1' }],
      [whatifClimateModern, {}],
      [whatifSwarm, { 'swarm-sizes': '10' }],
    ];
    for (const [scenario, flags] of runs) {
      // asked to measure, a what-if simulates all the same
      const { dir, run } = await runScenario(scenario, { quick: true, topologyFile: profile('paper-000-beowulf'), outParent: out, seed: 'harness', flags, progress: quiet(), mode: 'measure' });
      assert.equal(run.mode, 'simulate', scenario.name);
      assert.deepEqual(schemaErrors(JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8'))), [], scenario.name);
      assert.ok(run.records.length > 0 && run.records.every((r) => r.source === 'simulated' && (r.fit === 'predicted' || r.fit === 'calibrated')), scenario.name);
      assert.deepEqual(provenanceErrors(run.records), [], scenario.name);
      if (scenario === whatifSwarm) {
        // every configuration over 10 seeds, its spread kept; the preloaded intermediaries (Fig. 11's C) beside the flash crowd
        assert.deepEqual(run.records.map((r) => r.parameters.intermediaries).sort(), ['preloaded', 'refused', 'some-pieces', 'whole-file']);
        for (const r of run.records) assert.equal(r.metrics.meanCompletionS.samples, 10, String(r.parameters.intermediaries));
        const mean = (v: string) => run.records.find((r) => r.parameters.intermediaries === v)!.metrics.meanCompletionS;
        // empty intermediaries cannot beat F / u_seed: 64 MiB through the seed's 1 MB/s; preloaded ones can
        assert.ok(mean('whole-file').min! > 2 ** 26 / 1e6 && mean('preloaded').max! < 2 ** 26 / 1e6);
      }
      if (scenario === whatifClimateModern) {
        const sealers = new Set(run.records.map((r) => r.parameters.sealer).filter(Boolean));
        assert.deepEqual([...sealers].sort(), ["Node's link sealer", "OpenSSL's own seal"]);
        // the 1996 TCP cells the traffic is derived from are computed from themselves
        const fits = run.records.filter((r) => String(r.parameters.era).startsWith('1996') && r.parameters.intraTransport === 'tcp').map((r) => `${r.parameters.mode}:${r.fit}`);
        assert.deepEqual(fits.sort(), ['all:calibrated', 'coupler:predicted', 'none:calibrated']);
      }
      const spec = fs.readFileSync(path.join(dir, `${scenario.name}.vl.json`), 'utf8');
      assert.match(spec, /"simulated \(SimGrid[^"]*\)"/, `${scenario.name}: the legend names the simulation`);
      assert.doesNotMatch(spec, /"measured here"/, `${scenario.name}: nothing is drawn as measured`);
      assert.ok(fs.existsSync(path.join(dir, `${scenario.name}.png`)));
      assert.deepEqual(plotFolderProblems(dir), [], scenario.name);
    }
  }));

test("paper 003's simulate paths: every record's fit follows from its inputs; the RC4+ loss as a sensitivity to the line rate", withSimGrid, () =>
  inTemp(async (out) => {
    const { cipherTransfer } = await import('./cipher-transfer.js');
    const { speedBound } = await import('./speed-bound.js');
    const { intermediary } = await import('./intermediary.js');
    for (const scenario of [cipherTransfer, speedBound, intermediary]) {
      const { run } = await runScenario(scenario, { quick: true, topologyFile: profile('paper-003-lab'), outParent: out, seed: 'harness', flags: {}, progress: quiet(), mode: 'simulate' });
      assert.deepEqual(provenanceErrors(run.records), [], scenario.name);
      if (scenario === speedBound) {
        // one encryptor's rate is the paper's own figure: that cell alone is calibrated
        assert.deepEqual(run.records.filter((r) => r.fit === 'calibrated').map((r) => `${r.parameters.parallels}/${r.parameters.link}`), ['1/none (encryption alone)']);
      }
      if (scenario === cipherTransfer) {
        const lost = run.records.filter((r) => r.experiment === 'line-rate-sensitivity' && r.parameters.sizeBytes === run.records.find((x) => x.experiment === 'line-rate-sensitivity')!.parameters.sizeBytes);
        assert.deepEqual(lost.map((r) => r.parameters.lineRateMbps), [10, 100, 1000, 10000]);
        const pct = lost.map((r) => r.metrics.lostToRc4plusPct.median);
        assert.ok(pct.every((p, i) => i === 0 || p >= pct[i - 1]), `the loss grows with the line: ${pct.join(', ')}`);
        assert.ok(pct[0] < 1 && pct[3] > 50, pct.join(', '));
      }
    }
  }));

// climate on a user's own hosts: --hostfile implies mpirun, a hostfile that cannot hold the model's
// ranks or names a host that does not answer is refused before any work (naming the file and the
// line), and with a hostfile of this machine every rank runs as its own process under mpirun,
// recorded with the launcher and each rank's host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findOnPath } from '../engine/mpi/launcher.js';
import type { RunResult } from '../engine/report/record.js';
import { captureOutput } from '../engine/runner/capture-output.testkit.js';
import { main } from '../engine/runner/cli.js';
import { climatePlan } from './climate.meta.js';
import { scenarios } from './index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'climate-hosts-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const hostfile = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};
const needsMpirun = findOnPath('mpirun') ? false : 'needs mpirun';
const noInstall = async () => ({ missing: async () => undefined, canInstall: () => false, install: async () => {} });

test('climate --hostfile implies mpirun; with --launcher threads it is a usage error; fewer slots than its 4 ranks are refused naming the file and the line', () => {
  const four = hostfile('four', 'localhost slots=4\n');
  assert.deepEqual(climatePlan({ hostfile: four }), { launcher: 'mpirun', hostfile: four });
  assert.deepEqual(climatePlan({}), { launcher: 'threads' });
  assert.deepEqual(climatePlan({ launcher: 'mpirun' }), { launcher: 'mpirun' });
  assert.throws(() => climatePlan({ hostfile: four, launcher: 'threads' }), /--hostfile runs the ranks under mpirun on its hosts: drop --launcher threads/);
  assert.throws(() => climatePlan({ hostfile: hostfile('three', '# ours\nlocalhost slots=3\n') }), /three: 3 slots in all \(localhost 3\), fewer than the 4 processes of the largest point \(line 2\)/);
});

test('--dry-run and the run itself refuse a bad hostfile before any work: too few slots, and a host that does not answer, each naming the file and the line', { skip: needsMpirun }, async () => {
  const out = path.join(dir, 'refused-runs');
  const run = async (...argv: string[]) => captureOutput(() => main(['climate', '--quick', '--out', out, ...argv], scenarios, noInstall));
  const few = await run('--dry-run', '--hostfile', hostfile('two-slots', 'localhost slots=2\n'));
  assert.equal(few.code, 2);
  assert.match(few.err, /--hostfile: .*two-slots: 2 slots in all \(localhost 2\), fewer than the 4 processes of the largest point \(line 1\)/);
  // written slots are enough, so only the check job finds the second host missing: before any work
  // this machine first by a name the other hosts reach it by (a first "localhost" with other hosts is refused at once)
  const lost = await run('--hostfile', hostfile('lost', `${os.hostname()} slots=2\nno-such-host.invalid slots=2\n`));
  assert.equal(lost.code, 1, lost.err);
  assert.match(lost.err, /error: climate: .*lost: .*no-such-host\.invalid did not answer/);
  if (findOnPath('ssh')) assert.match(lost.err, /ssh could not reach no-such-host\.invalid \(.*lost, line 2\)/);
  assert.ok(!fs.existsSync(out) || fs.readdirSync(out).length === 0, 'no run folder: nothing ran');
});

test('climate --hostfile (this machine): checked, then 4 rank processes under mpirun, Table 1\'s TCP column and a TLS cell, bit-identical, recorded with the launcher and each rank\'s host', { skip: needsMpirun }, async () => {
  const file = hostfile('hosts', 'localhost slots=4\n');
  const out = path.join(dir, 'runs');
  const { code, err } = await captureOutput(() => main(['climate', '--quick', '--hostfile', file, '--steps', '2', '--reps', '1', '--calibration-rounds', '1', '--out', out], scenarios, noInstall));
  assert.equal(code, 0, err);
  // the check before any work: the host answered with the harness version of this checkout
  assert.match(err, /climate: --hostfile .*hosts: localhost \(\S+, \d+ cores\) answered, harness .* on each, 4 slots for up to 4 processes/);
  const [runDir] = fs.readdirSync(out).map((d) => path.join(out, d));
  const run = JSON.parse(fs.readFileSync(path.join(runDir, 'results.json'), 'utf8')) as RunResult;
  const measured = run.records.filter((r) => r.source === 'measured' && r.experiment === 'table1');
  assert.deepEqual(measured.map((r) => `${r.parameters.intraTransport} ${r.parameters.mode} ${r.parameters.mechanism}`).sort(), [
    'tcp all aes-128-gcm', 'tcp all des-ecb', 'tcp coupler aes-128-gcm', 'tcp coupler des-ecb', 'tcp none none', 'tls all none',
  ]);
  const hostname = os.hostname();
  for (const r of measured) {
    assert.equal(r.status, 'completed');
    assert.equal(r.parameters.launcher, 'mpirun');
    assert.equal(r.parameters.hostfile, file);
    assert.equal(r.parameters.rankHosts, `atmosphere/0 ${hostname}, atmosphere/1 ${hostname}, ocean/0 ${hostname}, ocean/1 ${hostname}`);
    assert.ok(r.metrics.secondsPerDay.median > 0 && r.metrics.cpuSecondsPerDay.median > 0);
  }
  // the tls cell really ran over TLS, negotiated between the rank processes; the tcp cells carry nothing of the kind
  assert.match(String(measured.find((r) => r.parameters.intraTransport === 'tls')?.parameters.tlsProtocol), /^TLSv1\.[23]$/);
  assert.ok(measured.filter((r) => r.parameters.intraTransport === 'tcp').every((r) => r.parameters.tlsProtocol === undefined));
  // one science: every cell ended with the same state
  assert.equal(new Set(measured.map((r) => r.parameters.stateHash)).size, 1);
  assert.ok(run.records.filter((r) => r.experiment === 'table1-calibration').every((r) => r.parameters.intraTransport === 'tcp'));
  assert.match(run.environment.launcher, /^mpirun \(Open MPI\).*, --hostfile .*hosts$/);
  const report = fs.readFileSync(path.join(runDir, 'report.md'), 'utf8');
  assert.match(report, /Its MPL column did not/);
  assert.doesNotMatch(report, /NaN|Infinity/);
});

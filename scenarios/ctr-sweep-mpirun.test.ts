// ctr-sweep under mpirun when jobs fail: the first reason on the terminal, a sweep whose first round
// all failed stopped there, and a report without -Infinity, NaN or "n/a" figures when some points
// failed. A fake mpirun on PATH fails (or hands over to the real one for its first calls).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findOnPath } from '../engine/mpi/launcher.js';
import { Progress } from '../engine/report/progress.js';
import { runScenario } from '../engine/runner/cli.js';
import { DEFAULT_TOPOLOGY_FILE } from '../engine/topology/topology.js';
import { ctrSweep } from './ctr-sweep.js';

const realMpirun = findOnPath('mpirun');

/** A folder holding an `mpirun` that says it is OpenMPI, runs the real one for its first `passes` calls, then fails. */
function fakeMpirun(passes: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-mpirun-'));
  fs.writeFileSync(
    path.join(dir, 'mpirun'),
    `#!/bin/sh
if [ "$1" = --version ]; then echo "mpirun (Open MPI) 4.1.4"; exit 0; fi
n=$(cat "${dir}/calls" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > "${dir}/calls"
if [ $n -le ${passes} ]; then exec ${realMpirun ?? 'false'} "$@"; fi
echo "fake mpirun: the ranks' hosts cannot be reached" >&2
exit 1
`,
    { mode: 0o755 },
  );
  return dir;
}

/** Runs ctr-sweep with the fake mpirun first on PATH; returns what the progress said and the run (or its error). */
async function sweepWith(fake: string, flags: Record<string, string | true>) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'sweep-mpirun-'));
  const said: string[] = [];
  const stream = { isTTY: false, write: (s: string) => (said.push(s), true) } as unknown as NodeJS.WriteStream;
  const savedPath = process.env.PATH;
  process.env.PATH = `${fake}${path.delimiter}${savedPath}`;
  try {
    const result = await runScenario(ctrSweep, { quick: true, topologyFile: DEFAULT_TOPOLOGY_FILE, outParent: out, seed: 'harness', flags, progress: new Progress(stream, false) }).then(
      (r) => ({ ...r, report: fs.readFileSync(path.join(r.dir, 'report.md'), 'utf8') }),
      (err: Error) => ({ error: err }),
    );
    return { said: said.join(''), calls: Number(fs.readFileSync(path.join(fake, 'calls'), 'utf8')), result };
  } finally {
    process.env.PATH = savedPath;
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(fake, { recursive: true, force: true });
  }
}

test('a sweep whose whole first round fails stops there with the first reason, said once on the terminal', async () => {
  const { said, calls, result } = await sweepWith(fakeMpirun(0), { launcher: 'mpirun', procs: '1,4', 'max-size': '1048576' });
  assert.ok('error' in result, 'the run fails');
  assert.match(result.error.message, /every point of the first round \(2\) failed, so the sweep stopped there; the first said: .*fake mpirun: the ranks' hosts cannot be reached/s);
  assert.equal(calls, 2, 'one encryption a tag variant at 1 process; 4 processes never started');
  assert.equal(said.match(/failed: /g)?.length, 1, said);
  assert.match(said, /ctr-sweep: 1 MiB x 1 procs \(aes-128-gcm\) failed: mpirun exited with code 1 .*fake mpirun: the ranks' hosts cannot be reached/s);
});

test('when the largest size failed everywhere the report shows no -Infinity, NaN or n/a figure', { skip: realMpirun ? false : 'needs mpirun' }, async () => {
  // 1 MiB at 1 process encrypts and decrypts (the real mpirun), every job after fails
  const { said, calls, result } = await sweepWith(fakeMpirun(2), { launcher: 'mpirun', procs: '1,4', integrity: 'none' });
  assert.ok(!('error' in result), `the sweep goes on past a failing point: ${'error' in result ? result.error.message : ''}`);
  assert.equal(calls, 5, '1 MiB x 1 (encrypt, decrypt), then 10 MiB x 1, 1 MiB x 4 and 10 MiB x 4 (an encryption each, failing)');
  assert.equal(said.match(/failed: /g)?.length, 1);
  const measured = result.run.records.filter((r) => r.source === 'measured');
  assert.equal(measured.filter((r) => r.status === 'completed').length, 2);
  assert.doesNotMatch(result.report, /-?Infinity|NaN|n\/a/);
});

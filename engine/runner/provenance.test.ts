// A results.json's provenance: the command line as typed (npm or node), every resolved flag, the
// commit and its dirty flag, the load at start and end with the other processes' CPU share.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordErrors, schemaErrors } from '../report/result-schema.js';
import { commandLine, shellWord, startProvenance } from './provenance.js';

test('the command line as typed: under npm its script and `--`, else node and the script; words quoted for a shell', () => {
  const argv = ['/usr/bin/node', 'dist/commands/harness.js', 'scenario', 'ctr-sweep', '--reps', '2', '--note', "it's quiet"];
  assert.equal(commandLine(argv, 'scenario'), "npm run scenario -- ctr-sweep --reps 2 --note 'it'\\''s quiet'");
  assert.equal(commandLine(argv, ''), "node dist/commands/harness.js scenario ctr-sweep --reps 2 --note 'it'\\''s quiet'");
  assert.equal(commandLine(['/usr/bin/node', 'dist/commands/harness.js', 'scenario'], 'scenario'), 'npm run scenario');
  assert.equal(shellWord('a b'), "'a b'");
  assert.equal(shellWord('--size=1GB'), '--size=1GB');
});

test('provenance: resolved flags with their defaults, the commit without its dirty suffix and the flag beside it, two load readings; it passes the schema', () => {
  const p = startProvenance().finish({ quick: false, mode: 'both', seed: 's1', topologyFile: 'cluster-config/local.json', flags: { reps: '2', emulate: true }, gitCommit: '06be2213abcd-dirty' });
  assert.deepEqual(p.resolvedFlags, { quick: false, mode: 'both', seed: 's1', topology: 'cluster-config/local.json', reps: '2', emulate: true });
  assert.equal(p.gitCommit, '06be2213abcd');
  assert.equal(p.gitDirty, true);
  assert.deepEqual(p.argv, process.argv.slice(2));
  assert.ok(Date.parse(p.end.at) >= Date.parse(p.start.at));
  for (const r of [p.start, p.end]) {
    assert.ok(r.loadAverage1m >= 0 && Number.isFinite(r.loadAverage15m));
    assert.ok(r.othersCpuSharePct !== undefined && r.othersCpuSharePct >= 0 && r.othersCpuSharePct <= 100, 'Linux: the share is known');
  }
  const run = {
    schemaVersion: 3, runId: '20260101T000000.000Z-s-abcdef', invocationId: '20260101T000000.000Z-1234', scenario: 's', quick: false, mode: 'both', seed: 's1',
    startedAt: p.start.at, finishedAt: p.end.at, records: [], provenance: p,
    environment: { cpuModel: 'c', cores: 2, memoryBytes: 1, platform: 'linux', nodeVersion: 'v20.0.0', opensslVersion: '3', gitCommit: 'x', topologyFile: 't', launcher: 'l', hostname: 'h' },
  };
  assert.deepEqual(schemaErrors(run), []);
  assert.deepEqual(recordErrors([]), []);
});

// Every command answers -h and --help, on itself and on each sub-command; an unknown command or flag
// is one `error:` line with a "did you mean", then a short usage, exit 2; a bad value the same,
// before any work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { captureOutput } from '../engine/runner/capture-output.testkit.js';
import { projectPath } from '../engine/runtime/project.js';

type Main = (argv: string[]) => Promise<number>;

const captured = (main: Main, argv: string[]) => captureOutput(() => main(argv));

/** The shape of every usage error: exit 2, `error: <message>` first, a usage line next. */
function assertUsageError(r: { code: number; err: string; out: string }, message: RegExp, what: string): void {
  assert.equal(r.code, 2, `${what}: exit code (stderr: ${r.err})`);
  const [first, second] = r.err.split('\n');
  assert.match(first, message, what);
  assert.match(second, /^usage: /, `${what}: a usage line follows`);
  assert.equal(r.out, '', `${what}: nothing on stdout`);
}

const commands: { name: string; load: () => Promise<{ main: Main }>; sub?: string; typo?: [string, string]; flagTypo?: [string[], string] }[] = [
  { name: 'ctr', load: () => import('./ctr.js'), sub: 'encrypt', typo: ['encrpyt', 'encrypt'], flagTypo: [['encrypt', '--porcs', '2'], '--procs'] },
  { name: 'tracker', load: () => import('./tracker.js'), sub: 'add-peer', typo: ['serv', 'serve'], flagTypo: [['serve', '--data', 'x', '--prot', '1'], '--port'] },
  { name: 'mpi', load: () => import('./mpi.js'), sub: 'pingpong', typo: ['pong', 'pingpong'], flagTypo: [['pingpong', '--hostfiel', 'h'], '--hostfile'] },
  { name: 'bench', load: () => import('./bench.js'), sub: 'startup', typo: ['ct', 'ctr'], flagTypo: [['startup', '--rpes', '2'], '--reps'] },
  { name: 'dataset', load: () => import('./dataset.js'), flagTypo: [['--up-ot', '1KiB'], '--up-to'] },
  { name: 'scenario', load: () => import('./scenario.js'), flagTypo: [['--qiuck'], '--quick'] },
  { name: 'report', load: () => import('./report.js'), flagTypo: [['--promte', 'x'], '--promote'] },
  { name: 'cluster', load: () => import('./cluster.js'), sub: 'status', typo: ['dwon', 'down'], flagTypo: [['status', '--topolgy', 'x.json'], '--topology'] },
];

for (const c of commands) {
  test(`${c.name}: -h and --help, on itself${c.sub ? ` and on ${c.sub}` : ''}; unknown names and flags are usage errors`, async () => {
    const { main } = await c.load();
    for (const argv of [['-h'], ['--help'], ...(c.sub ? [['help'], [c.sub, '-h'], [c.sub, '--help']] : [])]) {
      const r = await captured(main, argv);
      assert.equal(r.code, 0, `${c.name} ${argv.join(' ')}: ${r.err}`);
      assert.match(r.out, /^usage: /, `${c.name} ${argv.join(' ')}`);
      assert.equal(r.err, '');
    }
    if (c.typo) assertUsageError(await captured(main, [c.typo[0]]), new RegExp(`^error: unknown command "${c.typo[0]}" \\(did you mean "${c.typo[1]}"\\?\\)$`), `${c.name} ${c.typo[0]}`);
    if (c.sub) assertUsageError(await captured(main, []), /^error: missing the command$/, `${c.name} alone`);
    if (c.flagTypo) {
      const [argv, suggestion] = c.flagTypo;
      assertUsageError(await captured(main, argv), new RegExp(`^error: unknown flag --\\S+ \\(did you mean ${suggestion}\\?\\)$`), `${c.name} ${argv.join(' ')}`);
    }
  });
}

test('bad values are usage errors before any work, wherever they are given', async () => {
  const { main: ctr } = await import('./ctr.js');
  assertUsageError(await captured(ctr, ['encrypt', '--in', 'x', '--procs', 'many', '--key', 'k', '--out', 'o']), /^error: --procs must be a positive integer \(decimal digits\), got "many"$/, 'ctr --procs');
  assertUsageError(await captured(ctr, ['encrypt', '--in', 'x', '--procs', '2', '--key', 'k', '--out', 'o', '--launcher', 'mpi']), /^error: --launcher must be local or mpirun, got "mpi"/, 'ctr --launcher');
  const { main: tracker } = await import('./tracker.js');
  assertUsageError(await captured(tracker, ['serve', '--data', 'x', '--port', '70000']), /^error: --port must be a port, 0\.\.65535, got "70000"$/, 'tracker --port');
  assertUsageError(await captured(tracker, ['peer-level', '--data', 'x', '--username', 'u', '--level', '-1']), /^error: --level must be a non-negative integer \(decimal digits\), got "-1"$/, 'tracker --level');
  assertUsageError(await captured(tracker, ['torrent-level', '--data', 'x', '--info-hash', 'beef', '--level', '1']), /^error: --info-hash must be 40 lower-case hex characters, got "beef"$/, 'tracker --info-hash');
  const { main: dataset } = await import('./dataset.js');
  assertUsageError(await captured(dataset, ['--up-to', '1 lightyear']), /^error: --up-to: "1 lightyear" has an unknown size unit/, 'dataset --up-to');
  const { main: bench } = await import('./bench.js');
  assertUsageError(await captured(bench, ['startup', '--size', '1XB']), /^error: --size: "1XB" has an unknown size unit "XB"/, 'bench startup --size');
  const { main: scenario } = await import('./scenario.js');
  assertUsageError(await captured(scenario, ['ctr-sweep', '--reps', 'abc']), /^error: --reps must be a positive integer \(decimal digits\), got "abc"$/, 'scenario --reps');
  assertUsageError(await captured(scenario, ['ctr-sweep', '--mode', 'simulated']), /^error: --mode must be measure or simulate or both, got "simulated" \(did you mean "simulate"\?\)$/, 'scenario --mode');
  assertUsageError(await captured(scenario, ['identity', '--mode', 'simulate']), /^error: identity has no simulation model/, 'scenario --mode simulate without a model');
  assertUsageError(await captured(scenario, ['whatif-ctr-scale', '--bandwidths-gbps', '0.1,fast']), /^error: --bandwidths-gbps: "fast" is not a positive number$/, 'what-if --bandwidths-gbps');
  assertUsageError(await captured(scenario, ['intermediary', '--size-bytes', '3 furlongs']), /^error: --size-bytes: "3 furlongs" has an unknown size unit/, 'scenario --size-bytes');
  const { main: cluster } = await import('./cluster.js');
  assertUsageError(await captured(cluster, ['up']), /^error: missing --topology$/, 'cluster up without a topology');
  assertUsageError(await captured(cluster, ['status', '--name', 'no spaces']), /^error: --name: cluster name "no spaces" must be/, 'cluster --name');
  const { main: mpi } = await import('./mpi.js');
  assertUsageError(await captured(mpi, ['pingpong', '--topology', 'x.json']), /^error: --topology applies with --emulate$/, 'mpi --topology alone');
  assertUsageError(await captured(scenario, ['--reps', '3']), /^error: --reps is a flag of ctr-sweep, climate, speed-bound, cipher-transfer/, 'scenario --reps for all');
});

test('the harness itself: unknown command or flag, exit 2 with a did-you-mean; --help exit 0', () => {
  const harness = (...args: string[]) =>
    spawnSync(process.execPath, ['--openssl-legacy-provider', '--import', projectPath('engine', 'register.mjs'), projectPath('commands', 'harness.ts'), ...args], { encoding: 'utf8' });
  const typo = harness('trakcer');
  assert.equal(typo.status, 2);
  assert.match(typo.stderr, /^error: unknown command "trakcer" \(did you mean "tracker"\?\)\nusage: harness COMMAND/);
  const help = harness('-h');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^usage: harness COMMAND[^]*scenario[^]*dataset/);
});

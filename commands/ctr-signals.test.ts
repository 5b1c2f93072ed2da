// Issue 9, item 6: Ctrl-C (SIGINT), SIGTERM and SIGKILL on `ctr encrypt|decrypt`, locally and under
// mpirun. Each case starts the compiled CLI as a child process, from a folder outside the project,
// on a seeded input big enough to take a while; polls the output folder until the run reaches the
// point where the fault goes in (never a fixed sleep); sends the signal; and checks that nothing is
// left but the inputs and an earlier complete output. After SIGKILL, which no handler sees, the next
// run must remove what the killed one left. A case counts only when the signal provably landed at its
// point: the trigger was seen before the signal, and the child then reported the interruption (exit
// 130/143, "interrupted by") with its output not in place. A run that finished first is tried again on
// a larger input, and a case that is never signalled fails; so does the suite, unless every case was.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listFiles, seededFile, sha, staleScratchIn, temporariesIn } from '../engine/ctr/testing.testkit.js';
import { projectPath } from '../engine/runtime/project.js';

const MiB = 1024 * 1024;
const HARNESS = projectPath('dist', 'commands', 'harness.js');
const BEOWULF = projectPath('cluster-config', 'paper-000-beowulf.json');
/**
 * The input of a first attempt, and the larger ones a case retries with when its run finished before
 * the signal. (Under mpirun the launching process signals its ranks on this host itself: mpirun alone
 * gave them a second more, in which a fast machine decrypted 768 MiB.)
 */
const INPUT_SIZES = [96 * MiB, 256 * MiB, 768 * MiB];
let dir: string;
let keyFile: string;
const inputs = new Map<number, string>();
/** The seeded input of `bytes`, made on first use. */
const inputOf = (bytes: number) => inputs.get(bytes) ?? inputs.set(bytes, seededFile(dir, `big-${bytes}.bin`, bytes, 'signals')).get(bytes)!;
/** the suite's figures, printed at the end */
const tally = { cases: 0, faults: 0, leftBehind: 0, crashes: 0, finishedFirst: 0 };

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctr-signals-'));
  keyFile = path.join(dir, 'key');
  fs.writeFileSync(keyFile, '000102030405060708090a0b0c0d0e0f\n', { mode: 0o600 });
  // The compiled CLI is what a user starts; build it once here if a source changed (never in a child's race).
  const built = spawnSync(process.execPath, ['--openssl-legacy-provider', HARNESS, '--help'], { encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
});
after(() => {
  process.stdout.write(`# signal suite: ${tally.cases} cases, ${tally.faults} faults injected, ${tally.finishedFirst} finished before the signal landed, files left behind: ${tally.leftBehind}, crashes: ${tally.crashes}\n`);
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Running {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `ctr ARGS` as a child, started in `dir` (not the project folder). */
function startCtr(args: string[]): Running {
  const child = spawn(process.execPath, ['--openssl-legacy-provider', HARNESS, 'ctr', ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  return { child, stderr: () => stderr, exited };
}

/** Waits (polling every 2 ms) until `predicate` holds; fails if the child ends first. */
async function until(run: Running, predicate: () => boolean, what: string): Promise<boolean> {
  let ended = false;
  void run.exited.then(() => (ended = true));
  const deadline = Date.now() + 60_000;
  while (!predicate()) {
    if (ended) return false;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
  return true;
}

/** Bytes the run's temporaries hold on disk (allocated blocks: a sparse output counts what is written). */
function temporaryBytes(folder: string): number {
  let total = 0;
  for (const t of temporariesIn(folder)) {
    const full = path.join(folder, t);
    for (const f of fs.statSync(full, { throwIfNoEntry: false })?.isDirectory() ? listFiles(full) : [full]) {
      total += (fs.statSync(f, { throwIfNoEntry: false })?.blocks ?? 0) * 512;
    }
  }
  return total;
}

type Point = 'started' | 'writing';
const reached = (folder: string, point: Point, inputBytes: number) => () =>
  point === 'started' ? temporariesIn(folder).length > 0 : temporaryBytes(folder) >= inputBytes / 4;

const expectedCode: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Checks how the child ended after `signal` was sent (or not, when `sent` is false), and whether the
 * signal provably landed while the work was unfinished: the child reported the interruption and its
 * output is not in place (`complete()`). A child that finished first must have left a complete output
 * (checked by the caller) and exited 0, or 130/143 when the signal came after the output was in place.
 */
async function ended(run: Running, signal: NodeJS.Signals, sent: boolean, complete: () => boolean): Promise<'signalled' | 'finished first'> {
  const { code, signal: killedBy } = await run.exited;
  const stack = /\n\s+at .*:\d+:\d+/.test(run.stderr());
  if (stack || killedBy || (code !== expectedCode[signal] && code !== 0)) tally.crashes++;
  assert.equal(killedBy, null, `the CLI handled ${signal} instead of dying of it; stderr: ${run.stderr()}`);
  assert.ok(!stack, `no stack trace: ${run.stderr()}`);
  if (!sent || code === 0) {
    assert.equal(code, 0, `not signalled, the run ends normally; stderr: ${run.stderr()}`);
    return 'finished first';
  }
  assert.equal(code, expectedCode[signal], `exit code after ${signal}; stderr: ${run.stderr()}`);
  assert.match(run.stderr(), new RegExp(`interrupted by ${signal}: stopped, and removed the unfinished output`));
  return complete() ? 'finished first' : 'signalled';
}

/**
 * Runs `attempt` on the inputs of INPUT_SIZES in turn until one signals its child at the point the
 * case names; fails the case if the run finished first on every one.
 */
async function signalledCase(what: string, attempt: (input: string, bytes: number) => Promise<'signalled' | 'finished first'>): Promise<void> {
  tally.cases++;
  for (const bytes of INPUT_SIZES) {
    if ((await attempt(inputOf(bytes), bytes)) === 'signalled') {
      tally.faults++;
      return;
    }
    tally.finishedFirst++;
  }
  assert.fail(`${what}: the run finished before the signal landed at its point, on every input up to ${INPUT_SIZES.at(-1)! / MiB} MiB`);
}

/** Records and asserts that `folder` holds nothing the run left. */
function assertNothingLeft(folder: string, allowed: string[]): void {
  const left = listFiles(folder).filter((f) => !allowed.includes(f));
  const temporaries = temporariesIn(folder);
  if (left.length || temporaries.length) tally.leftBehind += left.length + temporaries.length;
  assert.deepEqual(temporaries, [], 'no temporary file or folder');
  assert.deepEqual(left, [], 'no part, plaintext copy or partial output');
}

/** The input encrypted (uninterrupted) into `dir/name`, for a decryption to interrupt. */
async function encryptedParts(name: string, input: string, procs: string, ...extra: string[]): Promise<string> {
  const parts = path.join(dir, name);
  const run = startCtr(['encrypt', '--in', input, '--procs', procs, '--key', keyFile, '--out', parts, ...extra]);
  assert.equal((await run.exited).code, 0, run.stderr());
  return parts;
}

/** A folder already holding an earlier, complete encryption of another file: it must survive. */
function earlierEncryption(folder: string): string[] {
  const small = seededFile(dir, `earlier-${path.basename(folder)}.bin`, 50_000, 'earlier');
  const r = spawnSync(process.execPath, ['--openssl-legacy-provider', HARNESS, 'ctr', 'encrypt', '--in', small, '--procs', '3', '--key', keyFile, '--out', folder, '--topology', BEOWULF], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return listFiles(folder);
}

describe('signals on ctr encrypt and decrypt (local engine)', { timeout: 900_000 }, () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const point of ['started', 'writing'] as const) {
      const what = `encrypt, ${signal} once ${point === 'started' ? 'the run has begun' : 'a quarter of the parts is written'}`;
      test(what, () =>
        signalledCase(what, async (input, bytes) => {
          const out = path.join(dir, `enc-${signal}-${point}-${bytes}`);
          const earlier = earlierEncryption(out);
          const run = startCtr(['encrypt', '--in', input, '--procs', '12', '--key', keyFile, '--out', out, '--topology', BEOWULF]);
          const sent = await until(run, reached(out, point, bytes), `encrypt to reach "${point}"`);
          if (sent) run.child.kill(signal);
          const outcome = await ended(run, signal, sent, () => listFiles(out).length === earlier.length + 36 && temporariesIn(out).length === 0);
          if (outcome === 'signalled') assertNothingLeft(out, earlier);
          else assert.equal(listFiles(out).length, earlier.length + 36, 'finished: every part in place');
          assert.deepEqual(temporariesIn(out), []);
          return outcome;
        }),
      );

      const decryptWhat = `decrypt, ${signal} once ${point === 'started' ? 'the run has begun' : 'a quarter of the plaintext is written'}`;
      test(decryptWhat, () =>
        signalledCase(decryptWhat, async (input, bytes) => {
          const parts = await encryptedParts(`dec-parts-${signal}-${point}-${bytes}`, input, '2');
          const outDir = path.join(dir, `dec-out-${signal}-${point}-${bytes}`);
          fs.mkdirSync(outDir);
          const earlierFile = path.join(outDir, 'earlier.txt');
          fs.writeFileSync(earlierFile, 'an earlier complete output');
          const back = path.join(outDir, 'back.bin');
          const run = startCtr(['decrypt', '--name', path.basename(input), '--procs', '2', '--key', keyFile, '--from', parts, '--out', back]);
          const sent = await until(run, reached(outDir, point, bytes), `decrypt to reach "${point}"`);
          if (sent) run.child.kill(signal);
          const outcome = await ended(run, signal, sent, () => fs.existsSync(back));
          if (outcome === 'signalled') assertNothingLeft(outDir, [earlierFile]);
          else assert.equal(sha(back), sha(input), 'a complete output, never a partial one');
          assert.deepEqual(temporariesIn(outDir), []);
          assert.equal(fs.readFileSync(earlierFile, 'utf8'), 'an earlier complete output');
          return outcome;
        }),
      );
    }
  }

  /** Kills `ctr ARGS` with SIGKILL mid-run, then runs it again: the second run must sweep what the first left in `folder`. */
  async function killedThenRerun(args: string[], folder: string): Promise<void> {
    const run = startCtr(args);
    tally.cases++;
    assert.ok(await until(run, reached(folder, 'writing', INPUT_SIZES[0]), `${args[0]} to write`), 'killed mid-run');
    run.child.kill('SIGKILL');
    tally.faults++;
    await run.exited;
    assert.ok(temporariesIn(folder).length > 0, 'SIGKILL leaves temporaries (no handler runs)');
    const again = startCtr(args);
    assert.equal((await again.exited).code, 0, again.stderr());
    if (temporariesIn(folder).length) tally.leftBehind += temporariesIn(folder).length;
    assert.deepEqual(temporariesIn(folder), [], 'the re-run swept the killed run\'s temporaries');
  }

  test('encrypt killed with SIGKILL: the next run into the same folder removes what it left', async () => {
    const out = path.join(dir, 'enc-kill');
    await killedThenRerun(['encrypt', '--in', inputOf(INPUT_SIZES[0]), '--procs', '12', '--key', keyFile, '--out', out, '--topology', BEOWULF], out);
    assert.equal(listFiles(out).length, 36, 'only the 12 x 3 part files');
  });

  test('decrypt killed with SIGKILL: the next run into the same folder removes the partial plaintext', async () => {
    const input = inputOf(INPUT_SIZES[0]);
    const parts = await encryptedParts('dec-kill-parts', input, '2');
    const outDir = path.join(dir, 'dec-kill-out');
    fs.mkdirSync(outDir);
    await killedThenRerun(['decrypt', '--name', path.basename(input), '--procs', '2', '--key', keyFile, '--from', parts, '--out', path.join(outDir, 'back.bin')], outDir);
    assert.equal(sha(path.join(outDir, 'back.bin')), sha(input));
  });
});

describe('signals on ctr under mpirun', { timeout: 900_000 }, () => {
  const mpi = ['--launcher', 'mpirun', '--topology', BEOWULF, '--np', '3'];
  const encryptWhat = 'encrypt --launcher mpirun, SIGTERM while the ranks write: no part and no temporary on any rank';
  test(encryptWhat, () =>
    signalledCase(encryptWhat, async (input, bytes) => {
      const out = path.join(dir, `mpi-enc-${bytes}`);
      const run = startCtr(['encrypt', '--in', input, '--procs', '12', '--key', keyFile, '--out', out, ...mpi]);
      const sent = await until(run, reached(out, 'started', bytes), 'the ranks to write');
      if (sent) run.child.kill('SIGTERM');
      const outcome = await ended(run, 'SIGTERM', sent, () => listFiles(out).length === 36 && temporariesIn(out).length === 0);
      if (outcome === 'signalled') assertNothingLeft(out, []);
      else assert.equal(listFiles(out).length, 36, 'finished: every part in place');
      assert.deepEqual(temporariesIn(out), []);
      return outcome;
    }),
  );

  const decryptWhat = 'decrypt --launcher mpirun, SIGINT while the ranks write: no output and no plaintext scratch';
  test(decryptWhat, () =>
    signalledCase(decryptWhat, async (input, bytes) => {
      const parts = await encryptedParts(`mpi-dec-parts-${bytes}`, input, '12', '--topology', BEOWULF);
      const outDir = path.join(dir, `mpi-dec-out-${bytes}`);
      fs.mkdirSync(outDir);
      const back = path.join(outDir, 'back.bin');
      const run = startCtr(['decrypt', '--name', path.basename(input), '--procs', '12', '--key', keyFile, '--from', parts, '--out', back, ...mpi]);
      const sent = await until(run, reached(outDir, 'started', bytes), 'rank 0 to write');
      if (sent) run.child.kill('SIGINT');
      const outcome = await ended(run, 'SIGINT', sent, () => fs.existsSync(back));
      if (outcome === 'signalled') {
        assertNothingLeft(outDir, []);
        assert.deepEqual(staleScratchIn(os.tmpdir()), [], 'no plaintext scratch of the ranks in the temporary folder');
      } else assert.equal(sha(back), sha(input), 'a complete output, never a partial one');
      assert.deepEqual(temporariesIn(outDir), []);
      return outcome;
    }),
  );
});

/** 8 local cases, 2 SIGKILL cases, 2 under mpirun */
const CASES = 12;
test('every case was signalled at the point it names, and nothing was left or crashed', () => {
  assert.equal(tally.cases, CASES, 'cases run');
  assert.equal(tally.faults, CASES, `signals that landed at their point (${tally.finishedFirst} runs finished first and were retried larger)`);
  assert.equal(tally.leftBehind, 0);
  assert.equal(tally.crashes, 0);
});

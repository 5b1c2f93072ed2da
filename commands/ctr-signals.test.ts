// Issue 9, item 6: Ctrl-C (SIGINT), SIGTERM and SIGKILL on `ctr encrypt|decrypt`, locally and under
// mpirun. Each case starts the compiled CLI as a child process, from a folder outside the project,
// on a seeded input big enough to take a while; polls the output folder until the run reaches the
// point where the fault goes in (never a fixed sleep); sends the signal; and checks that nothing is
// left but the inputs and an earlier complete output. After SIGKILL, which no handler sees, the next
// run must remove what the killed one left.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listFiles, seededFile, sha, staleScratchIn, temporariesIn } from '../engine/ctr/testing.js';
import { projectPath } from '../engine/runtime/project.js';

const MiB = 1024 * 1024;
const HARNESS = projectPath('dist', 'commands', 'harness.js');
const BEOWULF = projectPath('cluster-config', 'paper-000-beowulf.json');
const INPUT_BYTES = 96 * MiB;
let dir: string;
let input: string;
let keyFile: string;
/** the suite's figures, printed at the end */
const tally = { cases: 0, faults: 0, leftBehind: 0, crashes: 0, finishedFirst: 0 };

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctr-signals-'));
  input = seededFile(dir, 'big.bin', INPUT_BYTES, 'signals');
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
const reached = (folder: string, point: Point) => () =>
  point === 'started' ? temporariesIn(folder).length > 0 : temporaryBytes(folder) >= INPUT_BYTES / 4;

const expectedCode: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Checks how the interrupted child ended, and returns whether its work was complete (`complete()`
 * says so) before the signal landed: a signal handled after the output was put in place exits
 * 130/143 and leaves that complete output, never a partial one.
 */
async function ended(run: Running, signal: NodeJS.Signals, complete: () => boolean): Promise<boolean> {
  const { code, signal: killedBy } = await run.exited;
  const stack = /\n\s+at .*:\d+:\d+/.test(run.stderr());
  if (stack || killedBy || (code !== expectedCode[signal] && code !== 0)) tally.crashes++;
  assert.equal(killedBy, null, `the CLI handled ${signal} instead of dying of it; stderr: ${run.stderr()}`);
  assert.ok(!stack, `no stack trace: ${run.stderr()}`);
  if (code !== 0) assert.equal(code, expectedCode[signal], `exit code after ${signal}; stderr: ${run.stderr()}`);
  if (code === 0 || complete()) {
    tally.finishedFirst++;
    return true;
  }
  return false;
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
async function encryptedParts(name: string, procs: string, ...extra: string[]): Promise<string> {
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

describe('signals on ctr encrypt and decrypt (local engine)', { timeout: 600_000 }, () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const point of ['started', 'writing'] as const) {
      test(`encrypt, ${signal} once ${point === 'started' ? 'the run has begun (input copies to other nodes)' : 'a quarter of the parts is written'}`, async () => {
        const out = path.join(dir, `enc-${signal}-${point}`);
        const earlier = earlierEncryption(out);
        const run = startCtr(['encrypt', '--in', input, '--procs', '12', '--key', keyFile, '--out', out, '--topology', BEOWULF]);
        tally.cases++;
        if (await until(run, reached(out, point), `encrypt to reach "${point}"`)) {
          run.child.kill(signal);
          tally.faults++;
        }
        if (await ended(run, signal, () => listFiles(out).length === earlier.length + 36 && temporariesIn(out).length === 0)) return;
        assertNothingLeft(out, earlier);
      });

      test(`decrypt, ${signal} once ${point === 'started' ? 'the run has begun' : 'a quarter of the plaintext is written'}`, async () => {
        const parts = await encryptedParts(`dec-parts-${signal}-${point}`, '2');
        const outDir = path.join(dir, `dec-out-${signal}-${point}`);
        fs.mkdirSync(outDir);
        const earlierFile = path.join(outDir, 'earlier.txt');
        fs.writeFileSync(earlierFile, 'an earlier complete output');
        const run = startCtr(['decrypt', '--name', 'big.bin', '--procs', '2', '--key', keyFile, '--from', parts, '--out', path.join(outDir, 'back.bin')]);
        tally.cases++;
        if (await until(run, reached(outDir, point), `decrypt to reach "${point}"`)) {
          run.child.kill(signal);
          tally.faults++;
        }
        const back = path.join(outDir, 'back.bin');
        if (await ended(run, signal, () => fs.existsSync(back))) {
          assert.equal(sha(back), sha(input), 'a complete output, never a partial one');
          assert.deepEqual(temporariesIn(outDir), []);
          return;
        }
        assertNothingLeft(outDir, [earlierFile]);
        assert.equal(fs.readFileSync(earlierFile, 'utf8'), 'an earlier complete output');
      });
    }
  }

  /** Kills `ctr ARGS` with SIGKILL mid-run, then runs it again: the second run must sweep what the first left in `folder`. */
  async function killedThenRerun(args: string[], folder: string): Promise<void> {
    const run = startCtr(args);
    tally.cases++;
    assert.ok(await until(run, reached(folder, 'writing'), `${args[0]} to write`), 'killed mid-run');
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
    await killedThenRerun(['encrypt', '--in', input, '--procs', '12', '--key', keyFile, '--out', out, '--topology', BEOWULF], out);
    assert.equal(listFiles(out).length, 36, 'only the 12 x 3 part files');
  });

  test('decrypt killed with SIGKILL: the next run into the same folder removes the partial plaintext', async () => {
    const parts = await encryptedParts('dec-kill-parts', '2');
    const outDir = path.join(dir, 'dec-kill-out');
    fs.mkdirSync(outDir);
    await killedThenRerun(['decrypt', '--name', 'big.bin', '--procs', '2', '--key', keyFile, '--from', parts, '--out', path.join(outDir, 'back.bin')], outDir);
    assert.equal(sha(path.join(outDir, 'back.bin')), sha(input));
  });
});

describe('signals on ctr under mpirun', { timeout: 600_000 }, () => {
  const mpi = ['--launcher', 'mpirun', '--topology', BEOWULF, '--np', '3'];
  test('encrypt --launcher mpirun, SIGTERM while the ranks write: no part and no temporary on any rank', async () => {
    const out = path.join(dir, 'mpi-enc');
    const run = startCtr(['encrypt', '--in', input, '--procs', '12', '--key', keyFile, '--out', out, ...mpi]);
    tally.cases++;
    if (await until(run, reached(out, 'started'), 'the ranks to write')) {
      run.child.kill('SIGTERM');
      tally.faults++;
    }
    if (await ended(run, 'SIGTERM', () => listFiles(out).length === 36 && temporariesIn(out).length === 0)) return;
    assertNothingLeft(out, []);
  });

  test('decrypt --launcher mpirun, SIGINT while the ranks write: no output and no plaintext scratch', async () => {
    const parts = await encryptedParts('mpi-dec-parts', '12', '--topology', BEOWULF);
    const outDir = path.join(dir, 'mpi-dec-out');
    fs.mkdirSync(outDir);
    const run = startCtr(['decrypt', '--name', 'big.bin', '--procs', '12', '--key', keyFile, '--from', parts, '--out', path.join(outDir, 'back.bin'), ...mpi]);
    tally.cases++;
    if (await until(run, reached(outDir, 'started'), 'rank 0 to write')) {
      run.child.kill('SIGINT');
      tally.faults++;
    }
    const back = path.join(outDir, 'back.bin');
    if (await ended(run, 'SIGINT', () => fs.existsSync(back))) {
      assert.equal(sha(back), sha(input), 'a complete output, never a partial one');
      assert.deepEqual(temporariesIn(outDir), []);
      return;
    }
    assertNothingLeft(outDir, []);
    assert.deepEqual(staleScratchIn(os.tmpdir()), [], 'no plaintext scratch of the ranks in the temporary folder');
  });
});

// Issue 9's faults in the cryptosystem, each pinned by a test that failed before its fix:
// parts of two encryptions mixing (item 2), private and never-replacing decryption output (item 6
// and the --out race), node names that leave their folder (item 7), ranks beyond what the input
// allows, and file-system errors that name no file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadTopology } from '../topology/topology.js';
import { decrypt, encrypt } from './cryptosystem.js';
import { CALLING_THREAD_MAX_BYTES, suitsCallingThread, threadsFor } from './capacity.js';
import { applyStep, commitSteps, type CommitStep } from './commit.js';
import { deriveSubkeys } from './key.js';
import { decodeTagFile, encodeTagFile, partFileName } from './layout.js';
import { RankPool } from './pool.js';
import { listFiles, partPath, seededFile, sha, temporariesIn } from './testing.testkit.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const local = loadTopology(new URL('../../cluster-config/local.json', import.meta.url).pathname);
const key = Buffer.from('0f0e0d0c0b0a09080706050403020100', 'hex');
let dir: string;
let pool: RankPool;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctr-faults-'));
  pool = new RankPool(4);
});
after(async () => {
  await pool.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder under the test's own. */
const fresh = (name: string) => {
  const d = path.join(dir, name);
  fs.mkdirSync(d, { recursive: true });
  return d;
};

describe('parts of two encryptions never mix (issue 9, item 2)', () => {
  const name = 'ledger.bin';
  const n = 4;
  let ours: string;
  let theirs: string;
  let oursPlain: string;
  before(async () => {
    // Two encryptions of a same-named, same-sized file under the same key and n: the part names agree.
    oursPlain = seededFile(fresh('a-in'), name, 40 * KiB + 3, 'ours');
    const theirsPlain = seededFile(fresh('b-in'), name, 40 * KiB + 3, 'theirs');
    ours = path.join(dir, 'a-parts');
    theirs = path.join(dir, 'b-parts');
    await encrypt(oursPlain, { procs: n, key, outDir: ours, topology: local, pool });
    await encrypt(theirsPlain, { procs: n, key, outDir: theirs, topology: local, pool });
  });
  /** A copy of our parts with part `index`'s three files taken from the other encryption. */
  function spliced(label: string, index: number): string {
    const copy = path.join(dir, label);
    fs.cpSync(ours, copy, { recursive: true });
    for (const kind of ['body', 'iv', 'tag'] as const) fs.copyFileSync(partPath(theirs, key, name, n, index, kind), partPath(copy, key, name, n, index, kind));
    return copy;
  }
  const refused = async (from: string, pattern: RegExp) => {
    const out = path.join(dir, `never-${path.basename(from)}`);
    await assert.rejects(decrypt(name, { procs: n, key, fromDir: from, outFile: out, topology: local, pool }), pattern);
    assert.equal(fs.existsSync(out), false, 'no output');
    assert.deepEqual(temporariesIn(dir), [], 'no temporary left');
  };

  test('a whole part spliced in from another encryption is refused, naming the part', () =>
    refused(spliced('splice-2', 2), /part 2 of 4 belongs to another encryption .* spliced/));

  test('a spliced part whose tag file claims our encryption id fails its tag check: the id is bound into every part', async () => {
    const copy = spliced('splice-forged', 1);
    const ourId = decodeTagFile(fs.readFileSync(partPath(ours, key, name, n, 0, 'tag'))).encryptionId;
    const tagFile = partPath(copy, key, name, n, 1, 'tag');
    fs.writeFileSync(tagFile, encodeTagFile({ ...decodeTagFile(fs.readFileSync(tagFile)), encryptionId: ourId }));
    await refused(copy, /part 1 of 4 failed its integrity check/);
  });

  test('a re-encryption interrupted at any step of its commit is refused as half-committed, never decrypted to a mix', async () => {
    const theirsSha = sha(path.join(dir, 'b-in', name));
    const { namesKey } = deriveSubkeys(key);
    const kindOf = new Map(
      Array.from({ length: n }, (_, i) => (['body', 'iv', 'tag'] as const).map((kind) => [partFileName(namesKey, name, n, i, kind), kind] as const)).flat(),
    );
    let steps = -1;
    for (let k = 0; steps < 0 || k <= steps; k++) {
      // Our encryption committed; theirs written completely under temporary names, ready to commit.
      const folder = path.join(dir, `commit-${k}`);
      const stage = path.join(dir, `stage-${k}`);
      fs.cpSync(ours, folder, { recursive: true });
      fs.cpSync(theirs, stage, { recursive: true });
      const staged = listFiles(stage).map((tmp) => ({ tmp, final: path.join(folder, path.relative(stage, tmp)), kind: kindOf.get(path.basename(tmp))! }));
      const plan = commitSteps(staged);
      steps = plan.length;
      for (const step of plan.slice(0, k)) applyStep(step, false);
      // Only removals and renames change the folder; an fsync between them does not.
      const changes = (steps: CommitStep[]) => steps.filter((s) => s.op !== 'sync-folders').length;
      const out = path.join(dir, `commit-${k}-out`);
      const result = decrypt(name, { procs: n, key, fromDir: folder, outFile: out, topology: local, pool });
      if (changes(plan.slice(0, k)) === 0) assert.equal((await result, sha(out)), sha(oursPlain), 'before the commit: our file');
      else if (changes(plan.slice(0, k)) === changes(plan)) assert.equal((await result, sha(out)), theirsSha, 'after the commit: theirs');
      else await assert.rejects(result, /half-committed/, `interrupted after step ${k} of ${steps}`);
    }
    assert.ok(steps >= 3 * n, `the commit has a step per file at least (${steps})`);
  });
});

/** Resolves once `predicate` holds, polling between event-loop turns (the ranks run on other threads). */
async function until(predicate: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

describe('decryption output (issue 9, item 6 and the --out race)', () => {
  const name = 'secret.bin';
  let parts: string;
  before(async () => {
    const input = seededFile(fresh('secret-in'), name, 24 * MiB + 5);
    parts = path.join(dir, 'secret-parts');
    await encrypt(input, { procs: 2, key, outDir: parts, topology: local, pool, durable: false });
  });

  test('the temporary output is private from creation: 0600 files in a 0700 folder, and so is the result', async () => {
    const outDir = fresh('private-out');
    const seen = new Map<string, number>();
    let finished = false;
    const run = decrypt(name, { procs: 2, key, fromDir: parts, outFile: path.join(outDir, 'plain.bin'), topology: local, pool }).finally(() => (finished = true));
    while (!finished) {
      for (const e of fs.readdirSync(outDir, { recursive: true }).map(String)) {
        try {
          seen.set(e, fs.statSync(path.join(outDir, e)).mode & 0o777);
        } catch {
          // gone between the listing and the stat
        }
      }
      await new Promise((r) => setImmediate(r));
    }
    await run;
    const temporaries = [...seen].filter(([e]) => e !== 'plain.bin');
    assert.ok(temporaries.length > 0, 'the poll saw the decryption at work');
    for (const [e, mode] of seen) assert.equal(mode & 0o077, 0, `${e} is mode ${mode.toString(8)}: readable by others`);
    assert.equal(fs.statSync(path.join(outDir, 'plain.bin')).mode & 0o777, 0o600);
    assert.deepEqual(temporariesIn(outDir), []);
  });

  test('a file created at --out while decrypting is never replaced', async () => {
    const outDir = fresh('race-out');
    const outFile = path.join(outDir, 'plain.bin');
    const run = decrypt(name, { procs: 2, key, fromDir: parts, outFile, topology: local, pool });
    run.catch(() => undefined);
    await until(() => fs.readdirSync(outDir).length > 0, 'the decryption to start writing');
    fs.writeFileSync(outFile, 'written by someone else meanwhile');
    await assert.rejects(run, /plain\.bin: .*(appeared|exists).* never (replaced|overwrit)/);
    assert.equal(fs.readFileSync(outFile, 'utf8'), 'written by someone else meanwhile');
    assert.deepEqual(temporariesIn(outDir), []);
  });
});

describe('paths stay inside their folder (issue 9, item 7; node names: engine/topology)', () => {
  test('nothing is written outside --out, even with a topology that was not validated', async () => {
    const input = seededFile(fresh('escape-in'), 'e.bin', 1000);
    const out = path.join(dir, 'escape', 'deep', 'out');
    const sneaky = { ...local, nodes: [{ ...local.nodes[0], name: '../../outside' }] };
    await assert.rejects(encrypt(input, { procs: 2, key, outDir: out, topology: sneaky, pool }), /outside.* leaves|not a safe node folder|outside its folder/);
    assert.equal(fs.existsSync(path.join(dir, 'escape', 'outside')), false);
  });
});

test('--procs beyond what the input allows: n parts run on fewer threads, and the report says why', async () => {
  const input = seededFile(fresh('tiny-in'), 'tiny.bin', 5000);
  const out = path.join(dir, 'tiny-parts');
  const r = await encrypt(input, { procs: 64, key, outDir: out, topology: local });
  assert.equal(r.procs, 64, 'n, the secret, is what was asked for');
  assert.equal(r.ranks.length, 64);
  assert.ok(r.threads <= 2, `64 parts of a 5000-byte input ran on ${r.threads} threads`);
  assert.match(r.threadsReason ?? '', /5000-byte input/);
  const back = path.join(dir, 'tiny-back');
  await decrypt('tiny.bin', { procs: 64, key, fromDir: out, outFile: back, topology: local });
  assert.equal(sha(back), sha(input));
});

test('one thread on 1 MiB or less runs on the calling thread, no worker; more input starts a worker; each decrypts the other', async () => {
  assert.equal(suitsCallingThread(1, CALLING_THREAD_MAX_BYTES), true);
  assert.equal(suitsCallingThread(1, CALLING_THREAD_MAX_BYTES + 1), false, 'more input: a worker, so that a signal is handled at once');
  assert.equal(suitsCallingThread(2, 100), false, 'two threads are two workers');
  assert.equal(suitsCallingThread(1, undefined), false, 'an input of unknown size gets a worker');
  const onMain = (r: { ranks: { threadId: number }[] }) => r.ranks.every((x) => x.threadId === 0); // the main thread's id
  for (const [sizeBytes, procs, calling] of [[3000, 2, true], [CALLING_THREAD_MAX_BYTES, 1, true], [CALLING_THREAD_MAX_BYTES + 1, 1, false]] as const) {
    const input = seededFile(fresh(`calling-${sizeBytes}`), 'c.bin', sizeBytes);
    const out = fresh(`calling-parts-${sizeBytes}`);
    const enc = await encrypt(input, { procs, key, outDir: out, topology: local });
    assert.equal(enc.threads, 1);
    assert.equal(enc.onCallingThread === true, calling, `${sizeBytes} bytes`);
    assert.equal(onMain(enc), calling, `${sizeBytes} bytes: the parts ran on ${calling ? 'the main thread' : 'a worker'}`);
    const back = path.join(fresh(`calling-back-${sizeBytes}`), 'back');
    // the other way: a pool's workers decrypt what the calling thread encrypted, and the reverse
    const dec = await decrypt('c.bin', { procs, key, fromDir: out, outFile: back, topology: local, ...(calling ? { pool } : {}) });
    assert.equal(onMain(dec), false);
    assert.equal(sha(back), sha(input));
  }
  const big = seededFile(fresh('calling-pool-enc'), 'p.bin', 3000);
  const out = fresh('calling-pool-parts');
  await encrypt(big, { procs: 2, key, outDir: out, topology: local, pool });
  const back = path.join(fresh('calling-pool-back'), 'back');
  const dec = await decrypt('p.bin', { procs: 2, key, fromDir: out, outFile: back, topology: local });
  assert.equal(dec.onCallingThread, true);
  assert.equal(onMain(dec), true);
  assert.equal(sha(back), sha(big));
});

test('a durable run fsyncs before the renames and the link that acknowledge its work; a measurement run does not', async (t) => {
  // The ranks fsync their own files in their threads; this watches the main thread's commit.
  const events: string[] = [];
  const opened = new Map<number, string>();
  const { openSync, fsyncSync, renameSync, linkSync } = fs;
  t.mock.method(fs, 'openSync', (...a: Parameters<typeof fs.openSync>) => {
    const fd = openSync(...a);
    opened.set(fd, String(a[0]));
    return fd;
  });
  t.mock.method(fs, 'fsyncSync', (fd: number) => (events.push(`fsync ${path.basename(opened.get(fd) ?? '?')}`), fsyncSync(fd)));
  t.mock.method(fs, 'renameSync', (from: fs.PathLike, to: fs.PathLike) => (events.push(`rename ${path.basename(String(to))}`), renameSync(from, to)));
  t.mock.method(fs, 'linkSync', (from: fs.PathLike, to: fs.PathLike) => (events.push(`link ${path.basename(String(to))}`), linkSync(from, to)));
  const input = seededFile(fresh('durable-in'), 'd.bin', 10 * KiB);
  const out = path.join(dir, 'durable-parts');
  await encrypt(input, { procs: 2, key, outDir: out, topology: local, pool });
  const { namesKey } = deriveSubkeys(key);
  const name = (i: number, kind: 'body' | 'iv' | 'tag') => partFileName(namesKey, 'd.bin', 2, i, kind);
  const at = (e: string) => events.indexOf(e);
  const node = local.nodes[0].name;
  const syncs = events.flatMap((e, i) => (e === `fsync ${node}` ? [i] : []));
  assert.equal(syncs.length, 2, `the node folder is fsynced after the bodies and IVs, and after the tags: ${events.join(', ')}`);
  for (const i of [0, 1]) {
    assert.ok(at(`rename ${name(i, 'body')}`) < syncs[0] && at(`rename ${name(i, 'iv')}`) < syncs[0], 'bodies and IVs, then an fsync');
    assert.ok(syncs[0] < at(`rename ${name(i, 'tag')}`) && at(`rename ${name(i, 'tag')}`) < syncs[1], 'then the tags, then an fsync');
  }
  events.length = 0;
  const outDir = fresh('durable-out');
  await decrypt('d.bin', { procs: 2, key, fromDir: out, outFile: path.join(outDir, 'back'), topology: local, pool });
  assert.deepEqual(events.filter((e) => /back|durable-out/.test(e)), ['fsync back', 'link back', 'fsync durable-out'], 'the output on disk, linked into place, its folder on disk');
  events.length = 0;
  await encrypt(input, { procs: 2, key, outDir: path.join(dir, 'measured-parts'), topology: local, pool, durable: false });
  assert.deepEqual(events.filter((e) => e.startsWith('fsync')), [], 'a measurement that throws its output away skips the flush');
});

test('the cap by memory, for threads and for MPI ranks, says why', () => {
  assert.deepEqual(threadsFor(2 ** 30, 12, { memoryBytes: 256 * MiB }), {
    threads: 4,
    threadsReason: '12 parts run on 4 threads: 256 MiB of free memory allows 4 threads of 32 MiB (half of it)',
  });
  const mpi = threadsFor(undefined, 512, { memoryBytes: 1024 * MiB, budgetBytes: 128 * MiB, unit: 'MPI rank', subject: '1024 parts (by default on 512 MPI ranks)' });
  assert.deepEqual(mpi, { threads: 4, threadsReason: '1024 parts (by default on 512 MPI ranks) run on 4 MPI ranks: 1024 MiB of free memory allows 4 MPI ranks of 128 MiB (half of it)' });
  assert.deepEqual(threadsFor(10 * MiB, 12, { memoryBytes: 4096 * MiB }), { threads: 12 }, 'no cap when input and memory warrant every part its thread');
});

describe('file-system errors name the file', () => {
  test('a file in the way of --out (ENOTDIR) and of the output folder', async () => {
    const input = seededFile(fresh('enotdir-in'), 'x.bin', 1000);
    const blocker = path.join(dir, 'blocker');
    fs.writeFileSync(blocker, '');
    await assert.rejects(encrypt(input, { procs: 2, key, outDir: path.join(blocker, 'parts'), topology: local, pool }), (err: Error) => {
      assert.match(err.message, /blocker.* is a file, not a folder/);
      assert.doesNotMatch(err.message, /^ENOTDIR/);
      return true;
    });
    const parts = path.join(dir, 'enotdir-parts');
    await encrypt(input, { procs: 2, key, outDir: parts, topology: local, pool });
    await assert.rejects(decrypt('x.bin', { procs: 2, key, fromDir: parts, outFile: path.join(blocker, 'back'), topology: local, pool }), /blocker.* is a file, not a folder/);
  });

  const root = process.getuid?.() === 0;
  test('a full disk (ENOSPC) names the file being written, and leaves nothing', { skip: root ? false : 'needs root to mount a small tmpfs' }, async (t) => {
    const mount = fresh('tiny-disk');
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k,mode=0755', 'tmpfs', mount], { stdio: 'ignore' });
    } catch (err) {
      t.skip(`cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]})`);
      return;
    }
    try {
      const input = seededFile(fresh('enospc-in'), 'big.bin', 2 * MiB);
      await assert.rejects(encrypt(input, { procs: 2, key, outDir: path.join(mount, 'parts'), topology: local, pool }), (err: Error) => {
        assert.match(err.message, new RegExp(`${mount}/parts/\\S+: .*no space left on the device \\(ENOSPC\\)`));
        return true;
      });
      assert.deepEqual(listFiles(mount), [], 'no part, no temporary');
      // Space back (a smaller input fits): the same folder works again.
      const small = seededFile(fresh('enospc-small'), 'small.bin', 20 * KiB);
      await encrypt(small, { procs: 2, key, outDir: path.join(mount, 'parts'), topology: local, pool });
      await decrypt('small.bin', { procs: 2, key, fromDir: path.join(mount, 'parts'), outFile: path.join(mount, 'back'), topology: local, pool });
      assert.equal(sha(path.join(mount, 'back')), sha(small));
    } finally {
      execFileSync('umount', [mount]);
    }
  });
});

test('a folder whose name Node cannot decode, beside the node folders, does not stop decryption (issue 22)', async () => {
  const out = fresh('undecodable');
  const input = seededFile(dir, 'undecodable.bin', 20_000);
  await encrypt(input, { procs: 3, key, outDir: out, topology: local, pool });
  // made by its bytes: readdir lists it as "x\uFFFD", a name that does not exist
  fs.mkdirSync(Buffer.concat([Buffer.from(`${out}/x`), Buffer.from([0xff])]));
  fs.mkdirSync(path.join(out, '.hidden'));
  const back = path.join(dir, 'undecodable.back');
  await decrypt('undecodable.bin', { procs: 3, key, fromDir: out, outFile: back, topology: local, pool });
  assert.equal(sha(back), sha(input));
});

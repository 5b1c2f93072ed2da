// Real mpirun jobs on this host (--oversubscribe, every rank on 127.0.0.1). CI installs OpenMPI;
// without it these tests fail and say how to install it: they are never skipped.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SeededBytes } from '../../datasets/generator.js';
import { decrypt, encrypt } from '../ctr/cryptosystem.js';
import { deriveSubkeys } from '../ctr/key.js';
import { partFileName } from '../ctr/layout.js';
import { staleScratchIn, temporariesIn } from '../ctr/testing.testkit.js';
import { loadTopology } from '../topology/topology.js';
import type { JobEvent } from './events.js';
import { decryptMpi, encryptMpi, nodeArgv, type MpiOptions } from './launch.js';
import { PROJECT_ROOT } from '../runtime/project.js';
import { checkRunAsRoot, detectLauncher, type Launcher } from './launcher.js';

const KiB = 1024;
const beowulfFile = new URL('../../cluster-config/paper-000-beowulf.json', import.meta.url).pathname;
const localFile = new URL('../../cluster-config/local.json', import.meta.url).pathname;
const EXIT_EARLY = new URL('./fixtures/exit-early-rank.ts', import.meta.url).pathname;
let dir: string;
let keyFile: string;
let launcher: Launcher;
const key = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

function seededFile(name: string, sizeBytes: number): string {
  const buf = new Uint8Array(Math.ceil(sizeBytes / 4) * 4);
  new SeededBytes(`mpi-test:${sizeBytes}`).fill(buf);
  const file = path.join(dir, name);
  fs.writeFileSync(file, buf.subarray(0, sizeBytes));
  return file;
}
const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
/** Every file under `d`, relative, with its size: the layout without the (random-IV) contents. */
const layout = (d: string) =>
  fs.existsSync(d)
    ? fs.readdirSync(d, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => {
        const full = path.join(e.parentPath ?? e.path, e.name);
        return `${path.relative(d, full)} ${fs.statSync(full).size}`;
      }).sort()
    : [];

before(() => {
  try {
    launcher = detectLauncher();
    checkRunAsRoot(launcher);
  } catch (err) {
    throw new Error(`these tests run real MPI jobs: ${(err as Error).message}`);
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpi-test-'));
  keyFile = path.join(dir, 'key');
  fs.writeFileSync(keyFile, `${key.toString('hex')}\n`);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const beowulf = (extra: Partial<MpiOptions> = {}): MpiOptions => ({ procs: 12, np: 3, keyFile, topologyFile: beowulfFile, launcher, ...extra });

test('round trip under mpirun, 3 ranks x 4 worker threads (the paper\'s shape), and both ways with the local engine', async () => {
  const input = seededFile('shape.bin', 300 * KiB + 5);
  const events: JobEvent[] = [];
  const enc = await encryptMpi(input, path.join(dir, 'mpi-parts'), beowulf({ onEvent: (e) => events.push(e) }));
  assert.equal(enc.np, 3);
  assert.equal(enc.originalBytes, 300 * KiB + 5);
  assert.deepEqual(enc.ranks.map((r) => r.mpiRank), [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
  assert.deepEqual(enc.ranks.map((r) => r.node), [...Array(4).fill('node1'), ...Array(4).fill('node2'), ...Array(4).fill('node3')]);
  for (const rank of [0, 1, 2]) {
    assert.equal(new Set(enc.ranks.filter((r) => r.mpiRank === rank).map((r) => r.threadId)).size, 4, `rank ${rank} ran its 4 parts on 4 pool threads`);
  }
  assert.equal(new Set(enc.ranks.map((r) => r.ivHex)).size, 12, 'an IV a part');
  assert.deepEqual(events.filter((e) => e.e === 'joined').map((e) => (e as { rank: number }).rank).sort(), [0, 1, 2]);
  assert.equal(events.filter((e) => e.e === 'progress').length, 12);
  assert.ok(enc.launchMs >= enc.wallMs);

  const back = path.join(dir, 'mpi-back');
  const dec = await decryptMpi('shape.bin', path.join(dir, 'mpi-parts'), back, beowulf());
  assert.equal(sha(back), sha(input));
  assert.deepEqual(dec.ranks.map((r) => r.ivHex), enc.ranks.map((r) => r.ivHex), 'decrypt read the IVs encrypt wrote');

  // The local engine lays out the same files, and decrypts what mpirun encrypted.
  const topology = loadTopology(beowulfFile);
  await encrypt(input, { procs: 12, key, outDir: path.join(dir, 'local-parts'), topology });
  assert.deepEqual(layout(path.join(dir, 'mpi-parts')), layout(path.join(dir, 'local-parts')));
  const localBack = path.join(dir, 'local-back');
  await decrypt('shape.bin', { procs: 12, key, fromDir: path.join(dir, 'mpi-parts'), outFile: localBack, topology });
  assert.equal(sha(localBack), sha(input));
});

test('mpirun decrypts what the local engine encrypted (another n, another topology)', async () => {
  const input = seededFile('local.bin', 50 * KiB + 3);
  const parts = path.join(dir, 'from-local');
  await encrypt(input, { procs: 5, key, outDir: parts, topology: loadTopology(localFile) });
  const back = path.join(dir, 'from-local-back');
  const r = await decryptMpi('local.bin', parts, back, { procs: 5, np: 2, keyFile, topologyFile: localFile, launcher });
  assert.equal(r.np, 2);
  assert.equal(sha(back), sha(input));
});

/** rank 2 is the fixture: it joins, passes the barrier, then exits with `code`. */
const rankTwoExits = (code: number): MpiOptions['apps'] => (np, argv) => [{ np: np - 1, argv }, { np: 1, argv: [...nodeArgv(EXIT_EARLY), String(code)] }];

test('a rank that dies early (non-zero exit: mpirun aborts the job) fails the encryption naming it, with no part left', async () => {
  const input = seededFile('dies.bin', 40 * KiB);
  const out = path.join(dir, 'dies-parts');
  await assert.rejects(encryptMpi(input, out, beowulf({ apps: rankTwoExits(3) })), /rank 2 on \S+ (exited early|failed: disconnected)/);
  assert.equal(fs.existsSync(out), false, 'no part file, not even the folders the job created');
  assert.deepEqual(staleScratchIn(os.tmpdir()), [], 'no rank\'s private folder left in the temporary folder');
});

test('a rank that leaves early (exit 0: only rank 0 notices) fails the decryption naming it, with no output left', async () => {
  const input = seededFile('leaves.bin', 40 * KiB);
  const parts = path.join(dir, 'leaves-parts');
  await encrypt(input, { procs: 12, key, outDir: parts, topology: loadTopology(beowulfFile) });
  const out = path.join(dir, 'leaves-out', 'back.bin');
  await assert.rejects(decryptMpi('leaves.bin', parts, out, beowulf({ apps: rankTwoExits(0) })), /rank 2 on \S+ failed: disconnected before finishing its parts/);
  assert.equal(fs.existsSync(path.dirname(out)), false, 'no output, no temporary output, not even its new folder');
  assert.equal(layout(parts).length, 36, 'the parts are untouched');
});

test('a tampered part fails the decryption naming the rank that holds it and the part, with no output left', async () => {
  const input = seededFile('tampered.bin', 40 * KiB);
  const parts = path.join(dir, 'tampered-parts');
  await encrypt(input, { procs: 12, key, outDir: parts, topology: loadTopology(beowulfFile) });
  const body = path.join(parts, 'node2', partFileName(deriveSubkeys(key).namesKey, 'tampered.bin', 12, 5, 'body'));
  const bytes = fs.readFileSync(body);
  bytes[7] ^= 0x01;
  fs.writeFileSync(body, bytes);
  const out = path.join(dir, 'tampered-back');
  await assert.rejects(decryptMpi('tampered.bin', parts, out, beowulf()), /rank 1 on \S+ failed: part 5 of 12 failed its integrity check/);
  assert.equal(fs.existsSync(out), false);
  assert.deepEqual(temporariesIn(dir), []);
  assert.deepEqual(staleScratchIn(os.tmpdir()), []);
});

test('the ctr CLI: --launcher mpirun --np runs the job; --hostfile/--np without it, or an unknown launcher, are usage errors', () => {
  const input = seededFile('cli.bin', 10 * KiB + 1);
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['--openssl-legacy-provider', '--import', './engine/register.mjs', 'commands/harness.ts', 'ctr', ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  const common = ['--in', input, '--procs', '4', '--key', keyFile, '--out', path.join(dir, 'cli-parts')];
  const ok = cli('encrypt', ...common, '--launcher', 'mpirun', '--np', '2');
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /into 4 parts of 2561 bytes under mpirun \(Open MPI\) [\d.]+ with 2 ranks/);
  const local = cli('encrypt', ...common, '--np', '2');
  assert.equal(local.status, 2);
  assert.match(local.stderr, /--np only apply with --launcher mpirun/);
  const unknown = cli('encrypt', ...common, '--launcher', 'slurm');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /--launcher must be local or mpirun, got "slurm"/);
});

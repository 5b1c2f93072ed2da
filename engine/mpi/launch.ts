// The launching side of an MPI job: picks rank 0's address, starts mpirun (or mpiexec) with one
// rank.ts process per rank, follows rank 0's events, and on any failure reports the rank and host
// at fault and sweeps every file the job wrote, so no partial output is left.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { DEFAULT_CHUNK_BYTES } from '../ctr/cryptosystem.js';
import { deriveSubkeys, readKeyFile } from '../ctr/key.js';
import { CtrFormatError } from '../ctr/errors.js';
import { whileRegistered } from '../ctr/interrupt.js';
import { partFileName, planPartition, type Integrity } from '../ctr/layout.js';
import { sweepStale } from '../ctr/scratch.js';
import { PROCESS_BUDGET_BYTES, threadsFor } from '../ctr/capacity.js';
import { loadTopology, placement } from '../topology/topology.js';
import { parseEvent, type JobEvent, type MpiJobResult } from './events.js';
import { encodeJob, JOB_VARIABLE, RENDEZVOUS_VARIABLE, type DecryptJob, type EncryptJob, type MpiJob } from './job.js';
import { detectLauncher, firstHost, freePort, launchArgs, type AppContext, type EmulatedHosts, type Launcher, type LaunchPlan } from './launcher.js';
import { nodeCommand, PROJECT_ROOT, siblingModulePath } from '../runtime/project.js';
import { isAlive } from '../runtime/process-alive.js';

const RANK_SCRIPT = siblingModulePath(import.meta.url, './rank');
const DEFAULT_JOIN_TIMEOUT_MS = 30_000;
const STDERR_KEEP_BYTES = 16 * 1024;
/** how long a stopped mpirun may take to stop its ranks (they clean up on SIGTERM) before SIGKILL */
const STOP_GRACE_MS = 15_000;

export class MpiJobError extends Error {}

/** How a Node rank process is started (the same on every host: README): compiled JS, or from source under the loader. */
export const nodeArgv = nodeCommand;

export interface MpiOptions {
  procs: number;
  keyFile: string;
  topologyFile: string;
  /** MPI ranks; default one a cluster-config node's worth of parts: ceil(procs / processesPerNode) */
  np?: number;
  hostfile?: string;
  /**
   * the hosts of an emulated cluster (engine/cluster), one rank each in order: the input is synced
   * to them over their shaped links before the run, and decryption's plaintext crosses them to rank 0
   */
  emulated?: EmulatedHosts;
  /**
   * encrypt: rank 0 copies the input to every other rank before the start barrier, timed apart
   * (syncMs; `--input-sync copy`, the paper's sync); otherwise each rank reads it in place at the same
   * path (`shared`). Default: copy on emulated hosts, in place otherwise.
   */
  syncInput?: boolean;
  chunkBytes?: number;
  joinTimeoutMs?: number;
  /** encrypt: aes-128-gcm (default) or none; decrypt: none accepts parts without a tag */
  integrity?: Integrity;
  /** fsync before the commit that acknowledges the job (default true) */
  durable?: boolean;
  launcher?: Launcher;
  onEvent?: (event: JobEvent) => void;
  /** the MPMD layout; default every rank runs rank.ts (tests swap one rank for a failing one) */
  apps?: (np: number, rankArgv: string[]) => AppContext[];
}

export interface MpiReport extends MpiJobResult {
  /** mpirun started to mpirun exited: the job as a user waits for it */
  launchMs: number;
  launcher: string;
  /** why the job had fewer MPI ranks than the default asks for, when it had */
  npReason?: string;
}

export function defaultNp(procs: number, topologyFile: string): number {
  return Math.min(procs, Math.ceil(procs / loadTopology(topologyFile).processesPerNode));
}

/**
 * The MPI ranks to start: `--np` as given (refused beyond what the memory allows), or by default one
 * a cluster-config node's worth of parts, capped by what the input and the memory warrant
 * (`--procs 1024` on a 5 KB file would otherwise start 512 Node processes).
 */
function ranksFor(opts: MpiOptions, originalBytes: number | undefined): { np: number; npReason?: string } {
  const wanted = opts.np ?? defaultNp(opts.procs, opts.topologyFile);
  if (!Number.isInteger(wanted) || wanted < 1 || wanted > opts.procs) throw new MpiJobError(`--np must be an integer from 1 to the number of parts (${opts.procs}), got ${wanted}`);
  const given = opts.np !== undefined;
  const { threads: np, threadsReason } = threadsFor(given ? undefined : originalBytes, wanted, {
    budgetBytes: PROCESS_BUDGET_BYTES,
    unit: 'MPI rank',
    subject: given ? `${opts.procs} parts on --np ${wanted}` : `${opts.procs} parts (by default on ${wanted} MPI ranks)`,
  });
  if (np < wanted && given) throw new MpiJobError(`--np ${wanted} is more than this machine can start: ${threadsReason}`);
  return { np, ...(threadsReason ? { npReason: threadsReason } : {}) };
}

/** Turns what mpirun printed into the clearest error available. */
export function explainFailure(code: number | null, signal: string | null, events: JobEvent[], stderr: string, launcherName: string): string {
  const error = events.find((e): e is Extract<JobEvent, { e: 'error' }> => e.e === 'error');
  if (error) return `rank ${error.rank} on ${error.host} failed: ${error.message}`;
  const hosts = new Map<number, string>();
  const pids = new Map<number, number>();
  for (const e of events) if (e.e === 'joined') (hosts.set(e.rank, e.host), pids.set(e.pid, e.rank));
  const hostOf = (rank: number, fallback = 'unknown host') => hosts.get(rank) ?? fallback;
  const own = (rank: number) => stderr.split('\n').find((l) => l.startsWith(`rank ${rank} on `));
  const said = (rank: number) => (own(rank) ? `; it said: ${own(rank)}` : '');
  // OpenMPI: a non-zero exit, or a signal.
  const exited = /Process name: \[\[\d+,\d+\],(\d+)\]\s+Exit code:\s+(\d+)/.exec(stderr);
  if (exited) {
    const rank = Number(exited[1]);
    return `rank ${rank} on ${hostOf(rank)} exited early with code ${exited[2]} before the job finished${said(rank)}`;
  }
  const signalled = /process rank (\d+) with PID \d+ on node (\S+) exited on signal (\d+)(?: \(([^)]+)\))?/.exec(stderr);
  if (signalled) {
    const rank = Number(signalled[1]);
    return `rank ${rank} on ${hostOf(rank, signalled[2])} was killed by signal ${signalled[3]}${signalled[4] ? ` (${signalled[4]})` : ''} before the job finished`;
  }
  // MPICH's Hydra names the PID and host.
  const hydra = /PID (\d+) RUNNING AT (\S+)\s+=\s+EXIT CODE: (\d+)/.exec(stderr);
  if (hydra) {
    const rank = pids.get(Number(hydra[1]));
    return `${rank === undefined ? `a rank (PID ${hydra[1]})` : `rank ${rank}`} on ${hydra[2]} exited early with code ${hydra[3]} before the job finished`;
  }
  const tail = stderr.trim().split('\n').slice(-8).join('\n');
  return `${launcherName} exited with ${signal ? `signal ${signal}` : `code ${code}`} and rank 0 gave no result${tail ? `:\n${tail}` : ''}`;
}

/** `dir` and its sub-folders that exist now: the ones a failed job must not remove. */
function existingFolders(dir: string): Set<string> {
  if (!fs.existsSync(dir)) return new Set();
  return new Set([dir, ...fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(dir, e.name))]);
}

/** Removes the node sub-folders (then `dir`) that the job created and left empty. */
function removeNewEmptyFolders(dir: string, before: Set<string>): void {
  for (const d of [...existingFolders(dir)].reverse()) {
    if (!before.has(d) && fs.readdirSync(d).length === 0) fs.rmdirSync(d);
  }
}

/** The final part files this job would create, which did not exist before it. */
function newPartFiles(job: EncryptJob, topologyFile: string): string[] {
  const { namesKey } = deriveSubkeys(readKeyFile(job.keyFile));
  const { rankNodes } = placement(loadTopology(topologyFile), job.procs);
  return rankNodes.flatMap((node, i) =>
    (['body', 'iv', 'tag'] as const).map((k) => path.join(job.outDir, node, partFileName(namesKey, job.inputName, job.procs, i, k))),
  ).filter((f) => !fs.existsSync(f));
}

/** The launcher to use: the given one, or the one on PATH (as root, launcherEnv gives OpenMPI its consent). */
export function readyLauncher(given?: Launcher): Launcher {
  return given ?? detectLauncher();
}

let rootConsentSaid = false;

/**
 * The environment the harness's own mpirun runs with. OpenMPI refuses root unless told twice; the
 * harness started it, so as root it gives that child the two variables (as .ci/run does), saying so
 * once a process. The user's own environment is left as it is.
 */
export function launcherEnv(
  launcher: Pick<Launcher, 'flavour'>,
  env: NodeJS.ProcessEnv = process.env,
  uid = process.getuid?.() ?? -1,
  say: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): NodeJS.ProcessEnv {
  if (launcher.flavour !== 'openmpi' || uid !== 0) return env;
  if (env.OMPI_ALLOW_RUN_AS_ROOT === '1' && env.OMPI_ALLOW_RUN_AS_ROOT_CONFIRM === '1') return env;
  if (!rootConsentSaid) {
    rootConsentSaid = true;
    say('running as root: the harness gives its own mpirun OMPI_ALLOW_RUN_AS_ROOT=1 and OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 (OpenMPI refuses root without them)');
  }
  return { ...env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' };
}

export interface LauncherRun {
  code: number | null;
  signal: string | null;
  /** rank 0's events, in order */
  events: JobEvent[];
  /** the last 16 KiB mpirun printed on stderr (its own messages and the ranks') */
  stderr: string;
  launchMs: number;
}

/** Runs the launcher to its exit, following rank 0's event lines; `onSpawn` gets the launcher's process (to stop it). */
export async function runUnderLauncher(launcher: Launcher, plan: LaunchPlan, onEvent?: (event: JobEvent) => void, onSpawn?: (child: ChildProcess) => void): Promise<LauncherRun> {
  const started = performance.now();
  const child = spawn(launcher.path, launchArgs(launcher, plan), { stdio: ['ignore', 'pipe', 'pipe'], env: launcherEnv(launcher) });
  onSpawn?.(child);
  const events: JobEvent[] = [];
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-STDERR_KEEP_BYTES)));
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const event = parseEvent(line);
    if (!event) return;
    events.push(event);
    onEvent?.(event);
  });
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve, reject) => {
    child.once('error', (err) => reject(new MpiJobError(`cannot start ${launcher.path}: ${err.message}`)));
    child.once('close', (c, s) => resolve([c, s]));
  });
  return { code, signal, events, stderr, launchMs: performance.now() - started };
}

/** Stops a running launcher: SIGTERM (mpirun passes it to the ranks, which remove their files), then SIGKILL. */
async function stopLauncher(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await closed;
  clearTimeout(timer);
}

/**
 * SIGTERM to the ranks on this host, each of which then stops its workers and removes its files. Told
 * SIGTERM, mpirun sends its ranks SIGCONT, waits up to a second for them to exit on their own, and
 * only then SIGTERM and SIGKILL a moment apart: a rank still working then is killed before it can tidy,
 * and one that finishes in that second commits an output the user meant to stop. Ranks elsewhere stop
 * when rank 0 does (they lose its connection) or by mpirun.
 */
function stopRanksHere(pids: number[]): void {
  for (const pid of pids.filter(isAlive)) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // it exited between the check and the signal
    }
  }
}

/** Waits (at most `limitMs`) until these processes of this host have exited: a rank may outlive mpirun while it removes its files. */
async function processesGone(pids: number[], limitMs: number): Promise<void> {
  for (const until = Date.now() + limitMs; pids.some(isAlive) && Date.now() < until; ) await new Promise((r) => setTimeout(r, 20));
}

/** Rank 0's address: the first host of the hostfile (where mpirun puts rank 0), else this host. */
export async function rendezvousFor(hostfile: string | undefined): Promise<string> {
  return `${hostfile ? firstHost(hostfile) : '127.0.0.1'}:${await freePort()}`;
}

async function runJob(job: MpiJob, opts: MpiOptions, originalBytes?: number): Promise<MpiReport> {
  const launcher = readyLauncher(opts.launcher);
  const { np, npReason } = ranksFor(opts, originalBytes);
  const hostfile = opts.hostfile && path.resolve(opts.hostfile);
  if (hostfile && opts.emulated) throw new MpiJobError('a hostfile and emulated hosts exclude each other');
  if (opts.emulated && np > opts.emulated.addresses.length) throw new MpiJobError(`the job needs ${np} MPI ranks, one a host, and the emulated cluster has ${opts.emulated.addresses.length} hosts`);
  const rankArgv = nodeArgv(RANK_SCRIPT);
  const sweep = job.op === 'encrypt' ? newPartFiles(job, opts.topologyFile) : [];
  const outFolder = job.op === 'encrypt' ? job.outDir : path.dirname(job.outFile);
  const folders = existingFolders(outFolder);
  // The ranks on this host, as they join: once they have exited, their private folders can be swept.
  const localRanks: number[] = [];
  const onEvent = (e: JobEvent) => {
    // emulated hosts are namespaces of this machine: their ranks are this host's processes
    if (e.e === 'joined' && (opts.emulated || e.host === os.hostname())) localRanks.push(e.pid);
    opts.onEvent?.(e);
  };
  /** Removes what the job wrote here (all of it, on one host or a shared folder; ranks elsewhere clean their own). */
  const tidy = async () => {
    await processesGone(localRanks, STOP_GRACE_MS);
    sweepStale(outFolder, job.op === 'encrypt' ? 1 : 0); // the ranks' private folders: every rank here has exited
    sweepStale(os.tmpdir(), 0);
    for (const f of sweep) fs.rmSync(f, { force: true });
    removeNewEmptyFolders(outFolder, folders);
  };
  let launched: ChildProcess | undefined;
  const plan: LaunchPlan = {
    apps: opts.apps ? opts.apps(np, rankArgv) : [{ np, argv: rankArgv }],
    env: { [JOB_VARIABLE]: encodeJob(job), [RENDEZVOUS_VARIABLE]: opts.emulated ? `${opts.emulated.addresses[0]}:${await freePort()}` : await rendezvousFor(hostfile) },
    workDir: PROJECT_ROOT,
    ...(hostfile ? { hostfile } : {}),
    ...(opts.emulated ? { emulated: opts.emulated } : {}),
  };
  const { code, signal, events, stderr, launchMs } = await whileRegistered(
    async () => {
      stopRanksHere(localRanks);
      await stopLauncher(launched);
      await tidy();
    },
    () => runUnderLauncher(launcher, plan, onEvent, (child) => (launched = child)),
  );
  const result = events.find((e): e is Extract<JobEvent, { e: 'result' }> => e.e === 'result');
  if (result && code === 0) return { ...result.result, launchMs, launcher: launcher.version, ...(npReason ? { npReason } : {}) };
  await tidy();
  throw new MpiJobError(explainFailure(code, signal, events, stderr, launcher.command));
}

function common(opts: MpiOptions, inputName: string) {
  return {
    jobId: randomBytes(6).toString('hex'),
    token: randomBytes(16).toString('hex'),
    procs: planPartition(0, opts.procs).procs,
    keyFile: path.resolve(opts.keyFile),
    topologyFile: path.resolve(opts.topologyFile),
    inputName,
    listenHost: opts.emulated ? opts.emulated.addresses[0] : opts.hostfile ? '0.0.0.0' : '127.0.0.1',
    chunkBytes: opts.chunkBytes ?? DEFAULT_CHUNK_BYTES,
    joinTimeoutMs: opts.joinTimeoutMs ?? DEFAULT_JOIN_TIMEOUT_MS,
    integrity: opts.integrity ?? 'aes-128-gcm',
    durable: opts.durable ?? true,
  };
}

/** Encrypts `inputFile` as `procs` parts under mpirun; the files are the local engine's, byte for byte in layout. */
export async function encryptMpi(inputFile: string, outDir: string, opts: MpiOptions & { inputName?: string }): Promise<MpiReport> {
  const input = path.resolve(inputFile);
  if (!fs.existsSync(input) || !fs.statSync(input).isFile()) throw new CtrFormatError(`${inputFile}: the input is not a readable regular file`);
  readKeyFile(opts.keyFile); // a bad key file is reported here, once, not by every rank
  const job: EncryptJob = {
    op: 'encrypt',
    ...common(opts, opts.inputName ?? path.basename(input)),
    inputFile: input,
    outDir: path.resolve(outDir),
    encryptionIdHex: randomBytes(16).toString('hex'),
    ...((opts.syncInput ?? Boolean(opts.emulated)) ? { syncInput: true } : {}),
  };
  return runJob(job, opts, fs.statSync(input).size);
}

/** Decrypts the `procs` parts of `inputName` found under `fromDir` (on each rank's host) into `outFile` on rank 0's. */
export async function decryptMpi(inputName: string, fromDir: string, outFile: string, opts: MpiOptions): Promise<MpiReport> {
  const out = path.resolve(outFile);
  if (fs.existsSync(out)) throw new CtrFormatError(`${outFile}: already exists; decrypt never overwrites a file`);
  readKeyFile(opts.keyFile);
  const job: DecryptJob = { op: 'decrypt', ...common(opts, inputName), fromDir: path.resolve(fromDir), outFile: out };
  return runJob(job, opts);
}

// One MPI job of the cryptosystem as every rank receives it: the launcher exports it (mpirun -x,
// mpiexec -genv, or a pod spec's env) as CTR_MPI_JOB, base64url JSON so that no launcher or shell
// has to quote it, and rank 0's address as CTR_MPI_RENDEZVOUS=host:port. Paths are absolute and
// must mean the same on every host (README: where the input and the parts live).
import { INTEGRITIES, MAX_PROCS, type Integrity } from '../ctr/layout.js';

export const JOB_VARIABLE = 'CTR_MPI_JOB';
export const RENDEZVOUS_VARIABLE = 'CTR_MPI_RENDEZVOUS';
/** how rank 0's lines on stdout are told apart from anything else a rank prints */
export const EVENT_PREFIX = '@ctr-mpi ';

interface JobCommon {
  /** names every rank's private folders (`.ctr-tmp-<host>-<pid>-<jobId>`) */
  jobId: string;
  /** members must present it in their hello: another job's ranks cannot join by mistake */
  token: string;
  procs: number;
  keyFile: string;
  topologyFile: string;
  inputName: string;
  /** rank 0 listens here: 127.0.0.1 when every rank is on this host, all interfaces otherwise */
  listenHost: string;
  chunkBytes: number;
  /** how long rank 0 waits for every rank to join, and members for rank 0 */
  joinTimeoutMs: number;
  /** encrypt: what the parts get; decrypt: what is accepted (none accepts parts without a tag) */
  integrity: Integrity;
  /** fsync files and folders before the commit that acknowledges the job */
  durable: boolean;
}

export interface EncryptJob extends JobCommon {
  op: 'encrypt';
  inputFile: string;
  outDir: string;
  /** the one id of this encryption, bound into every part by every rank (engine/ctr/tag-format.mjs) */
  encryptionIdHex: string;
  /**
   * copy the input from rank 0 to every other rank over the network before the start barrier, as
   * the paper syncs it to every node (on emulated hosts: over their shaped links); timed apart
   */
  syncInput?: boolean;
}

export interface DecryptJob extends JobCommon {
  op: 'decrypt';
  fromDir: string;
  /** rank 0 stitches in its private folder beside it, and links the result here once every part is in */
  outFile: string;
}

export type MpiJob = EncryptJob | DecryptJob;

class JobError extends Error {}

export function encodeJob(job: MpiJob): string {
  return Buffer.from(JSON.stringify(job)).toString('base64url');
}

export function decodeJob(env: NodeJS.ProcessEnv = process.env): MpiJob {
  const text = env[JOB_VARIABLE];
  if (!text) throw new JobError(`${JOB_VARIABLE} is not set: start ranks with engine/mpi (npm run ctr -- encrypt|decrypt --launcher mpirun)`);
  let job: MpiJob;
  try {
    job = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as MpiJob;
  } catch (err) {
    throw new JobError(`${JOB_VARIABLE} is not base64url JSON (${(err as Error).message})`);
  }
  const need = (field: string, ok: boolean) => {
    if (!ok) throw new JobError(`${JOB_VARIABLE}: field "${field}" is missing or invalid (${JSON.stringify((job as unknown as Record<string, unknown>)[field])})`);
  };
  need('op', job.op === 'encrypt' || job.op === 'decrypt');
  need('procs', Number.isInteger(job.procs) && job.procs >= 1 && job.procs <= MAX_PROCS);
  for (const f of ['jobId', 'token', 'keyFile', 'topologyFile', 'inputName', 'listenHost'] as const) need(f, typeof job[f] === 'string' && job[f] !== '');
  need('chunkBytes', Number.isInteger(job.chunkBytes) && job.chunkBytes > 0);
  need('joinTimeoutMs', Number.isInteger(job.joinTimeoutMs) && job.joinTimeoutMs > 0);
  need('integrity', INTEGRITIES.includes(job.integrity));
  need('durable', typeof job.durable === 'boolean');
  need('jobId', /^[0-9a-f]+$/.test(job.jobId));
  if (job.op === 'encrypt') {
    for (const f of ['inputFile', 'outDir'] as const) need(f, typeof job[f] === 'string');
    need('encryptionIdHex', typeof job.encryptionIdHex === 'string' && /^[0-9a-f]{32}$/.test(job.encryptionIdHex));
  } else for (const f of ['fromDir', 'outFile'] as const) need(f, typeof job[f] === 'string');
  return job;
}

export function rendezvousFromEnv(env: NodeJS.ProcessEnv = process.env): { host: string; port: number } {
  const text = env[RENDEZVOUS_VARIABLE] ?? '';
  const m = /^(.+):(\d+)$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) throw new JobError(`${RENDEZVOUS_VARIABLE} must be HOST:PORT (rank 0's address), got ${JSON.stringify(text)}`);
  return { host: m[1], port };
}

/** The parts rank r of `size` owns: a contiguous block, so 12 parts on 3 ranks give 0-3, 4-7, 8-11 as the paper's nodes did. */
export function ownedParts(procs: number, size: number, rank: number): number[] {
  const start = Math.floor((rank * procs) / size);
  const end = Math.floor(((rank + 1) * procs) / size);
  return Array.from({ length: end - start }, (_, i) => start + i);
}

export function ownerOf(procs: number, size: number, index: number): number {
  for (let r = 0; r < size; r++) if (ownedParts(procs, size, r).includes(index)) return r;
  throw new RangeError(`part ${index} is not below ${procs}`);
}

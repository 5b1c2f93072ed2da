// The process mpirun (or mpiexec, or an Indexed Job's pod) starts once per rank:
//   node --openssl-legacy-provider --import <repo>/engine/register.mjs <repo>/engine/mpi/rank.ts
// with CTR_MPI_JOB and CTR_MPI_RENDEZVOUS in its environment. Rank 0 coordinates; the others serve.
import os from 'node:os';
import path from 'node:path';
import { deriveSubkeys, readKeyFile } from '../ctr/key.js';
import { sweepStale } from '../ctr/scratch.js';
import { loadTopology } from '../topology/topology.js';
import { coordinate } from './coordinator.js';
import { emit } from './events.js';
import { decodeJob, ownedParts, rendezvousFromEnv } from './job.js';
import { awaitAbort, joinRankZero, serve } from './member.js';
import { OwnParts } from './parts.js';
import type { RankContext } from './rank-context.js';
import { rankFromEnv, rankHost } from './rank-env.js';
import { keyCheckOf } from './wire.js';

async function main(): Promise<number> {
  const host = rankHost();
  // Without a rank, job or rendezvous there is nobody to tell: say it on stderr, which mpirun shows.
  const id = rankFromEnv();
  const job = decodeJob();
  const rendezvous = rendezvousFromEnv();

  let c: RankContext;
  let keyCheck: string;
  try {
    if (id.size > job.procs) throw new Error(`the job has ${id.size} ranks but only ${job.procs} parts: use at most --np ${job.procs}`);
    const keys = deriveSubkeys(readKeyFile(job.keyFile));
    const topology = loadTopology(job.topologyFile);
    const own = new OwnParts(job, ownedParts(job.procs, id.size, id.rank), keys, topology);
    c = { id, job, host, rendezvous, keys, topology, own };
    keyCheck = keyCheckOf(keys.namesKey, job.token);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (id.rank === 0) {
      emit({ e: 'error', rank: 0, host, message });
    } else {
      const conn = await joinRankZero(id, job, rendezvous, host, '', { setupError: message }).catch((joinErr: Error) => {
        process.stderr.write(`rank ${id.rank} on ${host}: could not report to rank 0: ${joinErr.message}\n`);
        return undefined;
      });
      if (conn) await awaitAbort(conn);
      process.stderr.write(`rank ${id.rank} on ${host}: ${message}\n`);
    }
    return 1;
  }

  // mpirun ends the other ranks with SIGTERM when one fails hard or is itself stopped; Ctrl-C in a
  // terminal sends every process of the job SIGINT: either way, leave no part or plaintext behind.
  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    process.once(signal, () => {
      void c.own.pool.destroy().finally(() => {
        c.own.discard();
        process.exit(code);
      });
    });
  }
  // What ranks of this job, or of earlier ones, left on this host when they were killed outright.
  if (job.op === 'encrypt') sweepStale(job.outDir);
  else sweepStale(path.dirname(job.outFile), 0);
  sweepStale(os.tmpdir(), 0);
  try {
    await c.own.pool.warm(); // thread start and the worker's compile are not part of the job's time
    return id.rank === 0 ? await coordinate(c) : await serve(c, keyCheck);
  } finally {
    await c.own.pool.destroy();
    c.own.scratch.remove(); // a member's decrypt scratch folder in the temporary folder, emptied part by part
  }
}

let code: number;
try {
  code = await main();
} catch (err) {
  process.stderr.write(`ctr mpi rank: ${err instanceof Error ? err.message : String(err)}\n`);
  code = 2;
}
process.exit(code);

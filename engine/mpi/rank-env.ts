// Who am I in the job: the rank and world size a launcher puts in each process's environment.
// OpenMPI sets OMPI_COMM_WORLD_*, MPICH's Hydra (and Slurm's PMI) sets PMI_*; a Kubernetes Indexed
// Job sets only JOB_COMPLETION_INDEX, so its size comes from CTR_MPI_WORLD_SIZE in the pod spec.
import os from 'node:os';

export interface RankIdentity {
  rank: number;
  size: number;
  /** which variables said so, for error messages */
  source: string;
}

const SOURCES: { rank: string; size: string }[] = [
  { rank: 'OMPI_COMM_WORLD_RANK', size: 'OMPI_COMM_WORLD_SIZE' },
  { rank: 'PMI_RANK', size: 'PMI_SIZE' },
  { rank: 'JOB_COMPLETION_INDEX', size: 'CTR_MPI_WORLD_SIZE' },
];

class RankEnvError extends Error {}

/** set by an emulated cluster's rsh agent (engine/cluster): `node@address`, since namespaces share the host name */
const EMULATED_HOST_VARIABLE = 'HARNESS_HOST';

/** The host a rank reports itself on: its emulated host when there is one, else the machine's name. */
export const rankHost = (env: NodeJS.ProcessEnv = process.env): string => env[EMULATED_HOST_VARIABLE] || os.hostname();

function wholeNumber(env: NodeJS.ProcessEnv, name: string, min: number): number {
  const text = env[name];
  const n = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isInteger(n) || n < min) {
    throw new RankEnvError(`environment variable ${name} must be an integer >= ${min}, got ${JSON.stringify(text)}`);
  }
  return n;
}

export function rankFromEnv(env: NodeJS.ProcessEnv = process.env): RankIdentity {
  const found = SOURCES.find((s) => env[s.rank] !== undefined);
  if (!found) {
    throw new RankEnvError(
      `no rank in the environment: expected ${SOURCES.map((s) => `${s.rank}/${s.size}`).join(', or ')} (is this process started by mpirun, mpiexec or an Indexed Job?)`,
    );
  }
  const rank = wholeNumber(env, found.rank, 0);
  const size = wholeNumber(env, found.size, 1);
  if (rank >= size) throw new RankEnvError(`${found.rank}=${rank} is not below ${found.size}=${size}`);
  return { rank, size, source: `${found.rank}/${found.size}` };
}

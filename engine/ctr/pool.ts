// A Piscina pool with one worker thread a rank: n concurrent tasks land on n distinct threads, the
// shape of the paper's n MPI processes. Scenarios keep pools across repetitions so that thread
// start-up (and ts-node's compile of the worker) is not timed.
import { Piscina } from 'piscina';
import type { CtrTask, DecryptPartTask, EncryptPartTask, PartResult } from './messages.js';

/**
 * The parent's flags minus the TypeScript loader (the worker is plain ESM; the loader would cost each
 * thread about 65 MB) and minus --openssl-legacy-provider, which a worker may not be given: the
 * provider is process-wide and the worker has it anyway.
 */
export function plainWorkerExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--import' || argv[i] === '--loader') {
      i++;
      continue;
    }
    if (/^--(import|loader)=/.test(argv[i]) || argv[i] === '--openssl-legacy-provider') continue;
    out.push(argv[i]);
  }
  return out;
}

export class RankPool {
  private readonly piscina: Piscina;

  constructor(readonly ranks: number) {
    this.piscina = new Piscina({
      filename: new URL('./worker.mjs', import.meta.url).href,
      execArgv: plainWorkerExecArgv(),
      minThreads: ranks,
      maxThreads: ranks,
      concurrentTasksPerWorker: 1,
      idleTimeout: 60_000,
      // the engine times its ranks itself; piscina's histograms cost each thread start-up time
      recordTiming: false,
    });
  }

  run(task: EncryptPartTask | DecryptPartTask): Promise<PartResult> {
    return this.piscina.run(task satisfies CtrTask) as Promise<PartResult>;
  }

  /** Starts every thread (and compiles the worker) so that the first timed run does not pay it. */
  async warm(): Promise<void> {
    const task: CtrTask = { kind: 'warm' };
    await Promise.all(Array.from({ length: this.ranks }, () => this.piscina.run(task)));
  }

  /** Threads that have started so far. */
  get threads(): number {
    return this.piscina.threads.length;
  }

  /** Stops every thread (a task in progress is abandoned); safe to call twice. */
  destroy(): Promise<void> {
    this.destroyed ??= this.piscina.destroy();
    return this.destroyed;
  }

  private destroyed?: Promise<void>;
}

/**
 * Runs `use` with the given pool (its threads, whatever their number: parts beyond them queue), or
 * with a temporary one of `threads` threads, destroyed afterwards; `onOwn` learns of the temporary
 * pool so that a signal handler can stop it.
 */
export async function withPool<T>(threads: number, pool: RankPool | undefined, use: (p: RankPool) => Promise<T>, onOwn?: (own: RankPool) => void): Promise<T> {
  if (pool) return use(pool);
  const own = new RankPool(threads);
  onOwn?.(own);
  try {
    await own.warm();
    return await use(own);
  } finally {
    await own.destroy();
  }
}

// A Piscina pool with one worker thread a rank: n concurrent tasks land on n distinct threads, the
// shape of the paper's n MPI processes. Scenarios keep pools across repetitions so that thread
// start-up (and ts-node's compile of the worker) is not timed.
import fs from 'node:fs';
import type { Piscina } from 'piscina';
import { planThreads, type ThreadPlan } from './capacity.js';
import { MAX_PROCS } from './layout.js';
import type { CtrTask, DecryptPartTask, EncryptPartTask, PartResult } from './messages.js';

/**
 * The parent's flags minus the TypeScript loader (the worker is plain ESM; the loader would cost each
 * thread about 65 MB) and minus --openssl-legacy-provider, which a worker may not be given: the
 * provider is process-wide and the worker has it anyway.
 */
function plainWorkerExecArgv(): string[] {
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

type Engine = (task: CtrTask) => Promise<PartResult | number>;

export class RankPool {
  private piscina?: Piscina;
  private engine?: Promise<Engine>;
  private destroyed?: Promise<void>;

  /**
   * `onCallingThread`: one rank's tasks run here, one after another, with no worker thread (for
   * inputs of at most CALLING_THREAD_MAX_BYTES: engine/ctr/capacity.ts); the same worker module
   * runs them, so the files are the same.
   */
  constructor(
    readonly ranks: number,
    readonly onCallingThread = false,
  ) {
    if (onCallingThread && ranks !== 1) throw new RangeError(`only one rank runs on the calling thread, not ${ranks}`);
  }

  /** Piscina (and the engine) load on first use, so that a run on the calling thread never loads them. */
  private started(): Promise<Engine> {
    if (this.destroyed) return Promise.reject(new Error('the rank pool was destroyed'));
    this.engine ??= this.onCallingThread
      ? import('./worker.mjs').then((m) => async (task: CtrTask) => m.default(task))
      : import('piscina').then(({ Piscina }) => {
          const piscina = new Piscina({
            filename: new URL('./worker.mjs', import.meta.url).href,
            execArgv: plainWorkerExecArgv(),
            minThreads: this.ranks,
            maxThreads: this.ranks,
            concurrentTasksPerWorker: 1,
            idleTimeout: 60_000,
            // the engine times its ranks itself; piscina's histograms cost each thread start-up time
            recordTiming: false,
          });
          this.piscina = piscina;
          return (task: CtrTask) => piscina.run(task) as Promise<PartResult | number>;
        });
    return this.engine;
  }

  async run(task: EncryptPartTask | DecryptPartTask): Promise<PartResult> {
    return (await this.started())(task) as Promise<PartResult>;
  }

  /** Starts every thread (and compiles the worker) so that the first timed run does not pay it. */
  async warm(): Promise<void> {
    const engine = await this.started();
    const task: CtrTask = { kind: 'warm' };
    await Promise.all(Array.from({ length: this.ranks }, () => engine(task)));
  }

  /** Stops every thread (a task in progress is abandoned); safe to call twice. */
  destroy(): Promise<void> {
    this.destroyed ??= (async () => {
      await this.engine?.catch(() => undefined); // its failure went to the task that awaited it; here it only has to settle
      await this.piscina?.destroy();
    })();
    return this.destroyed;
  }
}

/** A run's own pool, its threads starting (`warmed` settles when they are up): see startOwnPool. */
export interface OwnPool {
  plan: ThreadPlan;
  pool: RankPool;
  warmed: Promise<void>;
}

/**
 * Starts the threads of one run's own pool now, without waiting for them: a thread takes 50-100 ms
 * to start here, which a command can spend loading the rest of the engine and reading its key and
 * topology. The run that is handed it owns it (stops it on a signal, destroys it at its end); a
 * caller that ends up not running must destroy it itself (destroy is safe to call twice).
 */
export function startOwnPool(plan: ThreadPlan): OwnPool {
  const pool = new RankPool(plan.threads, plan.onCallingThread);
  const warmed = pool.warm();
  warmed.catch(() => undefined); // awaited by the run; not an unhandled rejection meanwhile
  return { plan, pool, warmed };
}

/**
 * The own pool of a local run on `inputFile` in `procs` parts, its threads started now (a light
 * module, so that a command can call this before it loads the rest of the engine); undefined when
 * the input or n is wrong, which the run then reports. Whoever does not hand it to a run destroys it.
 */
export function startPoolFor(inputFile: string, procs: number): OwnPool | undefined {
  if (!Number.isInteger(procs) || procs < 1 || procs > MAX_PROCS) return undefined;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(inputFile);
  } catch {
    return undefined;
  }
  return stat.isFile() ? startOwnPool(planThreads(stat.size, procs)) : undefined;
}

/**
 * Runs `use` with the given pool (its threads, whatever their number: parts beyond them queue), or
 * with an own one, `started` or made now as `plan` says, destroyed afterwards; `onOwn` learns of
 * the own pool so that a signal handler can stop it.
 */
export async function withPool<T>(
  plan: ThreadPlan,
  pool: RankPool | undefined,
  use: (p: RankPool) => Promise<T>,
  onOwn?: (own: RankPool) => void,
  started?: OwnPool,
): Promise<T> {
  if (pool) return use(pool);
  const own = started ?? startOwnPool(plan);
  onOwn?.(own.pool);
  try {
    await own.warmed;
    return await use(own.pool);
  } finally {
    await own.pool.destroy();
  }
}

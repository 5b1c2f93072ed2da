// The runs in progress in this process, so that a signal handler in the command layer can stop them
// and leave nothing behind (issue 9): each run registers how to abort it (stop its ranks, then remove
// its private folders, engine/ctr/scratch.ts) for as long as it runs.

const running = new Set<() => Promise<void>>();

/** Runs `body` with `abort` registered until it settles. */
export async function whileRegistered<T>(abort: () => Promise<void>, body: () => Promise<T>): Promise<T> {
  running.add(abort);
  try {
    return await body();
  } finally {
    running.delete(abort);
  }
}

/** Aborts every run in progress; resolves once each has removed what it wrote. */
export async function abortRuns(): Promise<void> {
  const aborts = [...running];
  running.clear();
  await Promise.allSettled(aborts.map((abort) => abort()));
}

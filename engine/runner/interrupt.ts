// Ctrl-C (SIGINT) or SIGTERM during `npm run scenario`: the engines' runs in progress stop (mpirun
// jobs and their ranks' files, a sweep's copies on other hosts: engine/ctr/interrupt.ts), every
// scenario's scratch folder (datasets' copies, parts, the sweep's key) is removed, and the process
// exits 130 or 143 as a shell expects. A second signal while that runs exits at once.
import fs from 'node:fs';

const EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

/** Scratch folders of the scenarios running now. */
export const liveScratch = new Set<string>();

/** Runs `body` with the signal handlers on; `stopped()` tells it a signal came (start nothing new). */
export async function cleaningUpOnSignals<T>(body: (stopped: () => boolean) => Promise<T>, say: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<T> {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(EXIT[signal]);
    stopping = true;
    say(`\n${signal}: stopping the run and removing its scratch folders`);
    void import('../ctr/interrupt.js')
      .then(({ abortRuns }) => abortRuns())
      .catch((err: Error) => say(`while stopping: ${err.message}`))
      .finally(() => {
        for (const dir of liveScratch) fs.rmSync(dir, { recursive: true, force: true });
        process.exit(EXIT[signal]);
      });
  };
  const signals = Object.keys(EXIT) as NodeJS.Signals[];
  for (const s of signals) process.on(s, onSignal);
  try {
    return await body(() => stopping);
  } finally {
    if (!stopping) for (const s of signals) process.off(s, onSignal);
  }
}

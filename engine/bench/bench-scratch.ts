// A benchmark's scratch folder for large outputs: private (0700), on the file system of the input it
// copies and encrypts, its cost said and checked against the free space before any work starts, and
// removed whatever ends the run: its end, an error, Ctrl-C (SIGINT) or SIGTERM. The outputs in it
// hold the input's plaintext (copies) or ciphertext; commands writing there run under umask 077
// (privateShell), so each file is 0600 as well.
import fs from 'node:fs';
import path from 'node:path';
import { timeCommand } from './benchmark.js';

const GiB = 2 ** 30;
/** what the file system keeps free beyond the peak, for everyone else on the machine */
const FREE_MARGIN_BYTES = 1 * GiB;
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

export class ScratchSpaceError extends Error {}

export interface ScratchCost {
  /** the dataset the benchmark reads: generated into the cache first when `missingBytes` > 0 */
  datasetFile: string;
  datasetBytes: number;
  missingBytes: number;
  /** the most the scratch folder holds at once */
  peakBytes: number;
}

const gib = (bytes: number) => (bytes >= GiB ? `${(bytes / GiB).toFixed(2)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`);

/** Free bytes for an unprivileged writer on the file system of `folder` (or of its nearest existing parent). */
export function freeBytes(folder: string): number {
  let existing = path.resolve(folder);
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  const s = fs.statfsSync(existing);
  return s.bavail * s.bsize;
}

/**
 * What the run will write, in words, before it starts; throws when the file system of `folder`
 * (where the dataset and the scratch go) lacks room for it and a margin.
 */
export function statedCost(folder: string, cost: ScratchCost, free = freeBytes(folder)): string {
  const needed = cost.missingBytes + cost.peakBytes;
  const text =
    `dataset: ${gib(cost.datasetBytes)}, ${cost.datasetFile} (${cost.missingBytes > 0 ? `not cached: ${gib(cost.missingBytes)} to generate first, a few seconds a GiB` : 'cached'})\n` +
    `scratch: up to ${gib(cost.peakBytes)} at once in a private folder in ${folder}, removed at the end and on Ctrl-C; ${gib(free)} free there\n`;
  if (needed + FREE_MARGIN_BYTES > free) {
    throw new ScratchSpaceError(`${text}${folder}: not enough free space: the run needs ${gib(needed)} and leaves ${gib(FREE_MARGIN_BYTES)} free; choose a smaller --size`);
  }
  return text;
}

/**
 * Runs `use` with a new private folder inside `parent`, removed when `use` settles and, on SIGINT
 * or SIGTERM, before the process exits 130 or 143 (a child started by spawnSync gets the terminal's
 * Ctrl-C too; the handler runs once it has returned).
 */
export async function withBenchScratch<T>(parent: string, prefix: string, use: (scratch: string) => Promise<T>): Promise<T> {
  const scratch = fs.mkdtempSync(path.join(parent, prefix));
  fs.chmodSync(scratch, 0o700);
  const remove = () => fs.rmSync(scratch, { recursive: true, force: true });
  const onSignal = (signal: NodeJS.Signals) => {
    remove();
    process.stderr.write(`\ninterrupted by ${signal}: removed ${scratch}\n`);
    process.exit(SIGNAL_EXIT[signal]);
  };
  for (const s of Object.keys(SIGNAL_EXIT)) process.on(s, onSignal);
  try {
    return await use(scratch);
  } finally {
    remove();
    for (const s of Object.keys(SIGNAL_EXIT)) process.off(s, onSignal);
  }
}

/** Times `sh -c SCRIPT` with ARGS as $1..., under umask 077: what it creates is its owner's only. */
export const privateShell = (script: string, ...args: string[]) => timeCommand('sh', ['-c', `umask 077; ${script}`, 'sh', ...args]);

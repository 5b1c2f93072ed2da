// cipher-transfer, declared: paper 003's cipher-system experiment, its flags, and what a run costs.
import { missingDatasetBytes } from '../datasets/generator.js';
import { intFlag } from '../engine/runner/args.js';
import type { ScenarioInfo } from '../engine/runner/scenario.js';

const MiB = 1024 * 1024;

/** The paper's two videos, as binary megabytes (what a file manager shows as "MB"); `label` is the paper's name. */
export const FILES = [
  { label: '3.82 MB', sizeBytes: Math.round(3.82 * MiB) },
  { label: '959 MB', sizeBytes: 959 * MiB },
];
/** enough of the stream to hold hundreds of blocks; a 959 MB capture need not be kept whole */
export const CAPTURE_LIMIT_BYTES = 8 * MiB;

export function cipherTransferPlan(quick: boolean, flags: Record<string, string | true>) {
  const files = quick ? FILES.slice(0, 1) : FILES;
  return { files, repsOf: (f: (typeof FILES)[number]) => intFlag(flags, 'reps', f.sizeBytes > 100 * MiB ? 2 : 3) };
}

/**
 * Cost model, timed on the 2-core reference machine: a transfer starts two peer processes and a
 * tracker session, then moves the file at the mode's rate (RC4+ on both sides, or plain); the
 * torrent is hashed once per file.
 */
const COST = { transferFixedS: 2, rc4plusBytesPerS: 45e6, plainBytesPerS: 150e6, hashBytesPerS: 400e6, generateBytesPerS: 500e6 };

export const cipherTransferInfo: ScenarioInfo = {
  name: 'cipher-transfer',
  paper: '003',
  title: 'IVCSD cipher system: RC4+-encrypted BitTorrent transfer A -> B vs unencrypted (Table III, Fig. 10)',
  description:
    'seeds the paper\'s 3.82 MB and 959 MB files (3.82 MiB and 959 MiB here), A seeds to B over the real peer wire with the tracker giving peers and the file key, encrypted and plain; SHA-256 of the copy, captured wire bytes vs the file, throughput and CPU cost; --quick: the 3.82 MiB file only',
  flags: [{ name: 'reps', value: 'N', kind: 'int', description: 'timed transfers per file and mode (default 3; 959 MiB: 2)' }],
  estimate({ quick, seed, flags }) {
    const { files, repsOf } = cipherTransferPlan(quick, flags);
    const datasetBytes = missingDatasetBytes(files.map((f) => f.sizeBytes), seed);
    let seconds = datasetBytes / COST.generateBytesPerS;
    for (const f of files) {
      // one tapped transfer and the timed ones, in each mode
      const transfers = 1 + repsOf(f);
      seconds += f.sizeBytes / COST.hashBytesPerS + transfers * (2 * COST.transferFixedS + f.sizeBytes / COST.rc4plusBytesPerS + f.sizeBytes / COST.plainBytesPerS);
    }
    // B's copy of the largest file and the two wire captures
    return { seconds, datasetBytes, scratchBytes: Math.max(...files.map((f) => f.sizeBytes)) + 2 * CAPTURE_LIMIT_BYTES };
  },
};

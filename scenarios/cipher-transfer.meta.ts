// cipher-transfer, declared: paper 003's cipher-system experiment against original BitTorrent, its
// files and modes, its flags, and what a run costs.
import { missingDatasetBytes } from '../datasets/generator.js';
import { intFlag } from '../engine/flags/args.js';
import type { ScenarioInfo } from '../engine/runner/scenario.js';
import { VIDEOS } from './paper-003.js';
import { SCENARIO_COSTS } from './costs.js';

const MiB = 1024 * 1024;

export interface FileSpec {
  /** the paper's name for the file, or its size in bytes when --size-bytes gives it */
  label: string;
  sizeBytes: number;
}

/**
 * The paper's two videos ("3.82MB and 959MB"), sizes read as binary megabytes (what Windows 7, its
 * peers' system, shows as MB): 3.82 MiB and 959 MiB here; `label` is the paper's name.
 */
export const FILES: FileSpec[] = VIDEOS.map((v) => ({ label: `${v.value} MB`, sizeBytes: Math.round(v.value * MiB) }));

/** The files of a run: `--size-bytes N` replaces the paper's by one file of N bytes; quick: the small one. */
export function filesOf(quick: boolean, flags: Record<string, string | true>, quickFiles: FileSpec[] = FILES.slice(0, 1)): FileSpec[] {
  if (typeof flags['size-bytes'] === 'string') {
    const sizeBytes = intFlag(flags, 'size-bytes', 1);
    return [{ label: `${sizeBytes} bytes`, sizeBytes }];
  }
  return quick ? quickFiles : FILES;
}

/** Timed transfers per file and mode: 3, or 2 for the 959 MiB file, unless --reps says. */
export const repsOf = (flags: Record<string, string | true>, f: FileSpec) => intFlag(flags, 'reps', f.sizeBytes > 100 * MiB ? 2 : 3);

export type TrackerKind = 'stock bittorrent-tracker' | 'IVCSD';

export interface Mode {
  name: 'original-bt' | 'ivcsd-plain' | 'ivcsd-rc4plus';
  label: string;
  tracker: TrackerKind;
  encrypted: boolean;
  /** its wire is captured and audited (Fig. 10 compares the original's with IVCSD's) */
  tapped: boolean;
}

/** In the order each repetition runs them. */
export const MODES: Mode[] = [
  { name: 'original-bt', label: 'original BitTorrent (control)', tracker: 'stock bittorrent-tracker', encrypted: false, tapped: true },
  { name: 'ivcsd-plain', label: 'IVCSD tracker, plaintext blocks', tracker: 'IVCSD', encrypted: false, tapped: false },
  { name: 'ivcsd-rc4plus', label: 'IVCSD, RC4+ blocks', tracker: 'IVCSD', encrypted: true, tapped: true },
];

/** enough of the stream to hold hundreds of blocks; a 959 MiB capture need not be kept whole */
export const CAPTURE_LIMIT_BYTES = 8 * MiB;

/**
 * Cost model (figures in scenarios/costs.ts): a transfer starts two peer processes and a
 * tracker session (an IVCSD one also a login and getcipher), then moves the file at its mode's rate
 * (RC4+ on both sides, or plain); the torrent is hashed once per file.
 */
const COST = SCENARIO_COSTS['cipher-transfer'];

/** What a transfer in this mode costs, in seconds. */
const transferS = (m: Mode, bytes: number) => COST.transferFixedS + (m.tracker === 'IVCSD' ? COST.ivcsdSessionS : 0) + bytes / (m.encrypted ? COST.rc4plusBytesPerS : COST.plainBytesPerS);

export const cipherTransferInfo: ScenarioInfo = {
  name: 'cipher-transfer',
  paper: '003',
  title: 'IVCSD cipher system against original BitTorrent: A -> B transfers, interleaved (Tables I, III, Fig. 7, 10)',
  description:
    "seeds the paper's 3.82 MB and 959 MB files (3.82 MiB and 959 MiB here); A seeds to B over the real peer wire, as original BitTorrent (stock bittorrent-tracker, plaintext), through the IVCSD tracker in plaintext, and with IVCSD RC4+; SHA-256 of the copy, captured wire bytes vs the file, throughput, session time and CPU cost, IVCSD over the control; --quick: the 3.82 MiB file only",
  flags: [
    { name: 'reps', value: 'N', kind: 'int', description: 'timed transfers per file and mode (default 3; 959 MiB: 2)' },
    { name: 'size-bytes', value: 'SIZE', kind: 'size', sameInEvery: true, description: "one file of SIZE (e.g. 300KiB) in place of the paper's two (tests, quick looks; default the paper's two, 3.82 MiB and 959 MiB)" },
    { name: 'emulate', sameInEvery: true, description: 'also A -> B between two emulated hosts on a 100 Mbit/s shaped LAN (paper-000-beowulf\'s cluster, brought up as ct-lan and down after; root), beside loopback, plaintext and RC4+' },
  ],
  estimate({ quick, seed, flags }) {
    const files = filesOf(quick, flags);
    const datasetBytes = missingDatasetBytes(files.map((f) => f.sizeBytes), seed);
    let seconds = datasetBytes / COST.generateBytesPerS;
    for (const f of files) {
      // the tapped transfers, then the timed ones of every mode
      seconds += f.sizeBytes / COST.hashBytesPerS;
      for (const m of MODES) seconds += ((m.tapped ? 1 : 0) + repsOf(flags, f)) * transferS(m, f.sizeBytes);
    }
    // --emulate: the cluster up and down, then loopback and LAN (100 Mbit/s), plaintext and RC4+, per repetition
    if (flags.emulate) seconds += 3 + repsOf(flags, files[0]) * (2 * transferS(MODES[0], files[0].sizeBytes) + 2 * (1 + (8 * files[0].sizeBytes) / 100e6));
    // B's copy of the largest file and the two wire captures
    return { seconds, datasetBytes, scratchBytes: Math.max(...files.map((f) => f.sizeBytes)) + 2 * CAPTURE_LIMIT_BYTES };
  },
  // one SimGrid run of three transfers a file (a pipelined piece stream), timed on the reference machine
  simulationEstimate: () => ({ seconds: COST.simulationS, datasetBytes: 0, scratchBytes: 0 }),
};

// Paper 000's headline figures, as ctr-sweep's records, tables, plots and model calibration use them.
export const MiB = 1024 * 1024;

/** Paper 000's headline, 1 GB with 12 processes on 3 nodes x 4 cores: no tag, decryption gathered at the master. */
export const PAPER = { speedupEncryptX: 6.7, throughputGbps: 4.233, speedupDecryptX: 6.378, procs: 12, sizeBytes: 1024 * MiB, integrity: 'none', stitch: 'gather' };
/** The 1-process 1 GB time the two headline figures imply (the simulator's calibration point), ms. */
export const PAPER_ONE_PROCESS_MS = ((PAPER.speedupEncryptX * 8 * PAPER.sizeBytes) / (PAPER.throughputGbps * 1e9)) * 1000;
/** The profile of the paper's cluster, whose AES rate is calibrated on that point. */
export const PAPER_PROFILE = 'paper-000-beowulf';

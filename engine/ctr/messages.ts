// Typed messages between the main thread and the rank workers (one Piscina task a rank).

export interface EncryptPartTask {
  kind: 'encrypt';
  index: number;
  procs: number;
  /** this rank's node copy of the input */
  inputPath: string;
  /** plaintext range [start, end) of the original; the part is zero-padded to partBytes */
  start: number;
  end: number;
  partBytes: number;
  originalBytes: number;
  encKey: Buffer;
  /** temporary names; the main thread renames them once every rank has succeeded */
  bodyPath: string;
  ivPath: string;
  tagPath: string;
  chunkBytes: number;
}

export interface DecryptPartTask {
  kind: 'decrypt';
  index: number;
  procs: number;
  bodyPath: string;
  iv: Buffer;
  tag: Buffer;
  partBytes: number;
  originalBytes: number;
  encKey: Buffer;
  /** the shared temporary output file; this rank writes [outputOffset, outputOffset + plainBytes) */
  outputPath: string;
  outputOffset: number;
  plainBytes: number;
  chunkBytes: number;
}

/** Starts a thread and loads the engine before anything is timed. */
export interface WarmTask {
  kind: 'warm';
}

export type CtrTask = EncryptPartTask | DecryptPartTask | WarmTask;

export interface PartResult {
  index: number;
  threadId: number;
  /** time this rank spent on its part, from its first read to its last write */
  busyMs: number;
  bytes: number;
  ivHex: string;
}

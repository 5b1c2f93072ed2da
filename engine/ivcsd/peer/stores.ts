// What each role does with blocks (the paper's Table III):
// - uploader (FileSource): reads the plaintext block from its file and encrypts it before sending;
// - downloader (VerifyingFileSink): decrypts each block, checks the piece's SHA-1, and only then
//   writes it, into a temporary file renamed when the last piece is in;
// - intermediary (EncryptedPieceCache): keeps each piece exactly as it arrived (encrypted) in a map
//   index -> bytes, optionally mirrored to files, and serves it; it has no key, so it can neither
//   decrypt nor check a piece.
//
// Block and piece I/O is synchronous on purpose: 16 KiB reads and 256 KiB writes from and to the page
// cache take microseconds, whereas thread-pool completions queue up behind a busy socket (measured:
// every piece write of a transfer completed only after the last block arrived), so pieces piled up
// in memory and the progress timeline was meaningless.
import { createHash } from 'node:crypto';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { temporaryName } from '../../report/atomic.js';
import { cryptBlock, type FileKey } from './block-cipher.js';
import type { PieceSink } from './download.js';
import type { BlockSource } from './serve.js';
import { blocksOfPiece, type TorrentMeta } from './torrent.js';

export class FileSource implements BlockSource {
  private constructor(
    private readonly fd: number,
    private readonly meta: TorrentMeta,
    private readonly key: FileKey,
  ) {}

  static async open(file: string, meta: TorrentMeta, key: FileKey): Promise<FileSource> {
    const size = (await fs.stat(file)).size;
    if (size !== meta.lengthBytes) throw new Error(`${file}: is ${size} bytes but torrent ${meta.name} describes ${meta.lengthBytes}`);
    return new FileSource(fsSync.openSync(file, 'r'), meta, key);
  }

  has(): boolean {
    return true;
  }

  async read(index: number, offset: number, lengthBytes: number): Promise<Uint8Array> {
    const block = new Uint8Array(lengthBytes);
    const bytesRead = fsSync.readSync(this.fd, block, 0, lengthBytes, index * this.meta.pieceLengthBytes + offset);
    if (bytesRead !== lengthBytes) throw new Error(`short read of piece ${index} at ${offset}: ${bytesRead} of ${lengthBytes} bytes`);
    cryptBlock(this.key, index, offset, block);
    return block;
  }

  close(): void {
    fsSync.closeSync(this.fd);
  }
}

export class VerifyingFileSink implements PieceSink {
  private constructor(
    private readonly fd: number,
    private readonly tmpFile: string,
    private readonly outFile: string,
    private readonly meta: TorrentMeta,
    private readonly key: FileKey,
  ) {}

  static create(outFile: string, meta: TorrentMeta, key: FileKey): VerifyingFileSink {
    const tmpFile = temporaryName(outFile);
    const fd = fsSync.openSync(tmpFile, 'w');
    fsSync.ftruncateSync(fd, meta.lengthBytes);
    return new VerifyingFileSink(fd, tmpFile, outFile, meta, key);
  }

  async accept(index: number, piece: Uint8Array): Promise<boolean> {
    for (const b of blocksOfPiece(this.meta, index)) cryptBlock(this.key, index, b.offset, piece.subarray(b.offset, b.offset + b.length));
    const sha1Hex = createHash('sha1').update(piece).digest('hex');
    if (sha1Hex !== this.meta.pieceSha1Hex[index]) return false;
    for (let done = 0; done < piece.length; ) done += fsSync.writeSync(this.fd, piece, done, piece.length - done, index * this.meta.pieceLengthBytes + done);
    return true;
  }

  /** Closes the file and gives it its final name; call once every piece is in. */
  async complete(): Promise<void> {
    fsSync.closeSync(this.fd);
    await fs.rename(this.tmpFile, this.outFile);
  }

  async abandon(): Promise<void> {
    fsSync.closeSync(this.fd);
    await fs.rm(this.tmpFile, { force: true });
  }
}

export interface HeldPiece {
  index: number;
  bytes: Uint8Array;
}

export class EncryptedPieceCache implements PieceSink, BlockSource {
  private readonly pieces = new Map<number, Uint8Array>();

  /** `cacheDir`: also keep each piece in `<cacheDir>/<index>.piece`, as a disk cache would */
  constructor(private readonly cacheDir?: string) {}

  async accept(index: number, piece: Uint8Array): Promise<boolean> {
    this.pieces.set(index, piece);
    if (this.cacheDir) {
      const file = path.join(this.cacheDir, `${index}.piece`);
      const tmp = temporaryName(file);
      fsSync.writeFileSync(tmp, piece);
      fsSync.renameSync(tmp, file);
    }
    return true;
  }

  has(index: number): boolean {
    return this.pieces.has(index);
  }

  async read(index: number, offset: number, lengthBytes: number): Promise<Uint8Array> {
    const piece = this.pieces.get(index);
    if (!piece) throw new Error(`piece ${index} is not held`);
    return piece.subarray(offset, offset + lengthBytes);
  }

  /** Everything held in memory, for an audit. */
  held(): HeldPiece[] {
    return [...this.pieces].map(([index, bytes]) => ({ index, bytes }));
  }
}

// Where IVCSD's cipher meets the wire: every block is encrypted on its own, key = the file key,
// IV = (piece index, block offset), so any peer can serve or decrypt any block in any order.
// RC4+ is a stream cipher: encrypting and decrypting are the same XOR with the keystream.
import { blockIv, rc4plusXor } from '../rc4plus.js';

/** The torrent's file key, or null for the unencrypted mode (original BitTorrent, for comparison). */
export type FileKey = Uint8Array | null;

/** Encrypts (or decrypts) one block in place; with no key the block is left as it is. */
export function cryptBlock(key: FileKey, index: number, offset: number, block: Uint8Array): void {
  if (key) rc4plusXor(key, blockIv(index, offset), block);
}

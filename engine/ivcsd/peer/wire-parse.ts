// A passive reader of one direction of a BitTorrent peer-wire stream, for the tap proxy and for
// captured bytes: it finds every `piece` message and the absolute stream position of its block,
// so a capture can be compared with the file and a test can flip a chosen byte in flight.
//
// Stream layout (BEP 3): handshake = <pstrlen=19 (1)><"BitTorrent protocol" (19)><reserved (8)>
// <info_hash (20)><peer_id (20)>, then messages <length (4, big-endian)><id (1)><payload>;
// piece (id 7) payload = <index (4)><begin (4)><block>.

export const HANDSHAKE_BYTES = 68;
const PIECE_ID = 7;
/** length prefix + id + index + begin */
const PIECE_HEADER_BYTES = 13;

export interface PieceSighting {
  index: number;
  offset: number;
  lengthBytes: number;
  /** position of the block's first byte in the stream (0 = the first handshake byte) */
  streamPosition: number;
}

export class WireStreamReader {
  /** bytes seen so far */
  private position = 0;
  /** stream position where the next unread message (or the handshake) starts */
  private messageStart = 0;
  private readonly header = new Uint8Array(PIECE_HEADER_BYTES);
  private headerFill = 0;
  private handshakeDone = false;

  constructor(private readonly onPiece: (p: PieceSighting) => void) {}

  /** Feeds the next bytes of the stream; calls onPiece once a piece message's header is complete. */
  push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      const streamAt = this.position + at;
      if (!this.handshakeDone) {
        const need = HANDSHAKE_BYTES - (streamAt - this.messageStart);
        const take = Math.min(need, chunk.length - at);
        at += take;
        if (take === need) {
          this.handshakeDone = true;
          this.messageStart += HANDSHAKE_BYTES;
        }
        continue;
      }
      if (streamAt < this.messageStart) {
        at = Math.min(chunk.length, this.messageStart - this.position);
        continue;
      }
      // collect the message's first bytes (enough for a piece header) before deciding its length
      const take = Math.min(PIECE_HEADER_BYTES - this.headerFill, chunk.length - at);
      this.header.set(chunk.subarray(at, at + take), this.headerFill);
      this.headerFill += take;
      at += take;
      if (this.headerFill >= 4) {
        const view = new DataView(this.header.buffer);
        const length = view.getUint32(0);
        const total = 4 + length;
        if (total <= this.headerFill) {
          // a message shorter than a piece header (keep-alive, choke, have...): rewind to its end
          at -= this.headerFill - total;
          this.finishMessage(total);
          continue;
        }
        if (this.headerFill === PIECE_HEADER_BYTES) {
          if (this.header[4] === PIECE_ID) {
            this.onPiece({
              index: view.getUint32(5),
              offset: view.getUint32(9),
              lengthBytes: length - 9,
              streamPosition: this.messageStart + PIECE_HEADER_BYTES,
            });
          }
          this.finishMessage(total);
        }
      }
    }
    this.position += chunk.length;
  }

  private finishMessage(totalBytes: number): void {
    this.messageStart += totalBytes;
    this.headerFill = 0;
  }
}

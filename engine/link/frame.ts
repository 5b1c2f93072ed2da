// The one message type every transport carries, and its 16-byte header. Transports move whole
// frames (their own length prefix frames them); the core never sees which transport it was.
//
// Header layout (big-endian):
//   offset 0  u8   version (1)
//   offset 1  u8   flags: bit 0 = secured (the "escape" flag), bit 1 = tag is `control` (else `data`)
//   offset 2  u16  reserved, 0
//   offset 4  u32  context id: which of the endpoint's contexts (one per startpoint) applies
//   offset 8  u64  sequence number, per link, starting at 1
//   offset 16      body: plaintext, or ciphertext followed by the 16-byte tag/MAC when authenticated
// Authenticated mechanisms bind the whole header (AAD or MAC input), so flags, context id and
// sequence number cannot be altered unnoticed.
import type { MessageTag } from './mechanism.js';

export const HEADER_BYTES = 16;
const VERSION = 1;
const FLAG_SECURED = 1;
const FLAG_CONTROL = 2;

/** A received message as the core hands it to a handler. */
export interface Message {
  contextId: number;
  seq: bigint;
  tag: MessageTag;
  /** whether it travelled encrypted */
  secured: boolean;
  body: Uint8Array;
}

export interface Header {
  contextId: number;
  seq: bigint;
  tag: MessageTag;
  secured: boolean;
}

export class LinkError extends Error {}

export function encodeHeader(h: Header): Uint8Array {
  const buf = Buffer.alloc(HEADER_BYTES);
  buf[0] = VERSION;
  buf[1] = (h.secured ? FLAG_SECURED : 0) | (h.tag === 'control' ? FLAG_CONTROL : 0);
  buf.writeUInt32BE(h.contextId, 4);
  buf.writeBigUInt64BE(h.seq, 8);
  return buf;
}

export function decodeHeader(frame: Uint8Array): Header {
  if (frame.length < HEADER_BYTES) throw new LinkError(`frame of ${frame.length} bytes is shorter than the ${HEADER_BYTES}-byte header`);
  const view = new DataView(frame.buffer, frame.byteOffset, HEADER_BYTES);
  const version = view.getUint8(0);
  if (version !== VERSION) throw new LinkError(`frame has header version ${version}, expected ${VERSION}`);
  const flags = view.getUint8(1);
  if ((flags & ~(FLAG_SECURED | FLAG_CONTROL)) !== 0) throw new LinkError(`frame has unknown header flags 0x${flags.toString(16)}`);
  return {
    secured: (flags & FLAG_SECURED) !== 0,
    tag: flags & FLAG_CONTROL ? 'control' : 'data',
    contextId: view.getUint32(4),
    seq: view.getBigUint64(8),
  };
}

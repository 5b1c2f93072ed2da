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
import { smallBytes } from './slab.js';

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

interface Header {
  contextId: number;
  seq: bigint;
  tag: MessageTag;
  secured: boolean;
}

/** A message or a link was refused: bad frame, unknown context, tampering, a closed or dead link. */
export class LinkError extends Error {}

/**
 * The link as a whole is unusable: closed, its peer gone, or its stream corrupt (it cannot be
 * resynchronised). Any other LinkError is about one message, and the link stays usable.
 */
export class LinkDownError extends LinkError {}

export function encodeHeader(h: Header): Uint8Array {
  return writeHeader(h.contextId, Number(h.seq >> 32n), Number(h.seq & 0xffffffffn), h.tag, h.secured);
}

/** A header for sequence number `seq` below 2^53 (a link sending a message a nanosecond would need 100 days). */
export function headerFor(contextId: number, seq: number, tag: MessageTag, secured: boolean): Uint8Array {
  return writeHeader(contextId, Math.floor(seq / 2 ** 32), seq >>> 0, tag, secured);
}

function writeHeader(contextId: number, seqHigh: number, seqLow: number, tag: MessageTag, secured: boolean): Uint8Array {
  const buf = smallBytes(HEADER_BYTES);
  buf[0] = VERSION;
  buf[1] = (secured ? FLAG_SECURED : 0) | (tag === 'control' ? FLAG_CONTROL : 0);
  writeU32(buf, 4, contextId);
  writeU32(buf, 8, seqHigh);
  writeU32(buf, 12, seqLow);
  return buf;
}

/** Throws a LinkError unless `frame` starts with a well-formed header (version, flags, reserved bytes). */
export function checkHeader(frame: Uint8Array): void {
  if (frame.length < HEADER_BYTES) throw new LinkError(`frame of ${frame.length} bytes is shorter than the ${HEADER_BYTES}-byte header`);
  if (frame[0] !== VERSION) throw new LinkError(`frame has header version ${frame[0]}, expected ${VERSION}`);
  const flags = frame[1];
  if ((flags & ~(FLAG_SECURED | FLAG_CONTROL)) !== 0) throw new LinkError(`frame has unknown header flags 0x${flags.toString(16)}`);
  if (frame[2] !== 0 || frame[3] !== 0) throw new LinkError(`frame has non-zero reserved header bytes 0x${((frame[2] << 8) | frame[3]).toString(16)}`);
}

export const isSecured = (frame: Uint8Array): boolean => (frame[1] & FLAG_SECURED) !== 0;
export const tagOf = (frame: Uint8Array): MessageTag => (frame[1] & FLAG_CONTROL ? 'control' : 'data');
export const contextIdOf = (frame: Uint8Array): number => readU32(frame, 4);
export const seqHighOf = (frame: Uint8Array): number => readU32(frame, 8);
export const seqLowOf = (frame: Uint8Array): number => readU32(frame, 12);

export function seqOf(frame: Uint8Array): bigint {
  const high = seqHighOf(frame);
  const low = seqLowOf(frame);
  return high === 0 ? BigInt(low) : (BigInt(high) << 32n) | BigInt(low);
}

export function decodeHeader(frame: Uint8Array): Header {
  checkHeader(frame);
  return { secured: isSecured(frame), tag: tagOf(frame), contextId: contextIdOf(frame), seq: seqOf(frame) };
}

export function readU32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

export function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = v >>> 16;
  b[at + 2] = v >>> 8;
  b[at + 3] = v;
}

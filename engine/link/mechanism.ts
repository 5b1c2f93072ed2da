// Security mechanisms a link's context can name, and the security context itself: a configuration
// (mechanism, which messages it covers) plus key material. The sequence-number state lives with the
// startpoint (sender) and the endpoint (receiver), see link.ts.
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual, type Cipher, type CipherGCM, type CipherGCMTypes, type Decipher } from 'node:crypto';
import { requireLegacyProvider } from '../crypto/legacy.js';

export const MECHANISMS = ['none', 'des-ecb', 'des-ecb-mac', 'aes-128-gcm', 'chacha20-poly1305'] as const;
export type Mechanism = (typeof MECHANISMS)[number];

/** Which messages a context encrypts: all of them, or only those tagged `data` or `control`. */
const APPLY_TO = ['all', 'data', 'control'] as const;
type ApplyTo = (typeof APPLY_TO)[number];
export type MessageTag = 'data' | 'control';

export interface SecurityConfig {
  mechanism: Mechanism;
  applyTo: ApplyTo;
}

/** Everything both ends of one link share: plain data, so it crosses workerData or postMessage. */
export interface SecurityContext extends SecurityConfig {
  /** travels in every message header; the endpoint looks the context up by it */
  contextId: number;
  cipherKey: Uint8Array;
  /** HMAC-SHA256 key, des-ecb-mac only */
  macKey: Uint8Array;
  /** 4 bytes: the fixed part of the AEAD nonce (the other 8 are the sequence number) */
  nonceSalt: Uint8Array;
}

/**
 * The AEAD nonce is the context's 4-byte salt then the message's u64 sequence number, taken as the
 * big-endian bytes it has in the header (frame.ts), so it is unique while one sender owns the key.
 */
const SEQ_OFFSET = 8;

/** AEAD tag length, and HMAC-SHA256 truncated to the same 128 bits. */
const TAG_BYTES = 16;
const MAC_BYTES = TAG_BYTES;

interface MechanismSpec {
  /** OpenSSL cipher name; undefined for `none` */
  cipher?: string;
  keyBytes: number;
  /** true when a tampered or replayed message is detected (AEAD tag or MAC over header + body) */
  authenticated: boolean;
}

const SPECS: Record<Mechanism, MechanismSpec> = {
  none: { keyBytes: 0, authenticated: false },
  // The paper's libdes in ECB mode; OpenSSL pads with PKCS#7, so a body grows by 1..8 bytes.
  'des-ecb': { cipher: 'des-ecb', keyBytes: 8, authenticated: false },
  'des-ecb-mac': { cipher: 'des-ecb', keyBytes: 8, authenticated: true },
  'aes-128-gcm': { cipher: 'aes-128-gcm', keyBytes: 16, authenticated: true },
  'chacha20-poly1305': { cipher: 'chacha20-poly1305', keyBytes: 32, authenticated: true },
};


export function mechanismSpec(m: Mechanism): MechanismSpec {
  return SPECS[m];
}

export function checkMechanism(value: unknown, where: string): Mechanism {
  if (!MECHANISMS.includes(value as Mechanism)) {
    throw new Error(`${where}: unknown security mechanism ${JSON.stringify(value)} (known: ${MECHANISMS.join(', ')})`);
  }
  return value as Mechanism;
}

function checkApplyTo(value: unknown, where: string): ApplyTo {
  if (!APPLY_TO.includes(value as ApplyTo)) {
    throw new Error(`${where}: unknown applyTo ${JSON.stringify(value)} (known: ${APPLY_TO.join(', ')})`);
  }
  return value as ApplyTo;
}

/** The "escape" test: does this context transform a message with this tag? */
export function covers(config: SecurityConfig, tag: MessageTag): boolean {
  return config.mechanism !== 'none' && (config.applyTo === 'all' || config.applyTo === tag);
}

/** A fresh context with random keys. DES fails here, clearly, when the legacy provider is off. */
export function newContext(contextId: number, config: SecurityConfig): SecurityContext {
  const spec = SPECS[config.mechanism];
  if (spec.cipher === 'des-ecb') requireLegacyProvider(`security mechanism ${config.mechanism}`);
  return {
    contextId,
    mechanism: config.mechanism,
    applyTo: config.applyTo,
    cipherKey: randomBytes(spec.keyBytes),
    macKey: config.mechanism === 'des-ecb-mac' ? randomBytes(32) : new Uint8Array(0),
    nonceSalt: randomBytes(4),
  };
}

/** PKCS#7 as OpenSSL pads DES: 1..8 bytes, each holding the count. */
const DES_BLOCK = 8;
function desPadding(bodyBytes: number): Uint8Array {
  const pad = DES_BLOCK - (bodyBytes % DES_BLOCK);
  return new Uint8Array(pad).fill(pad);
}

/** One message being sealed: `update` once per part (encrypt-per-put) or once on the joined body. */
export interface MessageSeal {
  update(part: Uint8Array): Uint8Array;
  /** the last cipher bytes plus the tag or MAC */
  final(): Uint8Array[];
}

/**
 * The sending half of a context's cipher state, kept for the life of its startpoint. DES-ECB keeps
 * one cipher object for every message (ECB carries nothing from one block to the next; the padding
 * is done here, so the object never holds a partial block between messages). An AEAD needs a new
 * object per message, since node:crypto cannot re-key one with a new nonce.
 */
export class ContextSealer {
  private readonly spec: MechanismSpec;
  private des: Cipher | undefined;
  /** the long-lived DES object is lent to a message sealed part by part and not finished yet (it may hold part of a block) */
  private desLent = false;
  private readonly nonce: Buffer;

  constructor(readonly context: SecurityContext) {
    this.spec = SPECS[context.mechanism];
    if (!this.spec.cipher) throw new Error('a sealer for mechanism none (the escape flag should have skipped it)');
    this.nonce = Buffer.alloc(12);
    this.nonce.set(context.nonceSalt, 0);
  }

  private newDes(): Cipher {
    return createCipheriv('des-ecb', this.context.cipherKey, null).setAutoPadding(false);
  }

  /** The long-lived DES object, or while it is lent out (messages sealed part by part, interleaved), a fresh one. */
  private desCipher(): Cipher {
    if (this.desLent) return this.newDes();
    this.des ??= this.newDes();
    return this.des;
  }

  private aead(header: Uint8Array): CipherGCM {
    for (let i = 0; i < 8; i++) this.nonce[4 + i] = header[SEQ_OFFSET + i];
    const aead = createCipheriv(this.spec.cipher as CipherGCMTypes, this.context.cipherKey, this.nonce, { authTagLength: TAG_BYTES });
    aead.setAAD(header);
    return aead;
  }

  private mac(header: Uint8Array, ciphertext: Uint8Array[]): Uint8Array {
    const mac = createHmac('sha256', this.context.macKey).update(header);
    for (const c of ciphertext) mac.update(c);
    return mac.digest().subarray(0, MAC_BYTES);
  }

  /** Seals a whole body given as parts in one call: the sealed body as a gather list. */
  seal(header: Uint8Array, parts: readonly Uint8Array[]): Uint8Array[] {
    if (this.spec.cipher === 'des-ecb') {
      // The paper's Nexus: the parts copied into one buffer (padding included), encrypted by one call.
      let bodyBytes = 0;
      for (const p of parts) bodyBytes += p.length;
      const padded = new Uint8Array(bodyBytes + DES_BLOCK - (bodyBytes % DES_BLOCK));
      let at = 0;
      for (const p of parts) {
        padded.set(p, at);
        at += p.length;
      }
      padded.fill(padded.length - bodyBytes, bodyBytes);
      const ciphertext = this.desCipher().update(padded);
      return this.context.mechanism === 'des-ecb-mac' ? [ciphertext, this.mac(header, [ciphertext])] : [ciphertext];
    }
    const aead = this.aead(header);
    const body = aead.update(parts.length === 1 ? parts[0] : Buffer.concat(parts));
    return [body, aead.final(), aead.getAuthTag()];
  }

  /** Starts a body sealed part by part (encrypt-per-put); same bytes as `seal` of the joined parts. */
  begin(header: Uint8Array): MessageSeal {
    if (this.spec.cipher === 'des-ecb') {
      const cipher = this.desCipher();
      const lent = cipher === this.des;
      // A message begun and never finished keeps it: later ones then get fresh objects, never a half-used one.
      if (lent) this.desLent = true;
      const ciphertext: Uint8Array[] = [];
      let bodyBytes = 0;
      return {
        update: (part) => {
          bodyBytes += part.length;
          const out = cipher.update(part);
          ciphertext.push(out);
          return out;
        },
        final: () => {
          const last = cipher.update(desPadding(bodyBytes));
          if (lent) this.desLent = false;
          if (this.context.mechanism !== 'des-ecb-mac') return [last];
          return [last, this.mac(header, [...ciphertext, last])];
        },
      };
    }
    const aead = this.aead(header);
    return { update: (part) => aead.update(part), final: () => [aead.final(), aead.getAuthTag()] };
  }
}

export class AuthenticationError extends Error {}

/** The receiving half of a context's cipher state: decrypts and, when authenticated, verifies a whole sealed body. */
export class ContextOpener {
  private readonly spec: MechanismSpec;
  private des: Decipher | undefined;
  private readonly nonce: Buffer;

  constructor(readonly context: SecurityContext) {
    this.spec = SPECS[context.mechanism];
    this.nonce = Buffer.alloc(12);
    this.nonce.set(context.nonceSalt, 0);
  }

  /** `header`: the frame's 16 header bytes, bound as AAD or MAC input; its sequence number is the nonce's. */
  open(header: Uint8Array, sealed: Uint8Array): Uint8Array {
    if (this.spec.cipher === 'des-ecb') {
      let ciphertext = sealed;
      if (this.context.mechanism === 'des-ecb-mac') {
        if (sealed.length < MAC_BYTES) throw new AuthenticationError(`body of ${sealed.length} bytes is shorter than its MAC`);
        ciphertext = sealed.subarray(0, sealed.length - MAC_BYTES);
        const expected = createHmac('sha256', this.context.macKey).update(header).update(ciphertext).digest().subarray(0, MAC_BYTES);
        if (!timingSafeEqual(expected, sealed.subarray(ciphertext.length))) throw new AuthenticationError('MAC mismatch');
      }
      // Checked before the long-lived object sees it: a partial block would stay inside it and
      // shift every later message.
      if (ciphertext.length === 0 || ciphertext.length % DES_BLOCK !== 0) {
        throw new AuthenticationError(`DES ciphertext of ${ciphertext.length} bytes is not a whole number of 8-byte blocks`);
      }
      this.des ??= createDecipheriv('des-ecb', this.context.cipherKey, null).setAutoPadding(false);
      const padded = this.des.update(ciphertext);
      const pad = padded[padded.length - 1];
      let good = pad >= 1 && pad <= DES_BLOCK;
      for (let i = padded.length - pad; good && i < padded.length; i++) good = padded[i] === pad;
      if (!good) throw new AuthenticationError('bad decrypt (PKCS#7 padding does not check)');
      return padded.subarray(0, padded.length - pad);
    }
    if (sealed.length < TAG_BYTES) throw new AuthenticationError(`body of ${sealed.length} bytes is shorter than its tag`);
    const body = sealed.subarray(0, sealed.length - TAG_BYTES);
    for (let i = 0; i < 8; i++) this.nonce[4 + i] = header[SEQ_OFFSET + i];
    const aead = createDecipheriv(this.spec.cipher as CipherGCMTypes, this.context.cipherKey, this.nonce, { authTagLength: TAG_BYTES });
    aead.setAAD(header);
    aead.setAuthTag(sealed.subarray(body.length));
    const plain = aead.update(body);
    try {
      aead.final();
    } catch (err) {
      // OpenSSL says "unable to authenticate data".
      throw new AuthenticationError((err as Error).message);
    }
    return plain;
  }
}

/** JSON form of a context, for grants sent inside an already secured control message. */
export interface ContextJson extends SecurityConfig {
  contextId: number;
  cipherKey: string;
  macKey: string;
  nonceSalt: string;
}

export function contextToJson(ctx: SecurityContext): ContextJson {
  const b64 = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.length).toString('base64');
  return { contextId: ctx.contextId, mechanism: ctx.mechanism, applyTo: ctx.applyTo, cipherKey: b64(ctx.cipherKey), macKey: b64(ctx.macKey), nonceSalt: b64(ctx.nonceSalt) };
}

/** Checks a context that came over a channel or from a worker's data; `where` names it in errors. */
export function contextFromJson(raw: unknown, where: string): SecurityContext {
  if (typeof raw !== 'object' || raw === null) throw new Error(`${where}: a security context must be an object, got ${JSON.stringify(raw)}`);
  const o = raw as Record<string, unknown>;
  const mechanism = checkMechanism(o.mechanism, `${where}.mechanism`);
  const applyTo = checkApplyTo(o.applyTo, `${where}.applyTo`);
  if (typeof o.contextId !== 'number' || !Number.isInteger(o.contextId) || o.contextId < 0 || o.contextId > 0xffffffff) {
    throw new Error(`${where}.contextId must be a 32-bit unsigned integer, got ${JSON.stringify(o.contextId)}`);
  }
  const bytes = (field: string, length?: number): Uint8Array => {
    const v = o[field];
    const u = typeof v === 'string' ? Buffer.from(v, 'base64') : v instanceof Uint8Array ? v : undefined;
    if (!u || (length !== undefined && u.length !== length)) {
      throw new Error(`${where}.${field} must be ${length ?? 'some'} bytes (base64 or Uint8Array), got ${JSON.stringify(v)?.slice(0, 40)}`);
    }
    return u;
  };
  const spec = SPECS[mechanism];
  return {
    contextId: o.contextId,
    mechanism,
    applyTo,
    cipherKey: bytes('cipherKey', spec.keyBytes),
    macKey: bytes('macKey', mechanism === 'des-ecb-mac' ? 32 : 0),
    nonceSalt: bytes('nonceSalt', 4),
  };
}

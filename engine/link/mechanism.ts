// Security mechanisms a link's context can name, and the security context itself: a configuration
// (mechanism, which messages it covers) plus key material. The sequence-number state lives with the
// startpoint (sender) and the endpoint (receiver), see link.ts.
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual, type Decipher } from 'node:crypto';
import { requireLegacyProvider } from '../crypto/legacy.js';

export const MECHANISMS = ['none', 'des-ecb', 'des-ecb-mac', 'aes-128-gcm', 'chacha20-poly1305'] as const;
export type Mechanism = (typeof MECHANISMS)[number];

/** Which messages a context encrypts: all of them, or only those tagged `data` or `control`. */
export const APPLY_TO = ['all', 'data', 'control'] as const;
export type ApplyTo = (typeof APPLY_TO)[number];
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

/** AEAD tag length, and HMAC-SHA256 truncated to the same 128 bits. */
export const TAG_BYTES = 16;
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

export function checkApplyTo(value: unknown, where: string): ApplyTo {
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

/** 12-byte AEAD nonce: salt (4) then the big-endian sequence number (8); unique while one sender owns the key. */
function nonce(ctx: SecurityContext, seq: bigint): Buffer {
  const n = Buffer.alloc(12);
  n.set(ctx.nonceSalt, 0);
  n.writeBigUInt64BE(seq, 4);
  return n;
}

/**
 * A message body being sealed. `update` may be called once on a copied buffer (copy-then-encrypt)
 * or once per put part (encrypt-per-put); both give the same bytes.
 */
export interface Sealer {
  update(part: Uint8Array): Uint8Array;
  /** the last cipher bytes plus the tag or MAC */
  final(): Uint8Array[];
}

export function sealer(ctx: SecurityContext, header: Uint8Array, seq: bigint): Sealer {
  const spec = SPECS[ctx.mechanism];
  if (!spec.cipher) throw new Error('sealer called for mechanism none (the escape flag should have skipped it)');
  if (ctx.mechanism === 'des-ecb' || ctx.mechanism === 'des-ecb-mac') {
    const cipher = createCipheriv('des-ecb', ctx.cipherKey, null);
    const mac = ctx.mechanism === 'des-ecb-mac' ? createHmac('sha256', ctx.macKey).update(header) : undefined;
    return {
      update(part) {
        const out = cipher.update(part);
        mac?.update(out);
        return out;
      },
      final() {
        const last = cipher.final();
        if (!mac) return [last];
        mac.update(last);
        return [last, mac.digest().subarray(0, MAC_BYTES)];
      },
    };
  }
  const aead = createCipheriv(spec.cipher as 'aes-128-gcm', ctx.cipherKey, nonce(ctx, seq), { authTagLength: TAG_BYTES });
  aead.setAAD(header);
  return {
    update: (part) => aead.update(part),
    final: () => [aead.final(), aead.getAuthTag()],
  };
}

export class AuthenticationError extends Error {}

/** Decrypts (and for authenticated mechanisms verifies) one whole sealed body. */
export function unseal(ctx: SecurityContext, header: Uint8Array, seq: bigint, sealed: Uint8Array): Uint8Array {
  const spec = SPECS[ctx.mechanism];
  let body = sealed;
  let decipher: Decipher;
  if (ctx.mechanism === 'des-ecb' || ctx.mechanism === 'des-ecb-mac') {
    if (ctx.mechanism === 'des-ecb-mac') {
      if (sealed.length < MAC_BYTES) throw new AuthenticationError(`body of ${sealed.length} bytes is shorter than its MAC`);
      body = sealed.subarray(0, sealed.length - MAC_BYTES);
      const expected = createHmac('sha256', ctx.macKey).update(header).update(body).digest().subarray(0, MAC_BYTES);
      if (!timingSafeEqual(expected, sealed.subarray(body.length))) throw new AuthenticationError('MAC mismatch');
    }
    decipher = createDecipheriv('des-ecb', ctx.cipherKey, null);
  } else {
    if (sealed.length < TAG_BYTES) throw new AuthenticationError(`body of ${sealed.length} bytes is shorter than its tag`);
    body = sealed.subarray(0, sealed.length - TAG_BYTES);
    const aead = createDecipheriv(spec.cipher as 'aes-128-gcm', ctx.cipherKey, nonce(ctx, seq), { authTagLength: TAG_BYTES });
    aead.setAAD(header);
    aead.setAuthTag(sealed.subarray(body.length));
    decipher = aead;
  }
  const head = decipher.update(body);
  let tail: Buffer;
  try {
    tail = decipher.final();
  } catch (err) {
    // OpenSSL says "unable to authenticate data" (AEAD) or "bad decrypt" (DES padding).
    throw new AuthenticationError((err as Error).message);
  }
  return tail.length === 0 ? head : Buffer.concat([head, tail]);
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

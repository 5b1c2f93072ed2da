// Keys for ranks on several hosts, which have no link secured at process creation to be granted
// keys over: two processes agree on a secret with X25519 over their connection, then derive keys
// with HKDF, salted with the job token that only the launcher's environment carries. The prover
// (the side that dialled) then shows it derived the same secret under that token, so a stranger
// without the token cannot take its place. Used by the ping-pong (pingpong-rank.ts) and the
// coupled climate model (climate-rank.ts, climate.ts), each under its own label.
import { createHmac, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, timingSafeEqual } from 'node:crypto';
import { contextFromJson, mechanismSpec, type Mechanism, type SecurityContext } from '../link/mechanism.js';
import type { StreamTransport } from '../link/stream.js';

export function derive(secret: Buffer, token: string, info: string, bytes: number): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.from(token), info, Math.max(bytes, 1))).subarray(0, bytes);
}

/**
 * X25519 over the transport; the prover then proves it derived the same secret under the job
 * token, and the verifier refuses it otherwise (`who` names the prover in that error).
 */
export async function agree(transport: StreamTransport, token: string, role: 'prover' | 'verifier', label: string, who: string): Promise<Buffer> {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  await transport.send([publicKey.export({ type: 'spki', format: 'der' })]);
  const peer = createPublicKey({ key: Buffer.from(await transport.receive()), format: 'der', type: 'spki' });
  const secret = diffieHellman({ privateKey, publicKey: peer });
  const proof = createHmac('sha256', derive(secret, token, `${label}|confirm`, 32)).update(who).digest();
  if (role === 'prover') await transport.send([proof]);
  else if (!timingSafeEqual(Buffer.from(await transport.receive()), proof)) throw new Error(`${who} did not prove the job token: not this job's rank`);
  return secret;
}

/** A link context derived from the agreed secret, the same on both sides: `info` names the link and direction. */
export function derivedContext(secret: Buffer, token: string, info: string, contextId: number, mechanism: Mechanism): SecurityContext {
  const of = (what: string) => `${info}|${what}`;
  return contextFromJson(
    {
      contextId,
      mechanism,
      applyTo: 'all',
      cipherKey: derive(secret, token, of('cipher'), mechanismSpec(mechanism).keyBytes).toString('base64'),
      macKey: derive(secret, token, of('mac'), mechanism === 'des-ecb-mac' ? 32 : 0).toString('base64'),
      nonceSalt: derive(secret, token, of('salt'), 4).toString('base64'),
    },
    info,
  );
}

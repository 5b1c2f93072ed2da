// The paper's timing method (Sect. IV.D): a round is 100 operations, timed as one; R rounds give
// the ms-per-round distribution. tinybench runs the rounds (its warm-up, its clock, its samples). The per-block encryptors below each set
// up their cipher for every block, as IVCSD must (every block has its own IV).
import { createCipheriv, randomBytes } from 'node:crypto';
import { Bench } from 'tinybench';
import { requireLegacyProvider } from '../crypto/legacy.js';
import { blockIv, rc4plusXor } from '../ivcsd/rc4plus.js';

export const OPS_PER_ROUND = 100;

/** Encrypts one block in place (or into a scratch buffer: only the cost matters here). */
export type BlockEncryptor = (block: Uint8Array, blockIndex: number) => void;

export interface CipherUnderTest {
  name: string;
  /** how it is run, for the report */
  engine: string;
  make(): BlockEncryptor;
}

function openssl(name: string, keyBytes: number, ivBytes: number | null): BlockEncryptor {
  const key = randomBytes(keyBytes);
  const iv = ivBytes === null ? null : randomBytes(ivBytes);
  return (block) => {
    const c = createCipheriv(name, key, iv);
    c.update(block);
    c.final();
  };
}

export const CIPHERS: CipherUnderTest[] = [
  {
    name: 'RC4+',
    engine: 'WebAssembly kernel assembled at load (engine/ivcsd/rc4plus-kernel.ts), IV = piece index + offset',
    make: () => {
      const key = new Uint8Array(randomBytes(16));
      return (block, i) => rc4plusXor(key, blockIv(i, 0), block);
    },
  },
  {
    name: 'RC4',
    engine: 'OpenSSL rc4 (legacy provider), 128-bit key',
    make: () => {
      requireLegacyProvider('the RC4 comparison');
      return openssl('rc4', 16, null);
    },
  },
  { name: 'AES-128-CTR', engine: 'OpenSSL aes-128-ctr', make: () => openssl('aes-128-ctr', 16, 16) },
  { name: 'ChaCha20', engine: 'OpenSSL chacha20', make: () => openssl('chacha20', 32, 16) },
];

/** Times `rounds` rounds of `op` run OPS_PER_ROUND times each; returns each round's ms. */
export async function roundSamplesMs(op: (i: number) => void, rounds: number): Promise<number[]> {
  const bench = new Bench({ iterations: rounds, time: 0, warmup: true, warmupIterations: Math.min(20, rounds), warmupTime: 0, retainSamples: true });
  const round = () => {
    for (let i = 0; i < OPS_PER_ROUND; i++) op(i);
  };
  bench.add('round', round);
  await bench.run();
  const result = bench.tasks[0].result;
  if (!result || result.state !== 'completed') throw new Error(`tinybench round did not complete: ${result?.state ?? 'no result'}${result && 'error' in result ? `: ${result.error.message}` : ''}`);
  const samples = result.latency.samples;
  if (!samples || samples.length === 0) throw new Error('tinybench kept no samples');
  return [...samples];
}

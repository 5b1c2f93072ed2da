// The paper's encryption-placement experiment: a message assembled from several puts is sealed
// either by copying the parts into one buffer and encrypting it once, or by encrypting each part
// as it is put. Timed two ways: the whole remote service request, as the paper did (build, seal,
// send, receive and open, and the echo back), and the sending side alone (build + seal), where
// the two placements differ.
import { MessageBuilder, PLACEMENTS, type Placement } from './link.js';
import { newContext, type Mechanism } from './mechanism.js';
import type { EchoLink } from './pingpong.js';

/** Microseconds to put `parts` and seal them, `repetitions` times after `warmup` uncounted ones. */
export function measureSealUs(mechanism: Mechanism, placement: Placement, parts: Uint8Array[], warmup: number, repetitions: number): number[] {
  const context = newContext(1, { mechanism, applyTo: 'all' });
  const samples: number[] = [];
  for (let i = 0; i < warmup + repetitions; i++) {
    const t0 = process.hrtime.bigint();
    const m = new MessageBuilder(context, 'data', BigInt(i + 1), placement);
    for (const p of parts) m.put(p);
    m.seal();
    const ns = Number(process.hrtime.bigint() - t0);
    if (i >= warmup) samples.push(ns / 1000);
  }
  return samples;
}

/** `sizeBytes` split into `count` puts of (nearly) equal size, as a vector plus its fields would be. */
export function splitIntoParts(payload: Uint8Array, count: number): Uint8Array[] {
  const step = Math.ceil(payload.length / count);
  const parts: Uint8Array[] = [];
  for (let off = 0; off < payload.length; off += step) parts.push(payload.subarray(off, Math.min(payload.length, off + step)));
  return parts;
}

/**
 * Microseconds of whole requests on `link`, round trip: `parts` put and sealed, sent, echoed back
 * whole, received and opened. The placements alternate request by request on the one link, so the
 * machine's drift hits both alike.
 */
export async function measureRequestUs(link: EchoLink, parts: Uint8Array[], warmup: number, repetitions: number): Promise<Record<Placement, number[]>> {
  const samples: Record<Placement, number[]> = { 'copy-then-encrypt': [], 'encrypt-per-put': [] };
  for (let i = 0; i < warmup + repetitions; i++) {
    for (const placement of i % 2 === 0 ? PLACEMENTS : [...PLACEMENTS].reverse()) {
      const t0 = process.hrtime.bigint();
      await link.bounceParts(parts, placement);
      const ns = Number(process.hrtime.bigint() - t0);
      if (i >= warmup) samples[placement].push(ns / 1000);
    }
  }
  return samples;
}

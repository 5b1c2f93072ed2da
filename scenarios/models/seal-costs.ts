// What sealing one message with AES-128-GCM costs today, from two sources measured in the same run
// (issue 19 §4): the harness's own link sealer through node:crypto (engine/link/mechanism.ts, as
// engine/runner/calibrate.ts measures it), and OpenSSL's own seal of a 176-byte message as
// `openssl speed -aead -evp aes-128-gcm -bytes 176` reports it. Both on this loaded, shared machine.
import { execFile } from 'node:child_process';
import { measureLinkMechanism } from '../../engine/runner/calibrate.js';
import type { OperationRate } from '../../engine/topology/topology.js';

/** The message size `openssl speed` is asked about: the size of PCCM2's messages as Table 1 implies them (about 170 B). */
export const SEAL_PROBE_BYTES = 176;

interface SealCost {
  name: string;
  /** where the figure comes from, to print beside it */
  source: string;
  rate: OperationRate;
  /** one message of SEAL_PROBE_BYTES, seconds */
  perMessageS: number;
}

/** `openssl speed`'s "AES-128-GCM  499862.81k" line: thousands of bytes per second at the probed size. */
export function parseOpensslSpeed(stdout: string): number {
  const m = stdout.match(/^AES-128-GCM\s+([0-9.]+)k\s*$/m);
  if (!m) throw new Error(`openssl speed: no "AES-128-GCM <n>k" line in its output: ${stdout.slice(-200)}`);
  return Number(m[1]) * 1000;
}

function opensslSpeed(): Promise<number> {
  const args = ['speed', '-seconds', '1', '-aead', '-evp', 'aes-128-gcm', '-bytes', String(SEAL_PROBE_BYTES)];
  return new Promise((resolve, reject) =>
    execFile('openssl', args, { timeout: 30_000 }, (err, stdout) => {
      if (err) return reject(new Error(`openssl ${args.join(' ')} failed: ${err.message}`));
      try {
        resolve(parseOpensslSpeed(stdout));
      } catch (e) {
        reject(e);
      }
    }),
  );
}

export async function measureSealCosts(): Promise<SealCost[]> {
  const node = measureLinkMechanism('aes-128-gcm');
  const opensslBytesPerS = await opensslSpeed();
  const perMessage = (r: OperationRate) => r.perCallS + SEAL_PROBE_BYTES / r.bytesPerS;
  return [
    { name: "Node's link sealer", source: `measured in this run: ${node.how}`, rate: { bytesPerS: node.bytesPerS, perCallS: node.perCallS }, perMessageS: perMessage(node) },
    {
      name: "OpenSSL's own seal",
      source: `measured in this run: openssl speed -seconds 1 -aead -evp aes-128-gcm -bytes ${SEAL_PROBE_BYTES} (${(opensslBytesPerS / 1e6).toFixed(0)} MB/s at ${SEAL_PROBE_BYTES} B, a message's setup included)`,
      // the whole per-message cost at the probed size, charged by the byte: messages here are about that size
      rate: { bytesPerS: opensslBytesPerS, perCallS: 0 },
      perMessageS: SEAL_PROBE_BYTES / opensslBytesPerS,
    },
  ];
}

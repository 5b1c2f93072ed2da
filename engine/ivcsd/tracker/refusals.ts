// The refusals the paper's key distribution must make, each tried for real against a running
// tracker: a forged signature, a wrong password, a too-low authority, a replayed request, an
// intermediary asking for a key, and a standard BitTorrent client without identity. Each result
// carries the tracker's failure reason and the log line it wrote, so a scenario can show both.
import { generateKeyPairSync, sign } from 'node:crypto';
import { Client } from 'bittorrent-tracker';
import { TrackerRefusal, TrackerSession } from '../tracker-client.js';
import type { LogEntry } from './log.js';
import { getcipherIdentityString } from './protocol.js';
import type { TrackerHandle } from './server.js';

interface RefusalOutcome {
  attempt: string;
  /** the log reason a correct tracker writes */
  expectedReason: string;
  refused: boolean;
  failureReason: string;
  log?: LogEntry;
}

async function attempt(tracker: TrackerHandle, name: string, expectedReason: string, run: () => Promise<unknown>): Promise<RefusalOutcome> {
  const before = tracker.log.read().length;
  let refused = false;
  let failureReason = 'accepted';
  try {
    await run();
  } catch (err) {
    refused = err instanceof TrackerRefusal;
    failureReason = err instanceof TrackerRefusal ? err.failureReason : `not a tracker refusal: ${(err as Error).message}`;
  }
  const log = tracker.log.read().slice(before).find((e) => e.decision === 'refused');
  return { attempt: name, expectedReason, refused, failureReason, log };
}

/** The standard client reports a tracker's failure reason as a `warning` event. */
function plainClientAnnounce(announceUrl: string, infoHashHex: string): Promise<unknown> {
  const client = new Client({ infoHash: infoHashHex, peerId: Buffer.from('-WW0100-plainclient0').toString('hex'), announce: [announceUrl], port: 6881 });
  client.on('error', () => undefined);
  return new Promise<void>((resolve, reject) => {
    client.once('warning', (err: Error) => client.destroy(() => reject(new TrackerRefusal('/announce', err.message))));
    client.once('update', () => client.destroy(() => resolve()));
    client.start();
  });
}

/**
 * `allowed` may get the key, `low` has too low an authority, `relay` is an intermediary;
 * `wrongPassword` is a session of `allowed`'s username with another password.
 */
export async function tryRefusals(
  tracker: TrackerHandle,
  infoHashHex: string,
  s: { allowed: TrackerSession; low: TrackerSession; relay: TrackerSession; wrongPassword: TrackerSession },
): Promise<RefusalOutcome[]> {
  return [
    await attempt(tracker, 'forged signature (another RSA key, guessed ClientKey)', 'bad-signature', async () => {
      const params = await s.allowed.getcipherParams(infoHashHex);
      const mallory = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const guessed = getcipherIdentityString(s.allowed.username, new Uint8Array(32), s.allowed.observedIp ?? '', infoHashHex, Number(params.ts), params.nonce);
      await s.allowed.call('/getcipher', { ...params, signature: sign('sha256', Buffer.from(guessed), mallory.privateKey).toString('base64') });
    }),
    await attempt(tracker, 'wrong password (login)', 'wrong-password', () => s.wrongPassword.login()),
    await attempt(tracker, 'authority too low (getcipher)', 'authority-too-low', () => s.low.getCipher(infoHashHex)),
    await attempt(tracker, 'replayed getcipher request', 'replay', async () => {
      const params = await s.allowed.getcipherParams(infoHashHex);
      await s.allowed.call('/getcipher', params);
      await s.allowed.call('/getcipher', params);
    }),
    await attempt(tracker, 'intermediary asks for the key', 'intermediary', () => s.relay.getCipher(infoHashHex)),
    await attempt(tracker, 'standard BitTorrent client, no identity (announce)', 'missing-identity', () => plainClientAnnounce(tracker.announceUrl, infoHashHex)),
  ];
}

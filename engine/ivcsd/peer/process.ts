// Entry point of one peer process (forked by launcher.ts): gets its configuration from the parent,
// logs in to the tracker, gets the file key (target peers only; an intermediary never asks and would
// be refused), listens, announces, and then seeds, downloads or relays. Being a process of its own,
// it can be stopped for real (SIGKILL), as the intermediary experiment stops A.
import { randomBytes } from 'node:crypto';
import { announcePlain, TrackerSession, type AnnounceEvent } from '../tracker-client.js';
import type { FileKey } from './block-cipher.js';
import { downloadPieces, type PeerAddress } from './download.js';
import type { FromPeer, PeerConfig, ToPeer } from './messages.js';
import { startPeerServer, type BlockSource } from './serve.js';
import { EncryptedPieceCache, FileSource, VerifyingFileSink } from './stores.js';
import { readTorrentFile, type TorrentMeta } from './torrent.js';
import { retry } from '../../runtime/retry.js';

/** Announces before giving up on an empty peer list (another peer may still be announcing). */
const ANNOUNCE_ATTEMPTS = 20;
const ANNOUNCE_RETRY_MS = 250;

function send(msg: FromPeer): Promise<void> {
  return new Promise((resolve) => process.send!(msg, () => resolve()));
}

/** Azureus-style peer id: client tag then random bytes, 20 bytes, hex. */
function newPeerIdHex(): string {
  return Buffer.concat([Buffer.from('-IV0100-'), randomBytes(12)]).toString('hex');
}

function required<T>(value: T | undefined, what: string, role: string): T {
  if (value === undefined) throw new Error(`a ${role} needs ${what} in its configuration`);
  return value;
}

async function fileKey(config: PeerConfig, session: TrackerSession | undefined, meta: TorrentMeta): Promise<FileKey> {
  if (!config.encrypted || config.role === 'intermediary') return null;
  if (config.keyHex !== undefined) {
    if (!/^[0-9a-f]{2,512}$/i.test(config.keyHex) || config.keyHex.length % 2 !== 0) throw new Error(`keyHex is not a hex key: "${config.keyHex}"`);
    return Buffer.from(config.keyHex, 'hex');
  }
  if (!session) throw new Error('an encrypted transfer needs keyHex or a tracker identity to fetch the file key from');
  return session.getCipher(meta.infoHashHex);
}

type Announce = (event: AnnounceEvent) => Promise<PeerAddress[]>;

/** How this peer announces: with its IVCSD identity, to a stock tracker without one, or not at all. */
function announcer(config: PeerConfig, session: TrackerSession | undefined, meta: TorrentMeta, peerIdHex: string, port: number): Announce | undefined {
  if (session && config.announceUrl) throw new Error('a peer announces either with a tracker identity or to a stock announceUrl, not both');
  const left = config.role === 'seeder' ? 0 : meta.lengthBytes;
  if (session) return (event) => session.announce(meta.infoHashHex, peerIdHex, port, event, left);
  const url = config.announceUrl;
  if (url) return (event) => announcePlain(url, meta.infoHashHex, peerIdHex, port, event, left);
  return undefined;
}

async function peersFromTracker(announce: Announce, port: number): Promise<PeerAddress[]> {
  return retry(async () => (await announce('started')).filter((p) => p.port !== port), {
    attempts: ANNOUNCE_ATTEMPTS,
    firstPauseMs: ANNOUNCE_RETRY_MS,
    accept: (peers) => peers.length > 0,
  });
}

const noBlocks: BlockSource = {
  has: () => false,
  read: () => Promise.reject(new Error('this peer serves no blocks')),
};

async function run(config: PeerConfig): Promise<void> {
  const startedAt = performance.now();
  const meta = await readTorrentFile(config.torrentFile);
  const peerIdHex = newPeerIdHex();
  const session = config.tracker ? new TrackerSession(config.tracker) : undefined;
  await session?.login();
  const key = await fileKey(config, session, meta);

  const cache = config.role === 'intermediary' ? new EncryptedPieceCache(config.cacheDir) : undefined;
  const source =
    config.role === 'seeder' ? await FileSource.open(required(config.dataFile, 'dataFile', 'seeder'), meta, key) : (cache ?? noBlocks);
  const server = await startPeerServer(meta, peerIdHex, source, config.listenHost);
  const announcedPort = config.announcePort ?? server.port;
  const announce = announcer(config, session, meta, peerIdHex, announcedPort);
  // a seeder announces to be found; the others announce to find peers, and wait for some
  let announced: PeerAddress[] = [];
  if (announce && config.role === 'seeder') announced = (await announce('started')).filter((p) => p.port !== announcedPort);
  else if (announce) announced = await peersFromTracker(announce, announcedPort);
  const peers = config.peers ?? announced;

  process.on('message', (msg: ToPeer) => {
    if (msg.type === 'stats') {
      const cpu = process.cpuUsage();
      void send({ type: 'stats', stats: { uploadedBytes: server.uploadedBytes(), cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000 } });
    } else if (msg.type === 'inspect') {
      void send({ type: 'held', pieces: cache?.held() ?? [] });
    } else if (msg.type === 'leave') {
      const stopped = announce ? announce('stopped') : Promise.resolve([]);
      void stopped.then(
        () => send({ type: 'left' }),
        (err: Error) => send({ type: 'failed', error: `announcing "stopped" failed: ${err.message}` }),
      );
    }
  });
  await send({ type: 'ready', port: server.port, peerIdHex, peers });
  if (config.role === 'seeder') return;

  const downloadOptions = { meta, peerIdHex, peers, maxPieceAttempts: config.maxPieceAttempts };
  const cpuBefore = process.cpuUsage();
  const cpuMs = () => {
    const used = process.cpuUsage(cpuBefore);
    return (used.user + used.system) / 1000;
  };
  if (cache) {
    const report = await downloadPieces({
      ...downloadOptions,
      sink: {
        accept: async (index, piece) => {
          await cache.accept(index, piece);
          server.announceHave(index);
          return true;
        },
      },
    });
    await send({ type: 'downloaded', report, cpuMs: cpuMs(), sessionMs: performance.now() - startedAt });
    return;
  }
  const sink = VerifyingFileSink.create(required(config.dataFile, 'dataFile', 'leecher'), meta, key);
  try {
    const report = await downloadPieces({ ...downloadOptions, sink });
    await sink.complete();
    await send({ type: 'downloaded', report, cpuMs: cpuMs(), sessionMs: performance.now() - startedAt });
  } catch (err) {
    await sink.abandon();
    throw err;
  }
}

// A peer lives only as long as the scenario that started it: when the parent goes, so does it.
process.once('disconnect', () => process.exit(0));

process.once('message', (msg: ToPeer) => {
  if (msg.type !== 'start') return;
  run(msg.config).catch(async (err: Error) => {
    await send({ type: 'failed', error: err.message });
    process.exit(1);
  });
});

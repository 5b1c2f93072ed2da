// The downloading half of a peer: connects to the peers it was given, and over the BitTorrent wire
// (handshake, bitfield, interested, unchoke, request, piece) fetches every piece it lacks, block by
// block, from whichever peer has it. A finished piece goes to a PieceSink, which decides whether it
// is good (a target peer decrypts and checks the SHA-1; an intermediary cannot, and keeps it as it
// is); a refused piece is fetched again, a bounded number of times.
import net from 'node:net';
import type Wire from 'bittorrent-protocol';
import { wireOver } from './serve.js';
import { blocksOfPiece, pieceBytes, type TorrentMeta } from './torrent.js';

export interface PeerAddress {
  ip: string;
  port: number;
}

export interface PieceSink {
  /** false when the piece fails its check and must be fetched again */
  accept(index: number, piece: Uint8Array, fromPeer: string): Promise<boolean>;
}

export interface DownloadOptions {
  meta: TorrentMeta;
  peerIdHex: string;
  peers: PeerAddress[];
  sink: PieceSink;
  /** attempts per piece before the download gives up (default 3) */
  maxPieceAttempts?: number;
  /** block requests outstanding on one connection (default 128, i.e. 2 MiB in flight) */
  maxBlocksInFlight?: number;
  /** give up when no piece has completed for this long (default 30 s) */
  stallMs?: number;
}

export interface DownloadReport {
  /** from the first connection attempt to the last piece accepted */
  wallMs: number;
  pieces: number;
  /** pieces the sink refused (failed SHA-1) and that were fetched again */
  piecesRefused: number;
  /** accepted bytes per peer, `ip:port` */
  bytesByPeer: Record<string, number>;
  /** peers from the list that could not be reached */
  unreachablePeers: string[];
  /** bytes accepted so far, after each accepted piece (ms since the start) */
  timeline: { atMs: number; receivedBytes: number }[];
}

interface Assembly {
  index: number;
  bytes: Uint8Array;
  blocksLeft: number;
  abandoned: boolean;
}

interface Connection {
  label: string;
  wire: Wire;
  inFlight: Map<number, Assembly>;
  blocksOutstanding: number;
}

export function downloadPieces(opts: DownloadOptions): Promise<DownloadReport> {
  const { meta, sink } = opts;
  const maxAttempts = opts.maxPieceAttempts ?? 3;
  const maxBlocks = opts.maxBlocksInFlight ?? 128;
  const stallMs = opts.stallMs ?? 30_000;
  if (opts.peers.length === 0) return Promise.reject(new Error(`no peers to download ${meta.name} (${meta.infoHashHex}) from`));

  const pending = Array.from({ length: meta.pieceCount }, (_, i) => i);
  const attempts = new Uint8Array(meta.pieceCount);
  const connections = new Set<Connection>();
  const report: DownloadReport = { wallMs: 0, pieces: meta.pieceCount, piecesRefused: 0, bytesByPeer: {}, unreachablePeers: [], timeline: [] };
  const startedAt = performance.now();
  let remaining = meta.pieceCount;
  let receivedBytes = 0;
  let connecting = opts.peers.length;
  let lastProgressAt = startedAt;
  let settled = false;

  return new Promise<DownloadReport>((resolve, reject) => {
    const watchdog = setInterval(() => {
      if (performance.now() - lastProgressAt > stallMs) {
        fail(new Error(`download of ${meta.name} stalled: no piece completed for ${stallMs} ms, ${remaining} of ${meta.pieceCount} pieces missing (peers: ${[...connections].map((c) => c.label).join(', ') || 'none connected'})`));
      }
    }, Math.min(1000, stallMs));

    function settle(): void {
      settled = true;
      clearInterval(watchdog);
      for (const c of connections) c.wire.destroy();
      connections.clear();
    }
    function fail(err: Error): void {
      if (settled) return;
      settle();
      reject(err);
    }
    function finish(): void {
      if (settled) return;
      report.wallMs = performance.now() - startedAt;
      settle();
      resolve(report);
    }
    function checkPeersLeft(): void {
      if (!settled && remaining > 0 && connecting === 0 && connections.size === 0) {
        const unreachable = report.unreachablePeers.length ? ` (unreachable: ${report.unreachablePeers.join(', ')})` : '';
        fail(new Error(`no peer left to download ${remaining} of ${meta.pieceCount} pieces of ${meta.name} from${unreachable}`));
      }
    }

    function requeue(a: Assembly): void {
      if (a.abandoned) return;
      a.abandoned = true;
      pending.unshift(a.index);
    }

    function fillAll(): void {
      for (const c of connections) fill(c);
    }

    function fill(c: Connection): void {
      while (!settled && !c.wire.peerChoking && c.blocksOutstanding < maxBlocks) {
        const at = pending.findIndex((i) => c.wire.peerPieces.get(i));
        if (at < 0) return;
        const [index] = pending.splice(at, 1);
        const a: Assembly = { index, bytes: new Uint8Array(pieceBytes(meta, index)), blocksLeft: 0, abandoned: false };
        const blocks = blocksOfPiece(meta, index);
        a.blocksLeft = blocks.length;
        c.inFlight.set(index, a);
        c.blocksOutstanding += blocks.length;
        for (const b of blocks) {
          c.wire.request(b.index, b.offset, b.length, (err, block) => {
            c.blocksOutstanding--;
            if (err || !block || block.length !== b.length) {
              c.inFlight.delete(index);
              requeue(a);
              fillAll();
              return;
            }
            if (a.abandoned) return;
            a.bytes.set(block, b.offset);
            if (--a.blocksLeft === 0) {
              c.inFlight.delete(index);
              complete(a, c.label);
            }
            fill(c);
          });
        }
      }
    }

    function complete(a: Assembly, fromPeer: string): void {
      sink.accept(a.index, a.bytes, fromPeer).then(
        (ok) => {
          if (settled) return;
          lastProgressAt = performance.now();
          if (ok) {
            report.bytesByPeer[fromPeer] = (report.bytesByPeer[fromPeer] ?? 0) + a.bytes.length;
            receivedBytes += a.bytes.length;
            report.timeline.push({ atMs: lastProgressAt - startedAt, receivedBytes });
            if (--remaining === 0) finish();
            return;
          }
          report.piecesRefused++;
          if (++attempts[a.index] >= maxAttempts) {
            fail(new Error(`piece ${a.index} of ${meta.name} failed its SHA-1 check ${attempts[a.index]} times (last from ${fromPeer}); giving up`));
            return;
          }
          pending.unshift(a.index);
          fillAll();
        },
        (err: Error) => fail(new Error(`storing piece ${a.index} of ${meta.name} failed: ${err.message}`)),
      );
    }

    for (const peer of opts.peers) {
      const label = `${peer.ip}:${peer.port}`;
      const socket = net.connect(peer.port, peer.ip);
      let connected = false;
      socket.once('error', () => {
        if (connected) return;
        connecting--;
        report.unreachablePeers.push(label);
        checkPeersLeft();
      });
      socket.once('connect', () => {
        connected = true;
        connecting--;
        if (settled) {
          socket.destroy();
          return;
        }
        const wire = wireOver(socket, 'tcpOutgoing');
        const c: Connection = { label, wire, inFlight: new Map(), blocksOutstanding: 0 };
        connections.add(c);
        wire.once('handshake', (infoHashHex) => {
          if (infoHashHex !== meta.infoHashHex) wire.destroy();
        });
        wire.on('bitfield', () => wire.interested());
        wire.on('have', () => fill(c));
        wire.on('unchoke', () => fill(c));
        socket.on('close', () => {
          if (!connections.delete(c)) return;
          for (const a of c.inFlight.values()) requeue(a);
          c.inFlight.clear();
          fillAll();
          checkPeersLeft();
        });
        wire.handshake(meta.infoHashHex, opts.peerIdHex);
      });
    }
  });
}

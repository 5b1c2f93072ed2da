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
  const { meta } = opts;
  if (opts.peers.length === 0) return Promise.reject(new Error(`no peers to download ${meta.name} (${meta.infoHashHex}) from`));
  return new Promise<DownloadReport>((resolve, reject) => new Download(opts, resolve, reject).start());
}

/** One download in progress: the pieces still wanted, the open connections, and the report so far. */
class Download {
  private readonly meta: TorrentMeta;
  private readonly maxAttempts: number;
  private readonly maxBlocks: number;
  private readonly stallMs: number;
  private readonly pending: number[];
  private readonly attempts: Uint8Array;
  private readonly connections = new Set<Connection>();
  private readonly report: DownloadReport;
  private readonly startedAt = performance.now();
  private remaining: number;
  private receivedBytes = 0;
  private connecting: number;
  private lastProgressAt = this.startedAt;
  private settled = false;
  private watchdog: NodeJS.Timeout | undefined;

  constructor(
    private readonly opts: DownloadOptions,
    private readonly resolve: (report: DownloadReport) => void,
    private readonly reject: (err: Error) => void,
  ) {
    const { meta } = opts;
    this.meta = meta;
    this.maxAttempts = opts.maxPieceAttempts ?? 3;
    this.maxBlocks = opts.maxBlocksInFlight ?? 128;
    this.stallMs = opts.stallMs ?? 30_000;
    this.pending = Array.from({ length: meta.pieceCount }, (_, i) => i);
    this.attempts = new Uint8Array(meta.pieceCount);
    this.report = { wallMs: 0, pieces: meta.pieceCount, piecesRefused: 0, bytesByPeer: {}, unreachablePeers: [], timeline: [] };
    this.remaining = meta.pieceCount;
    this.connecting = opts.peers.length;
  }

  start(): void {
    const { meta, stallMs } = this;
    this.watchdog = setInterval(() => {
      if (performance.now() - this.lastProgressAt > stallMs) {
        this.fail(new Error(`download of ${meta.name} stalled: no piece completed for ${stallMs} ms, ${this.remaining} of ${meta.pieceCount} pieces missing (peers: ${[...this.connections].map((c) => c.label).join(', ') || 'none connected'})`));
      }
    }, Math.min(1000, stallMs));
    for (const peer of this.opts.peers) this.connect(peer);
  }

  private settle(): void {
    this.settled = true;
    clearInterval(this.watchdog);
    for (const c of this.connections) c.wire.destroy();
    this.connections.clear();
  }

  private fail(err: Error): void {
    if (this.settled) return;
    this.settle();
    this.reject(err);
  }

  private finish(): void {
    if (this.settled) return;
    this.report.wallMs = performance.now() - this.startedAt;
    this.settle();
    this.resolve(this.report);
  }

  private checkPeersLeft(): void {
    if (!this.settled && this.remaining > 0 && this.connecting === 0 && this.connections.size === 0) {
      const unreachable = this.report.unreachablePeers.length ? ` (unreachable: ${this.report.unreachablePeers.join(', ')})` : '';
      this.fail(new Error(`no peer left to download ${this.remaining} of ${this.meta.pieceCount} pieces of ${this.meta.name} from${unreachable}`));
    }
  }

  private requeue(a: Assembly): void {
    if (a.abandoned) return;
    a.abandoned = true;
    this.pending.unshift(a.index);
  }

  private fillAll(): void {
    for (const c of this.connections) this.fill(c);
  }

  /** Requests, block by block, the wanted pieces this peer has, while it does not choke and the window allows. */
  private fill(c: Connection): void {
    while (!this.settled && !c.wire.peerChoking && c.blocksOutstanding < this.maxBlocks) {
      const at = this.pending.findIndex((i) => c.wire.peerPieces.get(i));
      if (at < 0) return;
      const [index] = this.pending.splice(at, 1);
      const a: Assembly = { index, bytes: new Uint8Array(pieceBytes(this.meta, index)), blocksLeft: 0, abandoned: false };
      const blocks = blocksOfPiece(this.meta, index);
      a.blocksLeft = blocks.length;
      c.inFlight.set(index, a);
      c.blocksOutstanding += blocks.length;
      for (const b of blocks) c.wire.request(b.index, b.offset, b.length, (err, block) => this.onBlock(c, a, b, err, block));
    }
  }

  /** A block arrived (or its request failed): a bad one puts its piece back in the queue; the last one completes the piece. */
  private onBlock(c: Connection, a: Assembly, b: { offset: number; length: number }, err: Error | null | undefined, block: Uint8Array | null | undefined): void {
    c.blocksOutstanding--;
    if (err || !block || block.length !== b.length) {
      c.inFlight.delete(a.index);
      this.requeue(a);
      this.fillAll();
      return;
    }
    if (a.abandoned) return;
    a.bytes.set(block, b.offset);
    if (--a.blocksLeft === 0) {
      c.inFlight.delete(a.index);
      this.complete(a, c.label);
    }
    this.fill(c);
  }

  /** Hands a whole piece to the sink: accepted, it counts; refused, it is fetched again, up to the attempts allowed. */
  private complete(a: Assembly, fromPeer: string): void {
    const { meta, report } = this;
    this.opts.sink.accept(a.index, a.bytes, fromPeer).then(
      (ok) => {
        if (this.settled) return;
        this.lastProgressAt = performance.now();
        if (ok) {
          report.bytesByPeer[fromPeer] = (report.bytesByPeer[fromPeer] ?? 0) + a.bytes.length;
          this.receivedBytes += a.bytes.length;
          report.timeline.push({ atMs: this.lastProgressAt - this.startedAt, receivedBytes: this.receivedBytes });
          if (--this.remaining === 0) this.finish();
          return;
        }
        report.piecesRefused++;
        if (++this.attempts[a.index] >= this.maxAttempts) {
          this.fail(new Error(`piece ${a.index} of ${meta.name} failed its SHA-1 check ${this.attempts[a.index]} times (last from ${fromPeer}); giving up`));
          return;
        }
        this.pending.unshift(a.index);
        this.fillAll();
      },
      (err: Error) => this.fail(new Error(`storing piece ${a.index} of ${meta.name} failed: ${err.message}`)),
    );
  }

  /** Opens a connection to one peer; one that cannot be reached is reported, not fatal while others remain. */
  private connect(peer: PeerAddress): void {
    const label = `${peer.ip}:${peer.port}`;
    const socket = net.connect(peer.port, peer.ip);
    let connected = false;
    socket.once('error', () => {
      if (connected) return;
      this.connecting--;
      this.report.unreachablePeers.push(label);
      this.checkPeersLeft();
    });
    socket.once('connect', () => {
      connected = true;
      this.connecting--;
      if (this.settled) {
        socket.destroy();
        return;
      }
      this.speakWire(socket, label);
    });
  }

  /** The BitTorrent wire over a connected socket: handshake, interest, and requests whenever the peer lets us. */
  private speakWire(socket: net.Socket, label: string): void {
    const { meta } = this;
    const wire = wireOver(socket, 'tcpOutgoing');
    const c: Connection = { label, wire, inFlight: new Map(), blocksOutstanding: 0 };
    this.connections.add(c);
    wire.once('handshake', (infoHashHex) => {
      if (infoHashHex !== meta.infoHashHex) wire.destroy();
    });
    wire.on('bitfield', () => wire.interested());
    wire.on('have', () => this.fill(c));
    wire.on('unchoke', () => this.fill(c));
    socket.on('close', () => {
      if (!this.connections.delete(c)) return;
      for (const a of c.inFlight.values()) this.requeue(a);
      c.inFlight.clear();
      this.fillAll();
      this.checkPeersLeft();
    });
    wire.handshake(meta.infoHashHex, this.opts.peerIdHex);
  }
}

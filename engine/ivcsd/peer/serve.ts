// The uploading half of a peer: a TCP server (on 127.0.0.1, or its emulated host's address) that speaks the BitTorrent peer wire
// (bittorrent-protocol): handshake, bitfield, unchoke on interest, and one `piece` per `request`,
// the block coming from a BlockSource (a seeder's file, encrypted on the way out, or an
// intermediary's map of encrypted pieces, sent as they are).
import net from 'node:net';
import Wire from 'bittorrent-protocol';
import { isBlock, type TorrentMeta } from './torrent.js';

export interface BlockSource {
  has(index: number): boolean;
  /** the block as it goes on the wire */
  read(index: number, offset: number, lengthBytes: number): Promise<Uint8Array>;
}

interface PeerServer {
  port: number;
  /** bytes of blocks sent so far */
  uploadedBytes(): number;
  /** tells every connected peer that a piece became available */
  announceHave(index: number): void;
  close(): Promise<void>;
}

function bitfieldOf(meta: TorrentMeta, has: (index: number) => boolean): Uint8Array {
  const bits = new Uint8Array(Math.ceil(meta.pieceCount / 8));
  for (let i = 0; i < meta.pieceCount; i++) if (has(i)) bits[i >> 3] |= 0x80 >> (i & 7);
  return bits;
}

/** Plumbs a socket into a fresh Wire both ways; Nagle off, or every 16 KiB block waits ~40 ms. */
export function wireOver(socket: net.Socket, type: string): Wire {
  socket.setNoDelay(true);
  const wire = new Wire(type);
  socket.pipe(wire).pipe(socket);
  const end = () => {
    wire.destroy();
    socket.destroy();
  };
  socket.on('error', end);
  socket.on('close', end);
  wire.on('error', end);
  wire.on('close', () => socket.destroy());
  return wire;
}

export async function startPeerServer(meta: TorrentMeta, peerIdHex: string, source: BlockSource, listenHost = '127.0.0.1'): Promise<PeerServer> {
  const wires = new Set<Wire>();
  let uploadedBytes = 0;
  const server = net.createServer((socket) => {
    const wire = wireOver(socket, 'tcpIncoming');
    wires.add(wire);
    socket.on('close', () => wires.delete(wire));
    wire.once('handshake', (infoHashHex) => {
      if (infoHashHex !== meta.infoHashHex) {
        // a peer asking for another torrent: BEP 3 says drop the connection
        wire.destroy();
        return;
      }
      wire.handshake(meta.infoHashHex, peerIdHex);
      wire.bitfield(bitfieldOf(meta, (i) => source.has(i)));
    });
    wire.on('interested', () => wire.unchoke());
    wire.on('request', (index, offset, length, respond) => {
      if (!isBlock(meta, index, offset, length) || !source.has(index)) {
        respond(new Error(`no block (${index}, ${offset}, ${length}) here`));
        return;
      }
      source.read(index, offset, length).then(
        (block) => {
          uploadedBytes += block.length;
          respond(null, block);
        },
        (err: Error) => respond(err),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, listenHost, () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    uploadedBytes: () => uploadedBytes,
    announceHave: (index) => {
      for (const w of wires) w.have(index);
    },
    close: async () => {
      for (const w of wires) w.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

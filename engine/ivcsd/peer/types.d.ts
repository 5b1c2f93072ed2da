// Just enough of bittorrent-protocol 5, create-torrent 6 and parse-torrent 11 for the peers: the
// packages ship no types (and @types/bittorrent-protocol describes v3).

declare module 'bittorrent-protocol' {
  import { Duplex } from 'node:stream';

  interface PeerPieces {
    get(index: number): boolean;
  }

  export default class Wire extends Duplex {
    constructor(type?: string);
    peerId: string | null;
    peerPieces: PeerPieces;
    amChoking: boolean;
    peerChoking: boolean;
    peerInterested: boolean;
    requests: unknown[];
    handshake(infoHash: string | Uint8Array, peerId: string | Uint8Array, extensions?: Record<string, boolean>): void;
    bitfield(bitfield: Uint8Array): void;
    interested(): void;
    unchoke(): void;
    have(index: number): void;
    request(index: number, offset: number, length: number, cb: (err: Error | null, block: Uint8Array | null) => void): void;
    setTimeout(ms: number, unref?: boolean): void;
    destroy(): this;
    on(event: 'handshake', listener: (infoHashHex: string, peerIdHex: string) => void): this;
    on(event: 'bitfield', listener: (pieces: PeerPieces) => void): this;
    on(event: 'have', listener: (index: number) => void): this;
    on(event: 'interested' | 'unchoke' | 'choke' | 'close' | 'finish', listener: () => void): this;
    on(
      event: 'request',
      listener: (index: number, offset: number, length: number, respond: (err: Error | null, block?: Uint8Array) => void) => void,
    ): this;
    on(event: 'error', listener: (err: Error) => void): this;
    once(event: 'handshake', listener: (infoHashHex: string, peerIdHex: string) => void): this;
  }
}

declare module 'create-torrent' {
  interface CreateTorrentOptions {
    name?: string;
    pieceLength?: number;
    announceList?: string[][];
    private?: boolean;
    createdBy?: string;
    creationDate?: Date;
    comment?: string;
  }
  export default function createTorrent(
    input: string,
    opts: CreateTorrentOptions,
    cb: (err: Error | null, torrent: Uint8Array) => void,
  ): void;
}

declare module 'parse-torrent' {
  interface ParsedTorrent {
    infoHash: string;
    name: string;
    length: number;
    pieceLength: number;
    lastPieceLength: number;
    /** SHA-1 of every piece, hex */
    pieces: string[];
    files: { path: string; name: string; length: number; offset: number }[];
    announce: string[];
    private?: boolean;
  }
  export default function parseTorrent(torrentId: Uint8Array): Promise<ParsedTorrent>;
}

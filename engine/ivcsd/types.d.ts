// Type shims for the BitTorrent packages, which ship no usable types (bittorrent-tracker has none,
// @types/bittorrent-protocol describes v3). Only the surface this harness uses is declared.

declare module 'bittorrent-tracker' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  import { EventEmitter } from 'node:events';

  /** What bittorrent-tracker's HTTP parser makes of an announce (info_hash, peer_id as hex). */
  export interface AnnounceParams {
    info_hash: string;
    peer_id: string;
    ip: string;
    port: number;
    httpReq?: IncomingMessage;
    [param: string]: unknown;
  }

  export interface ServerOptions {
    http?: boolean;
    udp?: boolean;
    ws?: boolean;
    stats?: boolean;
    trustProxy?: boolean;
    interval?: number;
    filter?: (infoHashHex: string, params: AnnounceParams, cb: (err?: Error | null) => void) => void;
  }

  export class Server extends EventEmitter {
    constructor(opts?: ServerOptions);
    onHttpRequest(req: IncomingMessage, res: ServerResponse, opts?: { trustProxy?: boolean; action?: string }): void;
    /** the HTTP tracker (port 0 = any free port) */
    listen(port: number, hostname: string, onListening?: () => void): void;
    close(cb?: (err?: Error) => void): void;
    destroyed: boolean;
    /** null when started with `http: false` */
    http: import('node:http').Server | null;
    /** the swarms, by info hash (hex) */
    torrents: Record<string, object>;
  }

  export interface ClientOptions {
    infoHash: string | Uint8Array;
    peerId: string | Uint8Array;
    announce: string | string[];
    port: number;
    getAnnounceOpts?: () => Record<string, string | number>;
  }

  export class Client extends EventEmitter {
    constructor(opts: ClientOptions);
    start(opts?: Record<string, unknown>): void;
    stop(opts?: Record<string, unknown>): void;
    destroy(cb?: (err?: Error) => void): void;
  }

  const defaultExport: { Server: typeof Server; Client: typeof Client };
  export default defaultExport;
}

declare module 'bittorrent-tracker/server' {
  export { Server as default } from 'bittorrent-tracker';
}

declare module 'bittorrent-tracker/client' {
  export { Client as default } from 'bittorrent-tracker';
}

declare module 'bencode' {
  const bencode: {
    encode(value: unknown): Uint8Array;
    decode(data: Uint8Array, encoding?: string): unknown;
    decode(data: Uint8Array, start: number, end: number, encoding?: string): unknown;
  };
  export default bencode;
}

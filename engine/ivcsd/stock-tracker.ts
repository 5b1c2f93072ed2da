// Original BitTorrent's tracker, the control of paper 003's comparison (Table I, Fig. 7):
// bittorrent-tracker's own server as it ships (HTTP only, on 127.0.0.1), with no identity check,
// no authority levels and no keys. Any announce for any torrent is answered with its swarm.
import type { AddressInfo } from 'node:net';
import { Server } from 'bittorrent-tracker';

export interface StockTracker {
  announceUrl: string;
  /** what the tracker keeps about a torrent (Fig. 7): the names of its swarm's fields */
  torrentFields(infoHashHex: string): string[] | undefined;
  close(): Promise<void>;
}

export async function startStockTracker(): Promise<StockTracker> {
  const server = new Server({ udp: false, ws: false });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.http!.address() as AddressInfo).port;
  return {
    announceUrl: `http://127.0.0.1:${port}/announce`,
    torrentFields: (infoHashHex) => {
      const swarm = server.torrents[infoHashHex];
      return swarm ? Object.keys(swarm).filter((k) => !k.startsWith('_')) : undefined;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

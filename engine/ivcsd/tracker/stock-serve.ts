// The stock bittorrent-tracker as a process of its own, the reference of `npm run bench -- tracker`:
// prints `stock tracker: <announce URL>` once it listens, stops on SIGTERM or SIGINT.
import { startStockTracker } from '../stock-tracker.js';

const stock = await startStockTracker();
process.stdout.write(`stock tracker: ${stock.announceUrl}\n`);
await new Promise<void>((resolve) => {
  process.once('SIGTERM', resolve);
  process.once('SIGINT', resolve);
});
await stock.close();

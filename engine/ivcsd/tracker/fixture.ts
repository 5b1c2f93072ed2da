// A tracker with a cast of peers, logged in, for the scenarios: each peer's password is made from
// the run's seed (never printed), and every peer connects from loopback.
import { createHash } from 'node:crypto';
import { TrackerSession } from '../tracker-client.js';
import { startTracker, type TrackerHandle } from './server.js';
import type { PeerRole } from './store.js';

const LOOPBACK = '127.0.0.1';

export interface CastMember {
  username: string;
  level: number;
  role?: PeerRole;
}

export interface Cast {
  tracker: TrackerHandle;
  sessions: Record<string, TrackerSession>;
  passwordOf(username: string): string;
}

export async function startCast(dataDir: string, seed: string, members: CastMember[]): Promise<Cast> {
  const tracker = await startTracker({ dataDir });
  const passwordOf = (username: string) => createHash('sha256').update(`${seed}/password/${username}`).digest('base64url').slice(0, 20);
  const sessions: Record<string, TrackerSession> = {};
  try {
    for (const m of members) {
      await tracker.addPeer(m.username, passwordOf(m.username), LOOPBACK, m.level, m.role ?? 'peer');
      sessions[m.username] = new TrackerSession({ baseUrl: tracker.baseUrl, username: m.username, password: passwordOf(m.username) });
      await sessions[m.username].login();
    }
  } catch (err) {
    await tracker.close();
    throw err;
  }
  return { tracker, sessions, passwordOf };
}

/** A seeded 40-hex info hash for a named test torrent. */
export function infoHashOf(seed: string, name: string): string {
  return createHash('sha1').update(`${seed}/torrent/${name}`).digest('hex');
}

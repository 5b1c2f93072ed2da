// The tracker's identity check by address, on real distinct addresses: the tracker on one emulated
// host (a network namespace, engine/cluster), a peer registered at a second host's address, and a
// third host. The peer logs in and announces from its own host; its token is then replayed from the
// third host, and its password tried there: both must be refused as coming from the wrong address.
// Every outcome is read back from the tracker's answers and its log, never written in.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ClusterState } from '../../cluster/netns.js';
import { openOfflineAdmin } from '../tracker/admin.js';
import { spawnTracker } from '../tracker/tracker-process.js';
import { LOG_FILE } from '../tracker/data-dir.js';
import { TrackerLog, type LogEntry } from '../tracker/log.js';
import { HostAgent, type Request } from './agent.js';

interface CrossHostStep {
  step: string;
  /** `node@address` the request came from */
  from: string;
  expected: 'identity accepted' | 'refused (ip-mismatch)';
  /** what the tracker answered and logged */
  got: string;
  ok: boolean;
  /** the tracker's log line for the request */
  logged?: LogEntry;
}

const describe = (e: LogEntry | undefined) => (e ? `${e.decision}${e.reason ? ` (${e.reason})` : ''}, from ${e.sourceIp}` : 'no log line');

export async function identityAcrossHosts(state: ClusterState, scratchDir: string, seed: string): Promise<{ steps: CrossHostStep[]; trackerHost: string }> {
  if (state.hosts.length < 3) throw new Error(`cluster ${state.name} has ${state.hosts.length} hosts; the check needs 3 (tracker, the peer's host, another)`);
  const [trackerHost, home, elsewhere] = state.hosts;
  const at = (h: typeof home) => `${h.node}@${h.address}`;
  const dataDir = path.join(scratchDir, 'tracker-across-hosts');
  const password = randomBytes(12).toString('base64url');
  const offline = await openOfflineAdmin(dataDir);
  try {
    await offline.admin.addPeer('alice', password, home.address, 1, 'peer', 'scenario');
  } finally {
    await offline.close();
  }
  const tracker = await spawnTracker(dataDir, { namespace: trackerHost.namespace, host: trackerHost.address });
  const agents: HostAgent[] = [];
  try {
    const [onHome, onElsewhere] = await Promise.all([HostAgent.start(home.namespace, at(home)), HostAgent.start(elsewhere.namespace, at(elsewhere))]);
    agents.push(onHome, onElsewhere);
    const log = new TrackerLog(path.join(dataDir, LOG_FILE));
    const infoHash = createHash('sha1').update(`${seed}/across-hosts`).digest('hex');
    const steps: CrossHostStep[] = [];
    const record = async (step: string, agent: HostAgent, expected: CrossHostStep['expected'], req: Request, route: string) => {
      const before = log.read().length;
      const answer = await agent.ask(req);
      const logged = log.read().slice(before).find((e) => e.route === route);
      const refusedForAddress = !answer.ok && answer.refusal !== undefined && logged?.reason === 'ip-mismatch';
      const got = answer.ok ? `answered; logged ${describe(logged)}` : `refused: "${answer.refusal ?? answer.error}"; logged ${describe(logged)}`;
      const ok = expected === 'identity accepted' ? answer.ok && logged?.decision !== 'refused' : refusedForAddress;
      steps.push({ step, from: agent.host, expected, got, ok, ...(logged ? { logged } : {}) });
      return answer;
    };
    const login = await record('log in from the registered host', onHome, 'identity accepted', { op: 'login', baseUrl: tracker.baseUrl, username: 'alice', password }, '/login');
    if (!login.ok) throw new Error(`alice could not log in from her own host: ${login.refusal ?? login.error}`);
    const credentials = (login.result as { credentials: { username: string; token: string } }).credentials;
    await record('publish from the registered host', onHome, 'identity accepted', { op: 'publish', username: 'alice', infoHash, name: 'across-hosts.bin' }, '/publish');
    const announce = (agent: HostAgent) => ({ op: 'announce' as const, baseUrl: tracker.baseUrl, credentials, infoHash, peerId: `-IV0100-${agent === onHome ? 'home' : 'away'}00000000`, port: 6881 });
    await record('announce from the registered host', onHome, 'identity accepted', announce(onHome), '/announce');
    await record("announce with the token from another host", onElsewhere, 'refused (ip-mismatch)', announce(onElsewhere), '/announce');
    await record('log in with the password from another host', onElsewhere, 'refused (ip-mismatch)', { op: 'login', baseUrl: tracker.baseUrl, username: 'alice', password }, '/login');
    return { steps, trackerHost: at(trackerHost) };
  } finally {
    for (const a of agents) a.stop();
    await tracker.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

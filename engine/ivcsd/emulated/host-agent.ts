// A tracker client living on one emulated host (a network namespace, engine/cluster), so that the
// tracker sees its requests come from that host's address. Started by HostAgent with an IPC pipe;
// each message is one request, answered with its result or the tracker's refusal.
import { announceAs, TrackerRefusal, TrackerSession } from '../tracker-client.js';
import type { AgentReply, AgentRequest } from './messages.js';

const sessions = new Map<string, TrackerSession>();

function sessionOf(username: string): TrackerSession {
  const session = sessions.get(username);
  if (!session) throw new Error(`${username} has not logged in on this host`);
  return session;
}

async function handle(req: AgentRequest): Promise<unknown> {
  switch (req.op) {
    case 'login': {
      const session = new TrackerSession({ baseUrl: req.baseUrl, username: req.username, password: req.password });
      await session.login();
      sessions.set(req.username, session);
      return { observedIp: session.observedIp, credentials: session.credentials };
    }
    case 'publish':
      await sessionOf(req.username).publish(req.infoHash, req.name);
      return {};
    case 'getcipher':
      return { keyBytes: (await sessionOf(req.username).getCipher(req.infoHash)).length };
    case 'announce':
      return { peers: await announceAs(req.baseUrl, req.credentials, req.infoHash, req.peerId, req.port) };
  }
}

process.on('message', (raw: unknown) => {
  const req = raw as AgentRequest;
  handle(req).then(
    (result) => process.send?.({ id: req.id, ok: true, result } satisfies AgentReply),
    (err: Error) =>
      process.send?.({ id: req.id, ok: false, refusal: err instanceof TrackerRefusal ? err.failureReason : undefined, error: err.message } satisfies AgentReply),
  );
});
process.send?.({ id: 0, ok: true, result: 'ready' } satisfies AgentReply);

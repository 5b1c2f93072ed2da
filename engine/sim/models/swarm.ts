// Paper 003's swarm in SimGrid: a seed publishes a file; peers log in to the tracker (identity on
// every request; key holders also run getcipher: they sign, the tracker verifies and wraps the key,
// they unwrap it); then pieces spread, each upload encrypted with RC4+ by a key holder, or relayed
// as ciphertext by an intermediary. Peers without the key are either refused (IVCSD without
// intermediaries) or admitted as intermediaries that carry the whole file or only some pieces
// ("it will at first download some pieces of F", Sect. III.A). The figure: when key holders hold
// the whole file. One swarm a simulation (the actors share the swarm's state).
import type { Topology } from '../../topology/topology.js';
import type { PlatformSpec } from '../platform.js';
import { rateOf, requireSources, workFlops } from '../profile.js';
import { runSimulation, type SwarmModel, type SwarmPeer } from '../simgrid.js';
import { linkNamed, nodeNamed } from './ivcsd.js';

/** keyless peers: refused; admitted empty, fetching the whole file or some pieces (a flash crowd); or already holding the ciphertext (Fig. 11's C) */
export type Intermediaries = 'refused' | 'whole-file' | 'some-pieces' | 'preloaded';

interface SwarmSetup {
  /** peers besides the seed */
  peers: number;
  keyHolders: number;
  intermediaries: Intermediaries;
  /** pieces an intermediary carries when it carries only some */
  relayPieces: number;
  fileBytes: number;
  pieceBytes: number;
  /** a peer's (and the seed's) upstream; downstream is the profile's link */
  upBytesPerS: number;
  seed: number;
}

export interface SwarmSimulated extends SwarmSetup {
  /** seconds from the start until each key holder held the whole file */
  completionS: number[];
  /** seconds from the start until each peer was admitted (tracker queueing included) */
  joinedS: number[];
  hostWallMs: number;
}

/**
 * Upload slots a peer (BitTorrent unchokes four; two keep a 1 000-peer simulation to a minute, and
 * a fluid model shares an upstream among them the same way), incoming pieces a peer accepts at
 * once, needy peers a free slot looks at.
 */
const SLOTS = 2;
const MAX_INCOMING = 4;
const SAMPLE = 8;
const REQUEST_BYTES = 1024;
const REPLY_BYTES = 512;

export async function simulateSwarm(t: Topology, s: SwarmSetup, links: { peerLink: string; serverLink: string }): Promise<SwarmSimulated> {
  requireSources(t);
  if (s.keyHolders < 1 || s.keyHolders > s.peers) throw new Error(`swarm: ${s.keyHolders} key holders among ${s.peers} peers`);
  const peerNode = nodeNamed(t, 'peer');
  const trackerNode = nodeNamed(t, 'tracker');
  const household = linkNamed(t, links.peerLink);
  const server = linkNamed(t, links.serverLink);
  const pieces = Math.ceil(s.fileBytes / s.pieceBytes);
  const cost = (node: typeof peerNode, op: string) => workFlops(rateOf(t, node, op, 'swarm'), 0);
  const identity = cost(trackerNode, 'identity-check');
  const getcipher = cost(trackerNode, 'rsa-2048-verify') + cost(trackerNode, 'rsa-oaep-encrypt');

  const platform: PlatformSpec = { hosts: [{ id: 'tracker', cores: trackerNode.cores }], switches: [] };
  const ports: Record<string, { upBytesPerS: number; downBytesPerS: number }> = {
    tracker: { upBytesPerS: server.bandwidthBytesPerS, downBytesPerS: server.bandwidthBytesPerS },
  };
  const peers: SwarmPeer[] = [];
  const add = (name: string, role: SwarmPeer['role']) => {
    platform.hosts.push({ id: name, cores: peerNode.cores });
    ports[name] = { upBytesPerS: s.upBytesPerS, downBytesPerS: household.bandwidthBytesPerS };
    const holdsKey = role === 'seed' || role === 'target';
    peers.push({
      name,
      host: name,
      role,
      wants: role === 'relay' && s.intermediaries === 'some-pieces' ? Math.min(pieces, s.relayPieces) : pieces,
      trackerFlops: identity + (holdsKey ? getcipher : 0),
      ...(role === 'relay' && s.intermediaries === 'preloaded' ? { holdsAll: true } : {}),
    });
  };
  add('seed', 'seed');
  // Key holders spread evenly among the peers, so join order does not favour either kind.
  for (let i = 0; i < s.peers; i++) {
    const isKeyHolder = Math.floor(((i + 1) * s.keyHolders) / s.peers) > Math.floor((i * s.keyHolders) / s.peers);
    add(`peer${i}`, isKeyHolder ? 'target' : s.intermediaries === 'refused' ? 'rejected' : 'relay');
  }
  platform.switches.push({ id: 'internet', bandwidthBytesPerS: household.bandwidthBytesPerS, latencyS: household.latencyS, hosts: platform.hosts.map((h) => h.id), ports });

  const model: SwarmModel = {
    kind: 'swarm',
    seed: s.seed,
    pieces,
    pieceBytes: s.pieceBytes,
    slots: SLOTS,
    maxIncoming: MAX_INCOMING,
    sample: SAMPLE,
    retryS: s.pieceBytes / s.upBytesPerS,
    waiters: Math.max(1, Math.ceil(s.peers / 16)),
    tracker: { host: 'tracker', workers: trackerNode.cores, requestBytes: REQUEST_BYTES, replyBytes: REPLY_BYTES },
    peers,
  };
  const sim = await runSimulation(platform, model, t.networkModel);
  const targets = peers.filter((p) => p.role === 'target');
  const at = (name: string, label: string) => {
    const v = sim.marks[name]?.[label]?.[0];
    if (v === undefined) throw new Error(`swarm: ${name} never reached "${label}"`);
    return v;
  };
  return {
    ...s,
    completionS: targets.map((p) => at(p.name, 'complete')),
    joinedS: peers.map((p) => at(p.name, 'joined')),
    hostWallMs: sim.hostWallMs,
  };
}

// The intermediary experiment on emulated hosts: A, C and B each in a network namespace of the
// cluster of a topology (engine/cluster), their links shaped to its bandwidth, the tracker on the
// machine itself, reached over the cluster's bridge.
import type { ClusterState } from '../../cluster/netns.js';
import type { EmulatedPeerHost } from '../peer/relay.js';
import type { TrackerIdentity } from '../peer/messages.js';
import type { TorrentMeta } from '../peer/torrent.js';
import { HostAgent } from './agent.js';

export interface RelayHosts {
  hosts: Record<'A' | 'B' | 'C', EmulatedPeerHost>;
  addresses: { tracker: string; members: Record<string, string> };
  /** A logs in and publishes from its own host */
  publishFrom(identity: TrackerIdentity, meta: TorrentMeta): Promise<void>;
  /** for the report: who ran where, and what the links are */
  description: string;
}

export function relayHosts(state: ClusterState): RelayHosts {
  if (state.hosts.length < 3) throw new Error(`cluster ${state.name} has ${state.hosts.length} hosts; the intermediary experiment needs 3 (A, C, B)`);
  const [a, c, b] = state.hosts;
  const hosts = { A: a, B: b, C: c };
  const at = (h: (typeof state.hosts)[number]) => `${h.node}@${h.address}`;
  const rate = (h: (typeof state.hosts)[number]) => (h.rateBitsPerS ? `${(h.rateBitsPerS / 1e6).toFixed(0)} Mbit/s` : 'unshaped');
  return {
    hosts: { A: { namespace: a.namespace, address: a.address }, B: { namespace: b.namespace, address: b.address }, C: { namespace: c.namespace, address: c.address } },
    addresses: { tracker: state.bridgeAddress, members: { A: a.address, B: b.address, C: c.address } },
    async publishFrom(identity, meta) {
      const agent = await HostAgent.start(a.namespace, at(a));
      try {
        const login = await agent.ask({ op: 'login', ...identity });
        if (!login.ok) throw new Error(`A could not log in from its host: ${login.refusal ?? login.error}`);
        const published = await agent.ask({ op: 'publish', username: identity.username, infoHash: meta.infoHashHex, name: meta.name });
        if (!published.ok) throw new Error(`A could not publish from its host: ${published.refusal ?? published.error}`);
      } finally {
        agent.stop();
      }
    },
    description:
      `emulated cluster ${state.name}: ${Object.entries(hosts).map(([label, h]) => `${label} on ${at(h)} (${rate(h)})`).join(', ')}, ` +
      `the tracker on this machine at ${state.bridgeAddress} over the bridge. ${state.latencyNote}.`,
  };
}

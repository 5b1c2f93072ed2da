// Paper 000 as the paper describes it, in SimGrid: the master pads the input to a multiple of n and
// starts n ranks placed processesPerNode a node; each rank reads its part from its node's disk,
// runs the cipher over it on one core (a node's cores are shared when ranks outnumber them) and
// writes its part. Decryption: each rank reads and deciphers its part and sends the plaintext to the
// master on the first node, which stitches it into one file on its disk. The input sync (the first
// node sends the file to every other node used, which writes it to disk) runs on a copy of its own
// and is reported apart, as the paper's times exclude it. Each point runs on its own copy of the
// cluster, all in one simulation.
import { placement, type Topology, type TopologyNode } from '../../topology/topology.js';
import { clusterCopy, hostId, mergeSpecs, type PlatformSpec } from '../platform.js';
import { diskOf, rateOf, requireSources, workFlops } from '../profile.js';
import { markAt, runSimulation, type Op, type ReplayActor } from '../simgrid.js';

export interface CtrPoint {
  operation: 'encrypt' | 'decrypt';
  sizeBytes: number;
  procs: number;
}

export interface CtrSimulated extends CtrPoint {
  wallS: number;
  /** the input sync to the other nodes used (encryption only), apart from wallS */
  syncS?: number;
  rankNodes: string[];
  oversubscribed: boolean;
}

/** Where a rank's input and output live (paper 000, Sect. III.A; the readings in docs/paper-000.md). */
export type Storage = 'disk' | 'cache';

export interface CtrModelOptions {
  /** the operation whose per-core rate the ranks pay: the paper's code runs aes-128-ctr */
  cipher: string;
  /**
   * One actor a node instead of one a rank: the node's ranks read and write their parts together
   * (the disk shares its rate among them either way) and cipher them on separate cores at once.
   * The same times for ranks that start together, with a thread a node: for clusters of hundreds.
   */
  perNode?: boolean;
  /** the input parts: on the node's disk (reading A) or in its page cache after the sync (B, C); default disk */
  input?: Storage;
  /** the written parts: to the disk (A, B) or to the page cache, with no sync (C); default disk */
  output?: Storage;
  /**
   * Read, cipher and write in chunks of this many bytes, so that the disk and the cipher overlap (as
   * the engine does: engine/ctr DEFAULT_CHUNK_BYTES); without it each rank reads its whole part,
   * then ciphers it, then writes it.
   */
  chunkBytes?: number;
  /**
   * Decryption's stitch: `network`, every rank sends its plaintext to the master over the LAN, which
   * writes the file; `local`, the parts are already on the master's node (or gathered untimed) and
   * the master only reads them and writes the one file. Default network.
   */
  stitch?: 'network' | 'local';
}

/** The operation a page-cache copy costs on a core (a memory copy), from the profile. */
const PAGE_CACHE_OP = 'page-cache-copy';

const CONTROL_BYTES = 64;
/** Coalesced pipeline steps a rank simulates: the steady state is the same, and SimGrid stays fast. */
const MAX_STEPS = 32;

/** Ops that move `bytes` from or to storage: the disk, or a copy on a core for the page cache. */
function io(t: Topology, node: TopologyNode, storage: Storage, dir: 'read' | 'write', bytes: number, async: boolean): Op {
  if (storage === 'disk') return [async ? (dir === 'read' ? 'iread' : 'iwrite') : dir, bytes];
  return [async ? 'iexec' : 'exec', workFlops(rateOf(t, node, PAGE_CACHE_OP, 'ctr'), bytes)];
}

/**
 * A group of k ranks on one node, each with a part of `partBytes`: read, cipher, write. Streamed:
 * the first chunk is read alone, then each step reads the next, ciphers this one and writes the
 * previous at once (a three-stage pipeline), and the last chunk is ciphered and written alone.
 */
function partOps(t: Topology, node: TopologyNode, k: number, partBytes: number, cipher: string, opts: CtrModelOptions): Op[] {
  const input = opts.input ?? 'disk';
  const output = opts.output ?? 'disk';
  const rate = rateOf(t, node, cipher, 'ctr');
  const cipherOps = (bytes: number, async: boolean): Op[] => (k === 1 && !async ? [['exec', workFlops(rate, bytes)]] : Array.from({ length: k }, (): Op => ['iexec', workFlops(rate, bytes)]));
  const sequential = (bytes: number): Op[] => [io(t, node, input, 'read', k * bytes, false), ...cipherOps(bytes, false), ...(k > 1 ? [['wait'] as Op] : []), io(t, node, output, 'write', k * bytes, false)];
  const chunk = opts.chunkBytes;
  if (!chunk || partBytes <= chunk) return sequential(partBytes);
  const rest = partBytes - chunk;
  const steps = Math.min(MAX_STEPS, Math.ceil(rest / chunk));
  const step = rest / steps;
  return [
    io(t, node, input, 'read', k * chunk, false),
    ['loop', steps, [io(t, node, input, 'read', k * step, true), ...cipherOps(step, true), io(t, node, output, 'write', k * step, true), ['wait']]],
    ...cipherOps(chunk, k > 1),
    ...(k > 1 ? [['wait'] as Op] : []),
    io(t, node, output, 'write', k * chunk, false),
  ];
}

/** The actors of one point on the copy `prefix`; the master marks `end` when the last part is in place. */
function pointActors(t: Topology, prefix: string, p: CtrPoint, cipher: string, opts: CtrModelOptions): ReplayActor[] {
  const perNode = opts.perNode ?? false;
  const stitch = opts.stitch ?? 'network';
  const n = p.procs;
  const padded = Math.ceil(p.sizeBytes / n) * n;
  const partBytes = padded / n;
  const { rankNodes } = placement(t, n);
  const master = hostId(prefix, t.nodes[0].name);
  const box = (what: string, r?: number) => `${prefix}.${what}${r === undefined ? '' : `.${r}`}`;
  const actors: ReplayActor[] = [];
  const masterOps: Op[] = [];
  if (p.operation === 'encrypt' && padded > p.sizeBytes) masterOps.push(io(t, t.nodes[0], opts.input ?? 'disk', 'write', padded - p.sizeBytes, false));
  for (let r = 0; r < n; r++) masterOps.push(['isend', box('go', r), CONTROL_BYTES]);
  masterOps.push(['wait']);
  const gathered = p.operation === 'decrypt' && stitch === 'network';
  const plainMessages = perNode ? new Set(rankNodes).size : n;
  for (let r = 0; r < (gathered ? plainMessages : n); r++) masterOps.push(['irecv', box(gathered ? 'plain' : 'done')]);
  masterOps.push(['wait']);
  // The stitch: the whole plaintext, padding dropped, written by the master (read from its node first when local).
  if (p.operation === 'decrypt') {
    if (stitch === 'local') masterOps.push(io(t, t.nodes[0], opts.output ?? 'disk', 'read', p.sizeBytes, false));
    masterOps.push(io(t, t.nodes[0], opts.output ?? 'disk', 'write', p.sizeBytes, false));
  }
  masterOps.push(['mark', 'end']);
  actors.push({ name: box('master'), host: master, ops: masterOps });
  // Groups of ranks that run as one actor: each rank alone, or every rank of a node together.
  const groups: number[][] = [];
  for (let r = 0; r < n; r++) {
    const last = groups.at(-1);
    if (perNode && last && rankNodes[last[0]] === rankNodes[r]) last.push(r);
    else groups.push([r]);
  }
  for (const ranks of groups) {
    const node = t.nodes.find((x) => x.name === rankNodes[ranks[0]])!;
    diskOf(t, node, 'ctr');
    const k = ranks.length;
    // The last rank's plaintext is its part without the padding.
    const plainBytes = k * partBytes - (ranks.includes(n - 1) ? padded - p.sizeBytes : 0);
    const ops: Op[] = [...ranks.map((r): Op => ['recv', box('go', r)]), ...partOps(t, node, k, partBytes, cipher, opts)];
    if (gathered) ops.push(['send', box('plain'), plainBytes]);
    else ops.push(...ranks.map((): Op => ['send', box('done'), CONTROL_BYTES]));
    actors.push({ name: box('rank', ranks[0]), host: hostId(prefix, node.name), ops });
  }
  return actors;
}

/** The sync of the input to every node but the first that ranks use; `end` per receiving node. */
function syncActors(t: Topology, prefix: string, sizeBytes: number, nodes: string[]): ReplayActor[] {
  const others = nodes.filter((n) => n !== t.nodes[0].name);
  return [
    { name: `${prefix}.syncer`, host: hostId(prefix, t.nodes[0].name), ops: [...others.map((n): Op => ['isend', `${prefix}.sync.${n}`, sizeBytes]), ['wait']] },
    ...others.map((n) => ({ name: `${prefix}.sync.${n}`, host: hostId(prefix, n), ops: [['recv', `${prefix}.sync.${n}`], ['write', sizeBytes], ['mark', 'end']] as Op[] })),
  ];
}

/** Simulates every point in one SimGrid run; seconds of simulated time per point. */
export async function simulateCtr(t: Topology, points: CtrPoint[], opts: CtrModelOptions): Promise<{ results: CtrSimulated[]; hostWallMs: number }> {
  requireSources(t);
  const specs: PlatformSpec[] = [];
  const actors: ReplayActor[] = [];
  const syncCopies = new Map<string, { prefix: string; others: string[] }>();
  points.forEach((p, i) => {
    const prefix = `p${i}`;
    specs.push(clusterCopy(t, prefix));
    actors.push(...pointActors(t, prefix, p, opts.cipher, opts));
    if (p.operation === 'encrypt') {
      const used = placement(t, p.procs).nodesUsed.map((n) => n.name);
      const key = `${p.sizeBytes}:${used.join(',')}`;
      if (!syncCopies.has(key) && used.length > 1) {
        const prefix2 = `s${syncCopies.size}`;
        syncCopies.set(key, { prefix: prefix2, others: used.filter((n) => n !== t.nodes[0].name) });
        specs.push(clusterCopy(t, prefix2));
        actors.push(...syncActors(t, prefix2, p.sizeBytes, used));
      }
    }
  });
  const sim = await runSimulation(mergeSpecs(specs), { kind: 'replay', actors }, t.networkModel);
  const results = points.map((p, i): CtrSimulated => {
    const { rankNodes, nodesUsed, oversubscribed } = placement(t, p.procs);
    const sync = syncCopies.get(`${p.sizeBytes}:${nodesUsed.map((n) => n.name).join(',')}`);
    return {
      ...p,
      wallS: markAt(sim, `p${i}.master`, 'end'),
      ...(p.operation === 'encrypt' ? { syncS: sync ? Math.max(...sync.others.map((n) => markAt(sim, `${sync.prefix}.sync.${n}`, 'end'))) : 0 } : {}),
      rankNodes,
      oversubscribed,
    };
  });
  return { results, hostWallMs: sim.hostWallMs };
}

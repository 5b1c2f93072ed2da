// Paper 000 as the paper describes it, in SimGrid: the master pads the input to a multiple of n and
// starts n ranks placed processesPerNode a node; each rank reads its part from its node's disk,
// runs the cipher over it on one core (a node's cores are shared when ranks outnumber them) and
// writes its part. Decryption: each rank reads and deciphers its part and sends the plaintext to the
// master on the first node, which stitches it into one file on its disk. The input sync (the first
// node sends the file to every other node used, which writes it to disk) runs on a copy of its own
// and is reported apart, as the paper's times exclude it. Each point runs on its own copy of the
// cluster, all in one simulation.
import { placement, type Topology } from '../../topology/topology.js';
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

export interface CtrModelOptions {
  /** the operation whose per-core rate the ranks pay: the paper's code runs aes-128-ctr */
  cipher: string;
  /**
   * One actor a node instead of one a rank: the node's ranks read and write their parts together
   * (the disk shares its rate among them either way) and cipher them on separate cores at once.
   * The same times for ranks that start together, with a thread a node: for clusters of hundreds.
   */
  perNode?: boolean;
}

const CONTROL_BYTES = 64;

/** The actors of one point on the copy `prefix`; the master marks `end` when the last part is in place. */
function pointActors(t: Topology, prefix: string, p: CtrPoint, cipher: string, perNode: boolean): ReplayActor[] {
  const n = p.procs;
  const padded = Math.ceil(p.sizeBytes / n) * n;
  const partBytes = padded / n;
  const { rankNodes } = placement(t, n);
  const master = hostId(prefix, t.nodes[0].name);
  const box = (what: string, r?: number) => `${prefix}.${what}${r === undefined ? '' : `.${r}`}`;
  const actors: ReplayActor[] = [];
  const masterOps: Op[] = [];
  if (p.operation === 'encrypt' && padded > p.sizeBytes) masterOps.push(['write', padded - p.sizeBytes]);
  for (let r = 0; r < n; r++) masterOps.push(['isend', box('go', r), CONTROL_BYTES]);
  masterOps.push(['wait']);
  const plainMessages = perNode ? new Set(rankNodes).size : n;
  for (let r = 0; r < (p.operation === 'encrypt' ? n : plainMessages); r++) masterOps.push(['irecv', box(p.operation === 'encrypt' ? 'done' : 'plain')]);
  masterOps.push(['wait']);
  // The stitch: the whole plaintext, padding dropped, written by the master.
  if (p.operation === 'decrypt') masterOps.push(['write', p.sizeBytes]);
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
    const work = workFlops(rateOf(t, node, cipher, 'ctr'), partBytes);
    diskOf(t, node, 'ctr');
    const k = ranks.length;
    // The last rank's plaintext is its part without the padding.
    const plainBytes = k * partBytes - (ranks.includes(n - 1) ? padded - p.sizeBytes : 0);
    const ops: Op[] = [...ranks.map((r): Op => ['recv', box('go', r)]), ['read', k * partBytes]];
    ops.push(...(k === 1 ? [['exec', work] as Op] : [...ranks.map((): Op => ['iexec', work]), ['wait'] as Op]));
    if (p.operation === 'encrypt') ops.push(['write', k * partBytes], ...ranks.map((): Op => ['send', box('done'), CONTROL_BYTES]));
    else ops.push(['send', box('plain'), plainBytes]);
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
    actors.push(...pointActors(t, prefix, p, opts.cipher, opts.perNode ?? false));
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

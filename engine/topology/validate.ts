// What a loaded topology may declare beyond each field's type (topology.ts; the unit parsers refuse
// zero, infinite and ambiguous values): node names that are safe folder names, unique even when case
// is ignored (two names that differ only in case are one folder on some file systems), unique link
// names, and core counts a real machine can have. Messages name the file and the field.
import type { Topology } from './topology.js';

/** letters, digits, '.', '_' and '-', starting with a letter or digit: never '..', a path, or a hidden name */
export const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** more cores than any one machine has: a typo, or garbage */
const MAX_CORES = 4096;

/** Returns the first thing `t` may not declare, as [field, problem], or undefined. */
export function topologyProblem(t: Pick<Topology, 'nodes' | 'links' | 'processesPerNode'>): [string, string] | undefined {
  const repeated = (names: string[], what: 'nodes' | 'links'): [string, string] | undefined => {
    const seen = new Map<string, number>();
    for (const [i, name] of names.entries()) {
      const earlier = seen.get(name.toLowerCase());
      if (earlier !== undefined) {
        const caseOnly = name === names[earlier] ? '' : ': names may not differ only in case';
        return [`${what}[${i}].name`, `${JSON.stringify(name)} repeats ${JSON.stringify(names[earlier])} (${what}[${earlier}])${caseOnly}`];
      }
      seen.set(name.toLowerCase(), i);
    }
    return undefined;
  };
  for (const [i, n] of t.nodes.entries()) {
    if (!NODE_NAME.test(n.name)) {
      return [`nodes[${i}].name`, `${JSON.stringify(n.name)} must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit (it names the node's folder)`];
    }
    if (n.cores > MAX_CORES) return [`nodes[${i}].cores`, `${n.cores} is more cores than any machine has (at most ${MAX_CORES})`];
  }
  const nodes = repeated(t.nodes.map((n) => n.name), 'nodes');
  if (nodes) return nodes;
  // One process a core; more ranks than the topology holds wrap round its nodes and are recorded as oversubscribed.
  const fewest = t.nodes.reduce((a, n, i) => (n.cores < t.nodes[a].cores ? i : a), 0);
  if (t.processesPerNode > t.nodes[fewest].cores) {
    return ['processesPerNode', `${t.processesPerNode} is more than nodes[${fewest}].cores (${t.nodes[fewest].cores}): a node runs one process a core (ranks beyond nodes x processesPerNode wrap round the nodes, recorded as oversubscribed)`];
  }
  return repeated(t.links.map((l) => l.name), 'links');
}

// What a rank process knows once it has read its environment, key and cluster-config.
import type { Subkeys } from '../ctr/key.js';
import type { Topology } from '../topology/topology.js';
import type { MpiJob } from './job.js';
import type { OwnParts } from './parts.js';
import type { RankIdentity } from './rank-env.js';

export interface RankContext {
  id: RankIdentity;
  job: MpiJob;
  /** this process's host name, as errors and reports show it */
  host: string;
  rendezvous: { host: string; port: number };
  keys: Subkeys;
  topology: Topology;
  own: OwnParts;
}

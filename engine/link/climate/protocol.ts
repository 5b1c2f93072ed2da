// Control messages between the climate driver and its ranks (worker threads, or processes under
// mpirun), sent as JSON inside `control` messages on each rank's secured first link: the keys of
// every rank-to-rank link travel there. Shared-memory rings cannot be serialised, so they go by
// postMessage under an id the plan names (rings hold no secrets).
import type { ContextJson } from '../mechanism.js';
import type { GridSpec } from './model.js';

export type ModelName = 'atmosphere' | 'ocean';

/** How two ranks are linked: shared-memory rings (threads of one process only), TCP, or TLS. */
export type LinkTransport = 'shm' | 'tcp' | 'tls';

/** What a dialler needs of a listener a rank opened: its port, and for tls the certificate to pin. */
export interface ListenedLink {
  port: number;
  certPem?: string;
}

export interface LinkPlan {
  /** the other rank, e.g. `atmosphere/1`, or `coupler` for the link between the partitions */
  peer: string;
  transport: LinkTransport;
  /** shm: the ring pair posted under this id, and which side of it this rank takes */
  ringsId?: string;
  ringSide?: 'a' | 'b';
  /** tcp, tls: accept on the listener opened for this id, or dial this port at `host` (absent: loopback) */
  listenId?: string;
  port?: number;
  host?: string;
  /** tls: the listener's certificate, pinned as the only one trusted */
  certPem?: string;
  /** this rank's startpoint to the peer */
  send: ContextJson;
  /** registered on this rank's endpoint for the peer's messages */
  recv: ContextJson;
}

export interface RunPlan {
  op: 'run';
  model: ModelName;
  rank: number;
  ranks: number;
  grid: GridSpec;
  /** atmosphere steps; the models couple every two of them */
  atmosphereSteps: number;
  diffusivity: number;
  coupling: number;
  physicsSweeps: number;
  /** messages of transposeBytes this rank sends each neighbour every step (0: none) */
  transposeMessages: number;
  transposeBytes: number;
  links: LinkPlan[];
}

export type DriverRequest = { op: 'listen'; links: { id: string; transport: 'tcp' | 'tls' }[] } | RunPlan | { op: 'go' } | { op: 'exit' };
export type RankReply =
  | { op: 'ports'; ports: Record<string, ListenedLink> }
  | { op: 'ready' }
  /** cpuMs: the rank's process, from go to done (a thread's is the whole process's: the driver times those itself) */
  | { op: 'done'; stateHash: string; couplingHash: string; sentBytes: number; cpuMs: number; linkDetails?: Record<string, string> }
  | { op: 'failed'; error: string };

export const encode = (m: DriverRequest | RankReply): Uint8Array => Buffer.from(JSON.stringify(m));
export const decode = <T>(body: Uint8Array): T => JSON.parse(Buffer.from(body).toString('utf8')) as T;

/** Atmosphere steps between two couplings (the paper: every two atmosphere steps). */
export const STEPS_PER_COUPLING = 2;


// Secure process creation (the paper's start_process / init_process): the creator hands the new
// worker an initial security context pair over a channel that is itself protected, and the
// worker's first link is set up from it. Later links reach the worker as grants (fresh contexts)
// sent over that first, secured link, so a worker can only talk over links derived from it.
//
// Protected channels: a worker thread gets its contexts in workerData (copied inside this process,
// never on a command line or in a file); a child process gets them over its private IPC pipe
// (not its argv or environment, which other local users can read in /proc).
import { fork, type ChildProcess } from 'node:child_process';
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import { childNodeFlags } from '../runtime/project.js';
import { LinkError } from './frame.js';
import { Duplex, Endpoint, Startpoint } from './link.js';
import { contextFromJson, contextToJson, newContext, type SecurityConfig, type SecurityContext } from './mechanism.js';
import { createShmPair, ShmTransport, type ShmRings } from './shm.js';
import { connectTcp, listenTcp } from './tcp.js';

/** What a created worker receives: its half of the first link's context pair and how to reach its creator. */
interface Bootstrap {
  /** the worker's startpoint to the creator's endpoint */
  toCreator: SecurityContext;
  /** the creator's startpoint to the worker's endpoint; the worker registers it */
  fromCreator: SecurityContext;
  shm?: ShmRings;
  tcpPort?: number;
}

/** context ids a worker's endpoint uses for links granted by its creator start here; 1 is the first link */
export const FIRST_GRANTED_CONTEXT_ID = 2;

function firstLinkContexts(creator: Endpoint, config: SecurityConfig): { toCreator: SecurityContext; fromCreator: SecurityContext } {
  return { toCreator: creator.bind(config), fromCreator: newContext(1, config) };
}

export interface CreatedWorker {
  worker: Worker;
  /** the creator's side of the first link */
  link: Duplex;
}

/** Starts a worker thread (from source, a .ts file loads unbuilt: it inherits the parent's --import flag). */
export function createSecureWorker(file: URL, creator: Endpoint, config: SecurityConfig, extra: Record<string, unknown> = {}): CreatedWorker {
  const rings = createShmPair();
  const { toCreator, fromCreator } = firstLinkContexts(creator, config);
  const bootstrap: Bootstrap = { toCreator, fromCreator, shm: rings.b };
  const worker = new Worker(file, { workerData: { ...extra, bootstrap } });
  return { worker, link: new Duplex(creator, new Startpoint(fromCreator, new ShmTransport(rings.a))) };
}

function bootstrapLink(raw: unknown, where: string, transportFor: (b: Bootstrap) => Promise<Duplex['transport']>): Promise<Duplex> {
  if (typeof raw !== 'object' || raw === null) throw new LinkError(`${where}: no bootstrap security context was handed over`);
  const o = raw as Record<string, unknown>;
  const b: Bootstrap = {
    ...(o as object),
    toCreator: contextFromJson(o.toCreator, `${where}.toCreator`),
    fromCreator: contextFromJson(o.fromCreator, `${where}.fromCreator`),
  };
  return transportFor(b).then((t) => {
    const endpoint = new Endpoint(FIRST_GRANTED_CONTEXT_ID);
    endpoint.register(b.fromCreator);
    return new Duplex(endpoint, new Startpoint(b.toCreator, t));
  });
}

/** In a worker thread made by createSecureWorker: the worker's side of its first link. */
export function initSecureWorker(): Promise<Duplex> {
  if (isMainThread) throw new LinkError('initSecureWorker must run inside a worker thread made by createSecureWorker');
  return bootstrapLink((workerData as { bootstrap?: unknown })?.bootstrap, 'workerData.bootstrap', async (b) => {
    if (!b.shm) throw new LinkError('workerData.bootstrap.shm is missing');
    return new ShmTransport(b.shm);
  });
}

export interface CreatedChild {
  child: ChildProcess;
  link: Duplex;
}

/**
 * Starts a child process running `file`. The legacy provider (and from source the loader) go on its
 * own command line; the contexts go over the IPC pipe; the first link is TCP.
 */
export async function createSecureChild(file: string, creator: Endpoint, config: SecurityConfig): Promise<CreatedChild> {
  const listener = await listenTcp();
  const { toCreator, fromCreator } = firstLinkContexts(creator, config);
  const child = fork(file, [], {
    execArgv: childNodeFlags(),
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new LinkError(`child ${file} exited (code ${code}) before its first link was up`))),
  );
  try {
    child.send({ bootstrap: { toCreator: contextToJson(toCreator), fromCreator: contextToJson(fromCreator), tcpPort: listener.port } });
    const transport = await Promise.race([listener.accept(), exited]);
    return { child, link: new Duplex(creator, new Startpoint(fromCreator, transport)) };
  } finally {
    await listener.close();
  }
}

/** In a child made by createSecureChild: waits for the contexts on the IPC pipe and dials back. */
export function initSecureChild(): Promise<Duplex> {
  if (!process.send) throw new LinkError('initSecureChild must run in a child made by createSecureChild (no IPC channel)');
  return new Promise((resolve, reject) => {
    process.once('message', (m: unknown) => {
      bootstrapLink((m as { bootstrap?: unknown })?.bootstrap, 'IPC bootstrap', async (b) => {
        if (typeof b.tcpPort !== 'number') throw new LinkError('IPC bootstrap.tcpPort is missing');
        return connectTcp(b.tcpPort);
      }).then((link) => {
        // The pipe has done its job; closing it lets the child exit when its work is done.
        process.disconnect?.();
        resolve(link);
      }, reject);
    });
  });
}

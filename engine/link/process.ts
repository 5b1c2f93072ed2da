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
import { createShmPair, markPeerGone, ShmTransport, type ShmRings } from './shm.js';
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

interface CreatedWorker {
  worker: Worker;
  /** the creator's side of the first link */
  link: Duplex;
  /** the thread's death, watched: add the rings of later links to it */
  watch: ThreadWatch;
}

/** How a thread ended: its exit code, and the error it died of if it threw. */
interface ThreadEnd {
  exitCode: number;
  error?: Error;
}

/**
 * Keeps a thread's death from going unnoticed or taking its creator along. An uncaught error in
 * the thread is recorded here (a Worker with no 'error' listener re-throws it in its creator, which
 * then dies too), and when the thread exits, by error, by `terminate()` or by returning, every ring
 * pair it held is marked gone (`markPeerGone`): whoever waits on one fails with a LinkDownError
 * within one wait slice instead of waiting forever. Sockets need no help: the thread's end closes
 * them and their peers see it.
 */
export class ThreadWatch {
  private readonly rings: ShmRings[] = [];
  private end: ThreadEnd | undefined;
  /** resolves when the thread has exited */
  readonly ended: Promise<ThreadEnd>;

  constructor(readonly worker: Worker) {
    let error: Error | undefined;
    worker.on('error', (err) => {
      error = err;
    });
    this.ended = new Promise((resolve) => {
      worker.once('exit', (exitCode) => {
        this.end = { exitCode, error };
        for (const r of this.rings) markPeerGone(r);
        resolve(this.end);
      });
    });
  }

  get exited(): ThreadEnd | undefined {
    return this.end;
  }

  /** Rings this thread holds one end of; marked gone at once if it has exited already. */
  hold(rings: ShmRings): void {
    this.rings.push(rings);
    if (this.end) markPeerGone(rings);
  }
}

/** Starts a worker thread (from source, a .ts file loads unbuilt: it inherits the parent's --import flag). */
export function createSecureWorker(file: URL, creator: Endpoint, config: SecurityConfig, extra: Record<string, unknown> = {}): CreatedWorker {
  const rings = createShmPair();
  const { toCreator, fromCreator } = firstLinkContexts(creator, config);
  const bootstrap: Bootstrap = { toCreator, fromCreator, shm: rings.b };
  const worker = new Worker(file, { workerData: { ...extra, bootstrap } });
  const watch = new ThreadWatch(worker);
  watch.hold(rings.a);
  return { worker, watch, link: new Duplex(creator, new Startpoint(fromCreator, new ShmTransport(rings.a))) };
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

interface CreatedChild {
  child: ChildProcess;
  link: Duplex;
  /** resolves when the child has exited (its first link fails by itself: the OS closes its socket) */
  ended: Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>;
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
  // A send on the IPC pipe of a child that just died emits 'error': without a listener, that would end this process.
  child.on('error', () => undefined);
  const ended = new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (exitCode, signal) => resolve({ exitCode, signal })));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new LinkError(`child ${file} exited (code ${code}) before its first link was up`))),
  );
  try {
    child.send({ bootstrap: { toCreator: contextToJson(toCreator), fromCreator: contextToJson(fromCreator), tcpPort: listener.port } });
    const transport = await Promise.race([listener.accept(), exited]);
    return { child, ended, link: new Duplex(creator, new Startpoint(fromCreator, transport)) };
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

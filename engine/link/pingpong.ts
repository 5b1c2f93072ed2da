// The paper's microbenchmark: a vector bounced between two parties, one RSR each way. The echo
// side is one long-lived worker thread (or child process) made by secure process creation; each
// configuration is a new link granted to it over its first, secured link. A plain Worker rather
// than a piscina pool: the peer is one stateful partner holding sockets and shm rings for the
// whole run, not a pool of interchangeable task runners.
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LinkDownError, LinkError } from './frame.js';
import { decodeReply, encodeControl, type ControlReply } from './grant.js';
import { Endpoint, Startpoint, type Duplex, type Placement } from './link.js';
import { newContext, type Mechanism, type SecurityConfig } from './mechanism.js';
import { createSecureChild, createSecureWorker, FIRST_GRANTED_CONTEXT_ID } from './process.js';
import { createRawShm, RawShmPinger, RawTcpPinger, type RawShmMode } from './raw.js';
import { countsSince, type WaitCounts } from './spin-wait.js';
import { listenTcp, type Listener } from './tcp.js';
import { listenTls, makeCertificate, type Certificate } from './tls.js';
import { SENT, type FrameTransport, type TransportKind } from './transport.js';
import type { StreamTransport } from './stream.js';
import { siblingModule } from '../runtime/project.js';

export interface LinkConfig {
  /** label used in plots and tables, e.g. `tcp+des-ecb` */
  name: string;
  transport: TransportKind;
  mechanism: Mechanism;
  /** a bare reference (raw.ts), not a link: `raw-shm` or `raw-tcp` */
  bare?: true;
}

function config(transport: TransportKind, mechanism: Mechanism): LinkConfig {
  return { name: mechanism === 'none' ? transport : `${transport}+${mechanism}`, transport, mechanism };
}

/**
 * The paper's five (MPL -> shm; SSLRef -> node:tls, whose own cipher does the encryption, so the
 * link adds none) and three modern ones.
 */
const PAPER_CONFIGS: LinkConfig[] = [
  config('shm', 'none'), config('shm', 'des-ecb'), config('tcp', 'none'), config('tcp', 'des-ecb'), config('tls', 'none'),
];
const MODERN_CONFIGS: LinkConfig[] = [config('shm', 'aes-128-gcm'), config('tcp', 'aes-128-gcm'), config('tcp', 'chacha20-poly1305')];
export const ALL_CONFIGS = [...PAPER_CONFIGS, ...MODERN_CONFIGS];

/** The bare references the links are measured against, between the same two parties. */
export const BARE_CONFIGS: LinkConfig[] = [
  { name: 'raw-shm', transport: 'shm', mechanism: 'none', bare: true },
  { name: 'raw-tcp', transport: 'tcp', mechanism: 'none', bare: true },
];

/** The bare reference a link is set against: raw-shm for shm links, raw-tcp for tcp and tls ones. */
export function referenceOf(link: LinkConfig): LinkConfig {
  return BARE_CONFIGS[link.transport === 'shm' ? 0 : 1];
}

/** The first link's protection: the grants it carries hold keys. */
const CONTROL_CONFIG: SecurityConfig = { mechanism: 'aes-128-gcm', applyTo: 'all' };
const PEER_FILE = siblingModule(import.meta.url, './peer');

async function expectReply(first: Duplex, op: ControlReply['op']): Promise<ControlReply> {
  const reply = decodeReply((await first.receive()).body);
  if (reply.op !== op) throw new LinkError(`echo peer answered ${JSON.stringify(reply)}, expected ${op}`);
  return reply;
}

/** Anything `measureLatencyUs` can time: a link, or a bare reference. */
export interface Bouncer {
  readonly label: string;
  /** one round trip; returns the echoed body */
  bounce(payload: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** How the waits on shared memory went on both sides while a link or raw-shm was open (see spin-wait.ts). */
export interface LinkWaits {
  /** this side's (the pinger's) */
  own: WaitCounts;
  /** the echo side's */
  peer: WaitCounts;
}

export class EchoLink implements Bouncer {
  /** set by `close` over shared memory */
  waits: LinkWaits | undefined;
  private readonly waitsAtOpen: WaitCounts | undefined;

  constructor(
    readonly startpoint: Startpoint,
    readonly endpoint: Endpoint,
    private readonly first: Duplex,
    /** true when the transport is this link's own (tcp, tls), closed with it; not the first link's (shm) */
    private readonly ownsTransport?: boolean,
  ) {
    this.waitsAtOpen = startpoint.transport.waitCounts?.();
  }

  get transport(): FrameTransport {
    return this.startpoint.transport;
  }

  get label(): string {
    const { mechanism } = this.startpoint.context;
    return mechanism === 'none' ? this.transport.kind : `${this.transport.kind}+${mechanism}`;
  }

  /** One round trip; returns the echoed body. */
  bounce(payload: Uint8Array): Promise<Uint8Array> {
    return this.bounceParts([payload]);
  }

  /** One round trip of a request put as `parts`, sealed by `placement` (default the link's); the echo comes back whole. */
  bounceParts(parts: Uint8Array[], placement: Placement = this.startpoint.placement): Promise<Uint8Array> {
    const sent = this.startpoint.sendPlaced(placement, 'data', parts);
    const back = this.transport.receiveMapped(this.openBody);
    if (sent === SENT) return back;
    // Not taken at once (a full ring, a socket needing drain): both must succeed.
    return Promise.all([sent, back]).then(([, body]) => body);
  }

  private readonly openBody = (frame: Uint8Array): Uint8Array => this.endpoint.open(frame).body;

  /** Ends the link; resolves with the count the peer echoed. */
  async close(): Promise<number> {
    const waitsAtClose = this.transport.waitCounts?.();
    await this.startpoint.send('control', new Uint8Array(0));
    const reply = await expectReply(this.first, 'done');
    if (this.waitsAtOpen && waitsAtClose && reply.op === 'done' && reply.waits) this.waits = { own: countsSince(this.waitsAtOpen, waitsAtClose), peer: reply.waits };
    this.endpoint.unbind(this.startpoint.context.contextId);
    if (this.ownsTransport) await this.transport.close();
    return reply.op === 'done' ? reply.echoed : 0;
  }
}

/** A bare reference (raw.ts) running against the echo peer. */
export class RawLink implements Bouncer {
  /** set by `close` for raw-shm in its waiting form */
  waits: LinkWaits | undefined;

  constructor(
    private readonly pinger: RawShmPinger | RawTcpPinger,
    private readonly first: Duplex,
  ) {}

  get label(): string {
    return this.pinger.label;
  }

  bounce(payload: Uint8Array): Uint8Array | Promise<Uint8Array> {
    return this.pinger.bounce(payload);
  }

  /** Ends the reference; resolves with the count the peer echoed (bytes for raw-tcp, bounces for raw-shm). */
  async close(): Promise<number> {
    await this.pinger.stop();
    const reply = await expectReply(this.first, 'done');
    const own = this.pinger instanceof RawShmPinger ? this.pinger.waiter?.counts : undefined;
    if (own && reply.op === 'done' && reply.waits) this.waits = { own: { ...own }, peer: reply.waits };
    return reply.op === 'done' ? reply.echoed : 0;
  }
}

/** how long `stop` waits for the peer to leave on its own before ending it */
const STOP_GRACE_MS = 5000;

export class EchoPeer {
  private nextWorkerContextId = FIRST_GRANTED_CONTEXT_ID;
  private certificate: Certificate | undefined;
  private end: string | undefined;
  /** rejects with a LinkDownError once the peer has ended: raced with every wait that is not on a link */
  private readonly gone: Promise<never>;

  private constructor(
    readonly endpoint: Endpoint,
    readonly first: Duplex,
    readonly handle: Worker | ChildProcess,
    /** resolves with how the peer ended, e.g. `thread exited (code 1): boom` */
    readonly ended: Promise<string>,
  ) {
    this.gone = ended.then((how) => {
      this.end = how;
      throw new LinkDownError(`echo peer ended: ${how}`);
    });
    this.gone.catch(() => undefined); // observed by every unlessGone race; a peer ending while idle is not an unhandled rejection
  }

  /** A worker-thread peer; with `cpus`, its thread binds itself to them (engine/runtime/affinity.ts) before it serves. */
  static thread(cpus?: number[]): EchoPeer {
    const endpoint = new Endpoint();
    const { worker, link, watch } = createSecureWorker(PEER_FILE, endpoint, CONTROL_CONFIG, cpus ? { cpus } : {});
    const ended = watch.ended.then((e) => `thread exited (code ${e.exitCode})${e.error ? `: ${e.error.message}` : ''}`);
    return new EchoPeer(endpoint, link, worker, ended);
  }

  static async childProcess(): Promise<EchoPeer> {
    const endpoint = new Endpoint();
    const { child, link, ended } = await createSecureChild(fileURLToPath(PEER_FILE), endpoint, CONTROL_CONFIG);
    return new EchoPeer(endpoint, link, child, ended.then((e) => `child process exited (${e.signal ? `signal ${e.signal}` : `code ${e.exitCode}`})`));
  }

  /** Whether the peer has ended (and how). */
  get endedAs(): string | undefined {
    return this.end;
  }

  /** `wait`, or a LinkDownError as soon as the peer ends. */
  private unlessGone<T>(wait: Promise<T>): Promise<T> {
    return Promise.race([wait, this.gone]);
  }

  /** Grants the peer a new link of this configuration; the keys travel inside the secured first link. */
  async open(link: LinkConfig, placement: Placement = 'copy-then-encrypt', applyTo: SecurityConfig['applyTo'] = 'all'): Promise<EchoLink> {
    const security: SecurityConfig = { mechanism: link.mechanism, applyTo };
    const toWorker = newContext(this.nextWorkerContextId++, security);
    const toCreator = this.endpoint.bind(security);
    let listener: Listener<StreamTransport> | undefined;
    let caPem: string | undefined;
    if (link.transport === 'tcp') listener = await listenTcp();
    if (link.transport === 'tls') {
      this.certificate ??= await makeCertificate();
      caPem = this.certificate.certPem;
      listener = await listenTls(this.certificate);
    }
    try {
      await this.first.send('control', encodeControl({ op: 'echo', transport: link.transport, port: listener?.port, caPem, toWorker, toCreator, placement }));
      // A peer that refuses the grant answers `rejected` and never dials: wait for either.
      const ready = expectReply(this.first, 'ready');
      ready.catch(() => undefined); // awaited below; until then a refusal must not count as unhandled
      const accepted = listener?.accept();
      if (accepted) await this.unlessGone(Promise.race([accepted, ready]));
      await ready;
      return new EchoLink(new Startpoint(toWorker, accepted ? await accepted : this.first.transport, placement), this.endpoint, this.first, accepted !== undefined);
    } catch (err) {
      this.endpoint.unbind(toCreator.contextId);
      throw err;
    } finally {
      // One connection is all it was for; the accepted socket lives on.
      await listener?.close();
    }
  }

  /**
   * Starts a bare reference against the same peer: raw-shm (a worker-thread peer only: a
   * SharedArrayBuffer cannot reach another process) holding messages up to `capacityBytes`, waiting
   * as the shm link does or, `spin`, polling without a bound (the floor); or raw-tcp.
   */
  async openRaw(transport: 'shm' | 'tcp', capacityBytes = 1 << 20, shmMode: RawShmMode = 'wait'): Promise<RawLink> {
    if (transport === 'shm') {
      if (!(this.handle instanceof Worker)) throw new LinkError('raw-shm needs a worker-thread peer (EchoPeer.thread())');
      const sab = createRawShm(capacityBytes, shmMode);
      this.handle.postMessage(sab);
      await this.first.send('control', encodeControl({ op: 'raw', transport: 'shm' }));
      await this.unlessGone(expectReply(this.first, 'ready'));
      return new RawLink(new RawShmPinger(sab), this.first);
    }
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    try {
      const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
      await this.first.send('control', encodeControl({ op: 'raw', transport: 'tcp', port: (server.address() as net.AddressInfo).port }));
      // `ready` once it has dialled (or `rejected`): after it, nothing waits on the first link
      // while the reference is timed.
      await this.unlessGone(expectReply(this.first, 'ready'));
      return new RawLink(new RawTcpPinger(await this.unlessGone(accepted)), this.first);
    } finally {
      server.close();
    }
  }

  /**
   * Untimed bounces through the shm and tcp paths, clear and sealed, before anything is measured:
   * the first configurations would otherwise pay for both threads' JIT warm-up (V8 optimises a
   * function after some thousands of calls).
   */
  async warmUp(bounces: number): Promise<void> {
    for (const [transport, mechanism] of [['shm', 'none'], ['shm', 'aes-128-gcm'], ['tcp', 'none']] as const) {
      const link = await this.open(config(transport, mechanism));
      for (const size of [10, 1024]) await measureLatencyUs(link, new Uint8Array(size), bounces, 0);
      await link.close();
    }
  }

  /** Asks the peer to leave and waits for it; one that has died already, or does not leave, is dealt with too. */
  async stop(): Promise<void> {
    if (this.end === undefined) {
      try {
        await this.first.send('control', encodeControl({ op: 'exit' }));
      } catch {
        // Its first link is down: it is gone or going; the wait below settles which.
      }
      const timer = setTimeout(() => this.kill(), STOP_GRACE_MS);
      await this.ended;
      clearTimeout(timer);
    }
    await this.first.transport.close();
  }

  /** Ends the peer at once (a thread is terminated, a process gets SIGKILL), as a crash would. */
  kill(): void {
    if (this.handle instanceof Worker) void this.handle.terminate();
    else this.handle.kill('SIGKILL');
  }
}

/**
 * One-way latencies (round trip / 2, microseconds) of `iterations` bounces after `warmup` uncounted
 * ones, as OSU's osu_latency. The echoed bytes are checked against the payload on the first and
 * last bounce. `warmupMs` stretches the warm-up to at least that long (at most 100 x `warmup`
 * bounces): a shared-memory wait leaves its sleeping mode only at a probe (engine/link/spin-wait.ts),
 * and right after a link opens V8's background threads can keep the cores looking busy for a while.
 */
export async function measureLatencyUs(link: Bouncer, payload: Uint8Array, warmup: number, iterations: number, warmupMs = 0): Promise<number[]> {
  if (warmupMs > 0) {
    const until = performance.now() + warmupMs;
    for (let i = 0; i < 99 * warmup && performance.now() < until; i++) {
      const r = link.bounce(payload);
      if (r instanceof Promise) await r;
    }
  }
  const samples: number[] = [];
  for (let i = 0; i < warmup + iterations; i++) {
    const t0 = process.hrtime.bigint();
    const r = link.bounce(payload);
    // A synchronous bouncer (raw-shm) is not charged a promise hop.
    const back = r instanceof Promise ? await r : r;
    const rttNs = Number(process.hrtime.bigint() - t0);
    if ((i === 0 || i === warmup + iterations - 1) && !Buffer.from(back.buffer, back.byteOffset, back.length).equals(payload)) {
      throw new LinkError(`echo of ${payload.length} bytes came back different over ${link.label}`);
    }
    if (i >= warmup) samples.push(rttNs / 2 / 1000);
  }
  return samples;
}

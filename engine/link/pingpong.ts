// The paper's microbenchmark: a vector bounced between two parties, one RSR each way. The echo
// side is one long-lived worker thread (or child process) made by secure process creation; each
// configuration is a new link granted to it over its first, secured link. A plain Worker rather
// than a piscina pool: the peer is one stateful partner holding sockets and shm rings for the
// whole run, not a pool of interchangeable task runners.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { LinkError } from './frame.js';
import { decodeReply, encodeControl, type ControlReply } from './grant.js';
import { Endpoint, Startpoint, type Duplex, type Placement } from './link.js';
import { newContext, type Mechanism, type SecurityConfig } from './mechanism.js';
import { createSecureChild, createSecureWorker, FIRST_GRANTED_CONTEXT_ID } from './process.js';
import { listenTcp, type Listener } from './tcp.js';
import { listenTls, makeCertificate, type Certificate } from './tls.js';
import type { FrameTransport, TransportKind } from './transport.js';
import type { StreamTransport } from './stream.js';
import { siblingModule } from '../runtime/project.js';
import { busyWork, slowdownShare } from '../bench/slowdown.js';

export interface LinkConfig {
  /** label used in plots and tables, e.g. `tcp+des-ecb` */
  name: string;
  transport: TransportKind;
  mechanism: Mechanism;
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

/** The first link's protection: the grants it carries hold keys. */
const CONTROL_CONFIG: SecurityConfig = { mechanism: 'aes-128-gcm', applyTo: 'all' };
const PEER_FILE = siblingModule(import.meta.url, './peer');

async function expectReply(first: Duplex, op: ControlReply['op']): Promise<ControlReply> {
  const reply = decodeReply((await first.receive()).body);
  if (reply.op !== op) throw new LinkError(`echo peer answered ${JSON.stringify(reply)}, expected ${op}`);
  return reply;
}

export class EchoLink {
  constructor(
    readonly startpoint: Startpoint,
    readonly endpoint: Endpoint,
    private readonly first: Duplex,
    private readonly listener: Listener<StreamTransport> | undefined,
  ) {}

  get transport(): FrameTransport {
    return this.startpoint.transport;
  }

  /** One round trip; returns the echoed body. */
  async bounce(payload: Uint8Array): Promise<Uint8Array> {
    await this.startpoint.send('data', payload);
    return (await this.endpoint.receive(this.transport)).body;
  }

  /** Ends the link; resolves with the count the peer echoed. */
  async close(): Promise<number> {
    await this.startpoint.send('control', new Uint8Array(0));
    const reply = await expectReply(this.first, 'done');
    this.endpoint.unbind(this.startpoint.context.contextId);
    if (this.listener) {
      await this.transport.close();
      await this.listener.close();
    }
    return reply.op === 'done' ? reply.echoed : 0;
  }
}

export class EchoPeer {
  private nextWorkerContextId = FIRST_GRANTED_CONTEXT_ID;
  private certificate: Certificate | undefined;

  private constructor(
    readonly endpoint: Endpoint,
    readonly first: Duplex,
    readonly handle: Worker | ChildProcess,
  ) {}

  static thread(): EchoPeer {
    const endpoint = new Endpoint();
    const { worker, link } = createSecureWorker(PEER_FILE, endpoint, CONTROL_CONFIG);
    return new EchoPeer(endpoint, link, worker);
  }

  static async childProcess(): Promise<EchoPeer> {
    const endpoint = new Endpoint();
    const { child, link } = await createSecureChild(fileURLToPath(PEER_FILE), endpoint, CONTROL_CONFIG);
    return new EchoPeer(endpoint, link, child);
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
    await this.first.send('control', encodeControl({ op: 'echo', transport: link.transport, port: listener?.port, caPem, toWorker, toCreator, placement }));
    const transport = listener ? await listener.accept() : this.first.transport;
    await expectReply(this.first, 'ready');
    return new EchoLink(new Startpoint(toWorker, transport, placement), this.endpoint, this.first, listener);
  }

  /**
   * Untimed bounces through the shm path, clear and sealed, before anything is measured: the
   * first configuration would otherwise pay for both threads' JIT warm-up.
   */
  async warmUp(bounces: number): Promise<void> {
    for (const mechanism of ['none', 'aes-128-gcm'] as const) {
      const link = await this.open(config('shm', mechanism));
      for (const size of [10, 1024]) await measureLatencyUs(link, new Uint8Array(size), bounces, 0);
      await link.close();
    }
  }

  async stop(): Promise<void> {
    await this.first.send('control', encodeControl({ op: 'exit' }));
    const exited = new Promise((resolve) => this.handle.once('exit', resolve));
    await exited;
    await this.first.transport.close();
  }
}

/** What the ping-pong times: an echo link, or a bare reference with no link layer (the performance gate's). */
export interface Bouncer {
  readonly transport: { readonly kind: string };
  bounce(payload: Uint8Array): Promise<Uint8Array>;
}

/**
 * One-way latencies (round trip / 2, microseconds) of `iterations` bounces after `warmup` uncounted
 * ones, as OSU's osu_latency. The echoed bytes are checked against the payload on the first and
 * last bounce. `slowdown` names the gate metric an injected slowdown may target (engine/bench/slowdown.ts).
 */
export async function measureLatencyUs(link: Bouncer, payload: Uint8Array, warmup: number, iterations: number, slowdown?: string): Promise<number[]> {
  const samples: number[] = [];
  const share = slowdownShare(slowdown);
  for (let i = 0; i < warmup + iterations; i++) {
    const t0 = process.hrtime.bigint();
    const back = await link.bounce(payload);
    if (share !== 0) busyWork((Number(process.hrtime.bigint() - t0) / 1e6) * share);
    const rttNs = Number(process.hrtime.bigint() - t0);
    if ((i === 0 || i === warmup + iterations - 1) && !Buffer.from(back.buffer, back.byteOffset, back.length).equals(payload)) {
      throw new LinkError(`echo of ${payload.length} bytes came back different over ${link.transport.kind}`);
    }
    if (i >= warmup) samples.push(rttNs / 2 / 1000);
  }
  return samples;
}

// Paper 001's ping-pong over TCP as a 2-rank MPI job, so that the latency between two real hosts
// can be measured: rank 0 pings, rank 1 echoes. The frames are engine/link's TCP frames
// (StreamTransport), sealed and checked by its link core (Startpoint/Endpoint), and timed by the
// same measureLatencyUs as the local scenario.
//
// Keys: the local ping-pong grants them over a link secured at process creation; two hosts have no
// such link, so the ranks agree on them: X25519 over the connection, then HKDF with the job token
// (which only the launcher's environment carries) as salt; rank 1 proves it holds the same keys
// before anything is measured, so a stranger without the token cannot take rank 1's place.
// The tls configuration (the paper's SSLRef) runs over a second connection: rank 1 makes a
// certificate, sends it under an HMAC of the agreed secret, and rank 0 pins it as its only CA.
import { createHmac, timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { SeededBytes } from '../../datasets/generator.js';
import { Duplex, Endpoint, Startpoint, type Placement } from '../link/link.js';
import { checkMechanism, type Mechanism, type SecurityContext } from '../link/mechanism.js';
import { EchoLink, measureLatencyUs } from '../link/pingpong.js';
import { StreamTransport } from '../link/stream.js';
import { makeCertificate } from '../link/tls.js';
import { agree, derive, derivedContext } from './agree.js';
import { emit } from './events.js';
import { rendezvousFromEnv } from './job.js';
import { rankFromEnv, rankHost } from './rank-env.js';
import { connectSocketRetrying } from './wire.js';

export const PINGPONG_VARIABLE = 'CTR_MPI_PINGPONG';
/** names the ping-pong's keys apart from any other job's */
const LABEL = 'ctr-v1 mpi pingpong';

export interface PingpongJob {
  token: string;
  listenHost: string;
  /** tcp configurations: `tcp` or `tcp+<mechanism>` */
  configurations: string[];
  sizes: number[];
  small: { warmup: number; iterations: number };
  large: { warmup: number; iterations: number };
  /** sizes above this use `large` (OSU's switch at 8 KiB) */
  largeAboveBytes: number;
  placement: Placement;
  seed: string;
  joinTimeoutMs: number;
}

/** `tcp+aes-128-gcm` -> tcp with aes-128-gcm; `tls` -> TLS, whose own cipher protects the link. */
export function configurationOf(configuration: string): { transport: 'tcp' | 'tls'; mechanism: Mechanism } {
  if (configuration === 'tls') return { transport: 'tls', mechanism: 'none' };
  const [transport, mechanism = 'none', ...rest] = configuration.split('+');
  if (transport !== 'tcp' || rest.length) throw new Error(`configuration "${configuration}": only tcp configurations (tcp, tcp+MECHANISM) and tls run as an MPI job; shm needs one host`);
  return { transport: 'tcp', mechanism: checkMechanism(mechanism, `configuration "${configuration}"`) };
}

/** The context of configuration i in one direction, the same on both ranks. */
const contextFor = (secret: Buffer, token: string, i: number, direction: 'ping' | 'echo', mechanism: Mechanism): SecurityContext =>
  derivedContext(secret, token, `${LABEL}|${i}|${direction}`, 2 * i + (direction === 'ping' ? 1 : 2), mechanism);

function payloadOf(sizeBytes: number, seed: string): Uint8Array {
  const buf = new Uint8Array(Math.ceil(sizeBytes / 4) * 4);
  new SeededBytes(`${seed}/pingpong/${sizeBytes}`).fill(buf);
  return buf.subarray(0, sizeBytes);
}

const certificateMac = (secret: Buffer, token: string, certPem: string) =>
  createHmac('sha256', derive(secret, token, `${LABEL}|tls certificate`, 32)).update(certPem).digest();

/**
 * The tls configuration's connection. Rank 1 listens with a fresh certificate and sends it, with its
 * port, over the agreed channel under an HMAC; rank 0 checks the HMAC and trusts that certificate only.
 */
async function tlsTransport(rank: number, control: StreamTransport, secret: Buffer, token: string, peerAddress: string): Promise<StreamTransport> {
  if (rank === 1) {
    const cert = await makeCertificate();
    const server = tls.createServer({ key: cert.keyPem, cert: cert.certPem });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, resolve);
    });
    try {
      const accepted = new Promise<tls.TLSSocket>((resolve) => server.once('secureConnection', resolve));
      const { port } = server.address() as net.AddressInfo;
      await control.send([Buffer.from(JSON.stringify({ port, certPem: cert.certPem })), certificateMac(secret, token, cert.certPem)]);
      const socket = await accepted;
      return new StreamTransport('tls', socket, { tlsProtocol: socket.getProtocol() ?? 'unknown', tlsCipher: socket.getCipher()?.name ?? 'unknown' });
    } finally {
      server.close();
    }
  }
  const frame = Buffer.from(await control.receive());
  const { port, certPem } = JSON.parse(frame.subarray(0, frame.length - 32).toString('utf8')) as { port: number; certPem: string };
  if (!timingSafeEqual(frame.subarray(frame.length - 32), certificateMac(secret, token, certPem))) throw new Error("rank 1's TLS certificate does not carry the job's HMAC: refused");
  const socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
    // The certificate is pinned as the only CA; its name (localhost) is not this host's, and need not be.
    const s = tls.connect({ host: peerAddress, port, ca: certPem, checkServerIdentity: () => undefined }, () => resolve(s));
    s.once('error', reject);
  });
  return new StreamTransport('tls', socket, { tlsProtocol: socket.getProtocol() ?? 'unknown', tlsCipher: socket.getCipher()?.name ?? 'unknown' });
}

/** The transport of each configuration: the agreed tcp connection, or one tls connection made once. */
function transports(rank: number, tcp: StreamTransport, secret: Buffer, token: string, peerAddress: string): (transport: 'tcp' | 'tls') => Promise<StreamTransport> {
  let secured: Promise<StreamTransport> | undefined;
  return (kind) => (kind === 'tcp' ? Promise.resolve(tcp) : (secured ??= tlsTransport(rank, tcp, secret, token, peerAddress)));
}

async function ping(transportFor: (t: 'tcp' | 'tls') => Promise<StreamTransport>, secret: Buffer, job: PingpongJob): Promise<void> {
  for (const [i, configuration] of job.configurations.entries()) {
    const { transport: kind, mechanism } = configurationOf(configuration);
    const transport = await transportFor(kind);
    const endpoint = new Endpoint();
    endpoint.register(contextFor(secret, job.token, i, 'echo', mechanism));
    const startpoint = new Startpoint(contextFor(secret, job.token, i, 'ping', mechanism), transport, job.placement);
    const link = new EchoLink(startpoint, endpoint, new Duplex(endpoint, startpoint), undefined);
    for (const sizeBytes of job.sizes) {
      const { warmup, iterations } = sizeBytes > job.largeAboveBytes ? job.large : job.small;
      const latencyUs = await measureLatencyUs(link, payloadOf(sizeBytes, job.seed), warmup, iterations);
      emit({ e: 'latency', configuration, sizeBytes, latencyUs, details: transport.details });
    }
    await startpoint.send('control', new Uint8Array(0)); // rank 1 moves on to the next configuration
  }
}

async function echo(transportFor: (t: 'tcp' | 'tls') => Promise<StreamTransport>, secret: Buffer, job: PingpongJob): Promise<void> {
  for (const [i, configuration] of job.configurations.entries()) {
    const { transport: kind, mechanism } = configurationOf(configuration);
    const transport = await transportFor(kind);
    const endpoint = new Endpoint();
    endpoint.register(contextFor(secret, job.token, i, 'ping', mechanism));
    const back = new Startpoint(contextFor(secret, job.token, i, 'echo', mechanism), transport, job.placement);
    for (let n = 0; n < Number.MAX_SAFE_INTEGER; n++) {
      const m = await endpoint.receive(transport);
      if (m.tag === 'control') break;
      await back.send('data', m.body);
    }
  }
}

async function connect(rank: number, job: PingpongJob, rendezvous: { host: string; port: number }): Promise<net.Socket> {
  const deadline = performance.now() + job.joinTimeoutMs;
  if (rank === 1) return connectSocketRetrying(rendezvous.host, rendezvous.port, deadline);
  const server = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(new Error(`cannot listen on ${job.listenHost}:${rendezvous.port} (${(err as NodeJS.ErrnoException).code ?? err.message})`)));
      server.listen(rendezvous.port, job.listenHost, resolve);
    });
    return await new Promise<net.Socket>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`rank 1 did not connect within ${job.joinTimeoutMs} ms`)), job.joinTimeoutMs);
      server.once('connection', (socket) => {
        clearTimeout(timer);
        resolve(socket);
      });
    });
  } finally {
    server.close();
  }
}

async function main(): Promise<number> {
  const host = rankHost();
  const id = rankFromEnv();
  try {
    if (id.size !== 2) throw new Error(`the ping-pong is a 2-rank job, this one has ${id.size} ranks`);
    const text = process.env[PINGPONG_VARIABLE];
    if (!text) throw new Error(`${PINGPONG_VARIABLE} is not set: start the ping-pong with npm run mpi -- pingpong`);
    const job = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as PingpongJob;
    const rendezvous = rendezvousFromEnv();
    const socket = await connect(id.rank, job, rendezvous);
    const transport = new StreamTransport('tcp', socket, { peer: `${socket.remoteAddress}:${socket.remotePort}` });
    const secret = await agree(transport, job.token, id.rank === 1 ? 'prover' : 'verifier', LABEL, 'rank 1');
    const transportFor = transports(id.rank, transport, secret, job.token, socket.remoteAddress ?? rendezvous.host);
    if (id.rank === 0) {
      const hosts = [host, Buffer.from(await transport.receive()).toString('utf8')];
      await ping(transportFor, secret, job);
      emit({ e: 'pingpong-done', hosts });
    } else {
      await transport.send([Buffer.from(host)]);
      await echo(transportFor, secret, job);
    }
    if (job.configurations.includes('tls')) await (await transportFor('tls')).close();
    await transport.close();
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (id.rank === 0) emit({ e: 'error', rank: 0, host, message });
    else process.stderr.write(`rank ${id.rank} on ${host}: ${message}\n`);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(await main());

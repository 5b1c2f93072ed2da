// One rank of paper 001's coupled climate model as its own process under mpirun (engine/mpi/climate.ts
// starts the job): it dials the driver (the launching process), agrees the keys of its first link
// with it (agree.ts: X25519, salted with the job token, which it proves it holds), then serves the
// driver exactly as a rank thread does (engine/link/climate/serve.ts). Its links to the other ranks
// cross hosts, so they are TCP or TLS to the address the driver names; shared-memory rings exist
// only between threads of one process.
import net from 'node:net';
import tls from 'node:tls';
import { serveRank, type RankTransports } from '../link/climate/serve.js';
import { Duplex, Endpoint, Startpoint } from '../link/link.js';
import { FIRST_GRANTED_CONTEXT_ID } from '../link/process.js';
import { StreamTransport } from '../link/stream.js';
import { acceptQueue, dialed } from '../link/tcp.js';
import { makeCertificate, type Certificate } from '../link/tls.js';
import { agree, derivedContext } from './agree.js';
import { rendezvousFromEnv } from './job.js';
import { rankFromEnv, rankHost } from './rank-env.js';
import { connectSocketRetrying } from './wire.js';

export const CLIMATE_VARIABLE = 'CTR_MPI_CLIMATE';
/** names the climate job's keys apart from any other job's */
export const CLIMATE_LABEL = 'ctr-v1 mpi climate';

export interface ClimateJob {
  token: string;
  /** where the driver listens: 127.0.0.1 when every rank is on this host (and the ranks listen there too), all interfaces otherwise */
  listenHost: string;
  joinTimeoutMs: number;
}

/** What a rank says of itself, in clear, before the keys are agreed: nothing secret. */
export interface ClimateHello {
  rank: number;
  size: number;
  host: string;
  pid: number;
}

/** The first link's contexts, the same on the rank and the driver: id 1 each way, AES-128-GCM. */
export function controlContexts(secret: Buffer, token: string): { toRank: ReturnType<typeof derivedContext>; toDriver: ReturnType<typeof derivedContext> } {
  return {
    toRank: derivedContext(secret, token, `${CLIMATE_LABEL}|control|to rank`, 1, 'aes-128-gcm'),
    toDriver: derivedContext(secret, token, `${CLIMATE_LABEL}|control|to driver`, 1, 'aes-128-gcm'),
  };
}

const listening = (server: net.Server, host: string) =>
  new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });

const negotiated = (s: tls.TLSSocket) => ({ tlsProtocol: s.getProtocol() ?? 'unknown', tlsCipher: s.getCipher()?.name ?? 'unknown' });

/** Links between processes, possibly on other hosts: TCP, or TLS under a certificate made once and pinned by the dialler. */
function processTransports(listenHost: string): RankTransports {
  let cert: Promise<Certificate> | undefined;
  return {
    async listen(kind) {
      if (kind === 'tcp') {
        const server = net.createServer({ noDelay: true });
        await listening(server, listenHost);
        return { listener: acceptQueue(server, 'connection', (s) => new StreamTransport('tcp', s)) };
      }
      const { keyPem, certPem } = await (cert ??= makeCertificate());
      const server = tls.createServer({ key: keyPem, cert: certPem });
      await listening(server, listenHost);
      return { listener: acceptQueue(server, 'secureConnection', (s) => new StreamTransport('tls', s, negotiated(s as tls.TLSSocket))), certPem };
    },
    async dial(plan) {
      const host = plan.host ?? '127.0.0.1';
      const port = plan.port ?? 0;
      if (plan.transport === 'tcp') return new StreamTransport('tcp', await dialed(net.connect({ host, port, noDelay: true }), 'connect', `tcp dial to ${host}:${port}`));
      if (plan.transport === 'tls' && plan.certPem) {
        // The certificate is pinned as the only CA; its name (localhost) is not the host's, and need not be.
        const socket = await dialed(tls.connect({ host, port, ca: plan.certPem, checkServerIdentity: () => undefined }), 'secureConnect', `tls dial to ${host}:${port}`);
        return new StreamTransport('tls', socket, negotiated(socket));
      }
      throw new Error(`link to ${plan.peer}: ${plan.transport === 'shm' ? 'shm rings join threads of one process; ranks under mpirun link over tcp or tls' : `a ${plan.transport} link without a port and certificate`}`);
    },
  };
}

async function main(): Promise<number> {
  const host = rankHost();
  const id = rankFromEnv();
  try {
    const text = process.env[CLIMATE_VARIABLE];
    if (!text) throw new Error(`${CLIMATE_VARIABLE} is not set: start the climate ranks with npm run scenario -- climate --launcher mpirun`);
    const job = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as ClimateJob;
    const rendezvous = rendezvousFromEnv();
    const socket = await connectSocketRetrying(rendezvous.host, rendezvous.port, performance.now() + job.joinTimeoutMs);
    const transport = new StreamTransport('tcp', socket);
    await transport.send([Buffer.from(JSON.stringify({ rank: id.rank, size: id.size, host, pid: process.pid } satisfies ClimateHello))]);
    const secret = await agree(transport, job.token, 'prover', CLIMATE_LABEL, `rank ${id.rank}`);
    const { toRank, toDriver } = controlContexts(secret, job.token);
    const endpoint = new Endpoint(FIRST_GRANTED_CONTEXT_ID);
    endpoint.register(toRank);
    const first = new Duplex(endpoint, new Startpoint(toDriver, transport));
    // across hosts, listen on the address this rank reached the driver from (the one the driver
    // names to the other ranks), not on every interface
    await serveRank(first, processTransports(job.listenHost === '127.0.0.1' ? job.listenHost : (socket.localAddress ?? job.listenHost)));
    await transport.close();
    return 0;
  } catch (err) {
    process.stderr.write(`rank ${id.rank} on ${host}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(await main());

// The `local` profile's figures, measured here: a short calibration run (a few seconds) times the
// operations the models charge for (ciphers through node:crypto and the link engine's own sealer,
// RC4+, RSA, page-cache disk I/O, loopback shm and TCP), and caches them in a git-ignored file keyed
// by machine and versions, so later runs reuse them. It runs the engines, so it is a step of the
// scenario runner, not of the simulator (which only charges the figures). Every figure's source names the measurement;
// the declared factor is 1 (this machine is the one modelled).
import { constants, createCipheriv, generateKeyPairSync, privateDecrypt, publicEncrypt, randomBytes, sign, verify } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { legacyProviderLoaded } from '../crypto/legacy.js';
import { blockIv, rc4plusXor } from '../ivcsd/rc4plus.js';
import { ContextOpener, ContextSealer, newContext, type Mechanism } from '../link/mechanism.js';
import { EchoPeer, measureLatencyUs } from '../link/pingpong.js';
import { writeFileAtomic } from '../report/atomic.js';
import { projectPath } from '../runtime/project.js';
import { median } from '../report/stats.js';
import { requireSources } from '../sim/profile.js';
import type { OperationRate, Topology, TopologyLink } from '../topology/topology.js';

export const CALIBRATION_VERSION = 1;
export const CALIBRATION_FILE = projectPath('cluster-config', 'cache', 'local-calibration.json');

export interface Calibration {
  version: number;
  machine: string;
  measuredAt: string;
  rates: Record<string, OperationRate & { how: string }>;
  disk: { readBytesPerS: number; writeBytesPerS: number; how: string };
  links: { transport: 'shm' | 'tcp'; bandwidthBytesPerS: number; latencyS: number; how: string }[];
}

/** What the cached figures are only valid for. */
export function machineKey(): string {
  return [os.hostname(), os.cpus()[0]?.model.trim() ?? '?', os.availableParallelism(), process.version, process.versions.openssl, CALIBRATION_VERSION].join(' | ');
}


/**
 * Seconds per call of `f`: the fastest of `rounds` timings of `calls` calls each. Other jobs share
 * this machine; the fastest round is the one they disturbed least (timeit's choice too).
 */
function timeS(f: () => void, calls: number, rounds = 5): number {
  for (let i = 0; i < Math.min(calls, 50); i++) f();
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) f();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e9 / calls);
  }
  return Math.min(...samples);
}

/** Calls of `bytes` each that make about 1 MiB: enough to time, short enough to stay a blink. */
const callsFor = (bytes: number) => Math.max(4, Math.min(1000, Math.round(2 ** 20 / bytes)));

/**
 * A rate from a large call and a per-call cost from a small one. The large call's own fixed cost is
 * counted as bytes (a few percent at 64 KiB): a slope through two noisy points on a shared machine
 * can come out negative, this cannot.
 */
function twoPoint(cost: (bytes: number) => number, small: number, large: number): OperationRate {
  const bytesPerS = large / cost(large);
  return { bytesPerS, perCallS: Math.max(cost(small) - small / bytesPerS, 0) };
}

/** What one end of a link pays per message of `mechanism`: half the link engine's seal + open. */
export function measureLinkMechanism(mechanism: Mechanism): OperationRate & { how: string } {
  const ctx = newContext(1, { mechanism, applyTo: 'all' });
  const sealer = new ContextSealer(ctx);
  const opener = new ContextOpener(ctx);
  const header = new Uint8Array(16);
  const roundTrip = (bytes: number) => {
    const body = randomBytes(bytes);
    return timeS(() => {
      opener.open(header, Buffer.concat(sealer.seal(header, [body])));
    }, callsFor(bytes)) / 2;
  };
  return { ...twoPoint(roundTrip, 16, 64 * 1024), how: 'the link engine\'s long-lived context sealer and opener (engine/link/mechanism.ts) on 16 B and 64 KiB messages, half a seal + open' };
}

function measureCiphers(): Calibration['rates'] {
  const rates: Calibration['rates'] = {};
  const payload = (n: number) => randomBytes(n);
  // The link engine's per-message seal + unseal, halved: what one end pays for one message.
  const linkMechanisms: Mechanism[] = ['aes-128-gcm', 'chacha20-poly1305', ...(legacyProviderLoaded() ? (['des-ecb'] as Mechanism[]) : [])];
  for (const m of linkMechanisms) rates[m] = measureLinkMechanism(m);
  // Bulk AES as the ctr engine runs it (64 KiB chunks through one cipher object).
  for (const cipher of ['aes-128-ctr', 'aes-128-gcm'] as const) {
    const key = randomBytes(16);
    const chunk = payload(64 * 1024);
    const perChunk = timeS(() => {
      const c = createCipheriv(cipher, key, cipher === 'aes-128-gcm' ? randomBytes(12) : randomBytes(16));
      for (let i = 0; i < 16; i++) c.update(chunk);
      c.final();
    }, 8) / 16;
    rates[cipher === 'aes-128-gcm' ? 'aes-128-gcm-bulk' : cipher] = { bytesPerS: chunk.length / perChunk, perCallS: 0, how: `node:crypto ${cipher}, 1 MiB in 64 KiB updates, one thread` };
  }
  // TLS here negotiates AES-256-GCM records: what the tls configuration pays per record.
  {
    const key = randomBytes(32);
    const cost = (bytes: number) => {
      const body = payload(bytes);
      return timeS(() => {
        const c = createCipheriv('aes-256-gcm', key, randomBytes(12));
        c.update(body);
        c.final();
        c.getAuthTag();
      }, callsFor(bytes));
    };
    rates['tls-record'] = { ...twoPoint(cost, 16, 64 * 1024), how: 'node:crypto aes-256-gcm (the suite TLS 1.3 negotiates here) on 16 B and 64 KiB records' };
  }
  // RC4+ on the paper's 16 KiB blocks, one key schedule a block (engine/ivcsd/rc4plus.ts).
  {
    const key = randomBytes(16);
    const cost = (bytes: number) => {
      const block = payload(bytes);
      let i = 0;
      return timeS(() => rc4plusXor(key, blockIv(i++, 0), block), callsFor(bytes));
    };
    rates.rc4plus = { ...twoPoint(cost, 16 * 1024, 64 * 1024), how: 'engine/ivcsd/rc4plus.ts on 16 KiB and 64 KiB blocks, one key schedule each' };
  }
  // RSA-2048 as getcipher uses it.
  {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const message = randomBytes(100);
    const signature = sign('sha256', message, privateKey);
    const fileKey = randomBytes(16);
    const wrapped = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, fileKey);
    const per = (f: () => void, calls: number) => ({ bytesPerS: Infinity, perCallS: timeS(f, calls) });
    rates['rsa-2048-sign'] = { ...per(() => sign('sha256', message, privateKey), 10), how: 'node:crypto RSA-2048 SHA-256 signature' };
    rates['rsa-2048-verify'] = { ...per(() => verify('sha256', message, publicKey, signature), 200), how: 'node:crypto RSA-2048 SHA-256 verification' };
    rates['rsa-oaep-encrypt'] = { ...per(() => publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, fileKey), 200), how: 'node:crypto RSA-2048 OAEP-SHA-256 encryption of a 16-byte key' };
    rates['rsa-oaep-decrypt'] = { ...per(() => privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, wrapped), 10), how: 'node:crypto RSA-2048 OAEP-SHA-256 decryption' };
  }
  return rates;
}

/** Page-cache rates, as the ctr engine sees them: its parts are written and read without fsync. */
function measureDisk(): Calibration['disk'] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `harness-calibrate-${process.pid}-`));
  try {
    const file = path.join(dir, 'probe');
    const chunk = randomBytes(256 * 1024);
    const total = 32 * 1024 * 1024;
    const writes: number[] = [];
    const reads: number[] = [];
    for (let round = 0; round < 3; round++) {
      let t0 = process.hrtime.bigint();
      const fd = fs.openSync(file, 'w', 0o600);
      for (let done = 0; done < total; done += chunk.length) fs.writeSync(fd, chunk);
      fs.closeSync(fd);
      writes.push(total / (Number(process.hrtime.bigint() - t0) / 1e9));
      t0 = process.hrtime.bigint();
      const rfd = fs.openSync(file, 'r');
      const buf = Buffer.alloc(chunk.length);
      while (fs.readSync(rfd, buf, 0, buf.length, null) > 0);
      fs.closeSync(rfd);
      reads.push(total / (Number(process.hrtime.bigint() - t0) / 1e9));
      fs.rmSync(file);
    }
    return { readBytesPerS: median(reads), writeBytesPerS: median(writes), how: `32 MiB written (256 KiB writes, no fsync) and read back in ${os.tmpdir()}: the page cache, where the ctr engine's parts live` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Loopback shm rings and TCP between two threads, unsecured: latency at 10 B, bandwidth from 256 KiB. */
export async function measureLinks(): Promise<Calibration['links']> {
  const peer = EchoPeer.thread();
  const links: Calibration['links'] = [];
  try {
    await peer.warmUp(50);
    for (const transport of ['shm', 'tcp'] as const) {
      const link = await peer.open({ name: transport, transport, mechanism: 'none' });
      const small = median(await measureLatencyUs(link, new Uint8Array(10), 50, 200)) / 1e6;
      const bigBytes = 256 * 1024;
      const big = median(await measureLatencyUs(link, randomBytes(bigBytes), 3, 15)) / 1e6;
      await link.close();
      const bandwidthBytesPerS = (bigBytes - 10) / Math.max(big - small, 1e-9);
      links.push({ transport, bandwidthBytesPerS, latencyS: Math.max(small - 10 / bandwidthBytesPerS, 1e-7), how: `the link engine's ${transport} ping-pong between two threads (engine/link/pingpong.ts), one-way medians at 10 B and 256 KiB` });
    }
  } finally {
    await peer.stop();
  }
  return links;
}

export async function measureCalibration(): Promise<Calibration> {
  const disk = measureDisk();
  const rates = measureCiphers();
  const links = await measureLinks();
  return { version: CALIBRATION_VERSION, machine: machineKey(), measuredAt: new Date().toISOString(), rates, disk, links };
}

/** The cached calibration of this machine, measuring it first when missing or made elsewhere. */
export async function localCalibration(onMeasure?: (message: string) => void): Promise<Calibration> {
  try {
    const cached = JSON.parse(fs.readFileSync(CALIBRATION_FILE, 'utf8')) as Calibration;
    if (cached.version === CALIBRATION_VERSION && cached.machine === machineKey()) return cached;
  } catch {
    // no cache yet, or an unreadable one: measure again
  }
  onMeasure?.(`calibrating the local profile (a few seconds; cached in ${path.relative(process.cwd(), CALIBRATION_FILE)})`);
  const fresh = await measureCalibration();
  fs.mkdirSync(path.dirname(CALIBRATION_FILE), { recursive: true });
  await writeFileAtomic(CALIBRATION_FILE, `${JSON.stringify(fresh, (_k, v) => (v === Infinity ? 'Infinity' : v), 2)}\n`);
  return fresh;
}

/** The detected topology with every figure the models need, each sourced from the calibration. */
export function calibratedTopology(t: Topology, cal: Calibration): Topology {
  const node = t.nodes[0];
  const where = `measured here on ${cal.measuredAt.slice(0, 10)} (${cal.machine})`;
  const sources: Record<string, string> = {
    'nodes[0].cores': `read off this machine (os.availableParallelism()): ${node.cores}`,
    'nodes[0].disk.read': `${where}: ${cal.disk.how}; factor 1`,
    'nodes[0].disk.write': `${where}: ${cal.disk.how}; factor 1`,
    networkModel: 'CM02: the calibrated link figures are end-to-end rates measured here, so no TCP correction factors apply',
  };
  const rates: Record<string, OperationRate> = {};
  for (const [op, r] of Object.entries(cal.rates)) {
    rates[op] = { bytesPerS: Number(r.bytesPerS), perCallS: r.perCallS };
    sources[`nodes[0].rates.${op}`] = `${where}: ${r.how}; factor 1`;
  }
  const links: TopologyLink[] = cal.links.map((l, i) => {
    sources[`links[${i}].bandwidth`] = `${where}: ${l.how}; factor 1`;
    sources[`links[${i}].latency`] = `${where}: ${l.how}; factor 1`;
    return { name: l.transport, nodes: [node.name], bandwidthBytesPerS: l.bandwidthBytesPerS, latencyS: l.latencyS, transport: l.transport };
  });
  return {
    ...t,
    nodes: [{ ...node, disk: { readBytesPerS: cal.disk.readBytesPerS, writeBytesPerS: cal.disk.writeBytesPerS }, rates }],
    links,
    networkModel: 'CM02',
    sources,
    unsourced: [],
  };
}

/**
 * The profile a model runs on: a declared profile as it is (every figure sourced), or for `local`
 * (`"detect": true`) this machine with the figures of its calibration run.
 */
export async function simulationProfile(t: Topology, onMeasure?: (message: string) => void): Promise<Topology> {
  if (!t.detected) {
    requireSources(t);
    return t;
  }
  return calibratedTopology(t, await localCalibration(onMeasure));
}

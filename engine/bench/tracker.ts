// `npm run bench -- tracker` (issue 24 §4): our tracker under authenticated announces against the
// stock bittorrent-tracker (the library ours builds on, no identity check) under plain ones, each
// in a process of its own, driven by the same keep-alive clients over loopback from this process.
// Rounds alternate which tracker goes first; every ratio is taken inside a round, then the median
// over rounds is printed beside its target (rate >= 0.5x the stock's, p99 <= 2x). Bounded: a round
// stops at its announce count or its time limit, whichever comes first.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Benchmark } from './benchmark.js';
import { median, quantile } from '../report/stats.js';
import { childNodeFlags, PROJECT_ROOT, siblingModulePath } from '../runtime/project.js';
import { flagHelp, HELP_FLAG, intFlag, parseArgs, type FlagSpec } from '../flags/args.js';
import { escapeBytes, TrackerSession } from '../ivcsd/tracker-client.js';
import { adminRequest, spawnTracker, tempDir, type TrackerProcess } from '../ivcsd/tracker/tracker-process.js';

const FLAGS: FlagSpec[] = [
  { name: 'clients', value: 'N', kind: 'int', description: 'keep-alive clients announcing at once (default 20, the issue\'s)' },
  { name: 'announces', value: 'N', kind: 'int', description: 'announces a tracker gets a round, over all clients (default 4000)' },
  { name: 'rounds', value: 'N', kind: 'int', description: 'timed rounds, each measuring both trackers (default 5)' },
  { name: 'round-seconds', value: 'S', kind: 'int', description: 'a tracker\'s turn in a round stops after this many seconds whatever its count (default 10)' },
  HELP_FLAG,
];

const TARGET_RATE_RATIO = 0.5;
const TARGET_P99_RATIO = 2;
const INFO_HASH = 'be'.repeat(20);

interface Turn {
  announces: number;
  errors: number;
  seconds: number;
  latenciesMs: number[];
}

/** One client's announce URLs: the first says `started`, the rest are the regular ones. */
interface ClientUrls {
  first: string;
  next: string;
}

function announceUrls(announceUrl: string, client: number, identity?: { username: string; token: string }): ClientUrls {
  const peerId = Buffer.from(`-BN0001-${String(client).padStart(12, '0')}`, 'latin1');
  const base =
    `${announceUrl}?info_hash=${escapeBytes(Buffer.from(INFO_HASH, 'hex'))}&peer_id=${escapeBytes(peerId)}&port=${20_000 + client}` +
    `&uploaded=0&downloaded=0&left=0&compact=1&numwant=50${identity ? `&${new URLSearchParams(identity).toString()}` : ''}`;
  return { first: `${base}&event=started`, next: base };
}

function get(agent: http.Agent, url: string): Promise<{ ok: boolean }> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ ok: res.statusCode === 200 && !Buffer.concat(chunks).includes('failure reason') }));
      res.on('error', () => resolve({ ok: false }));
    });
    req.setTimeout(10_000, () => req.destroy());
    req.on('error', () => resolve({ ok: false }));
  });
}

/** `clients` loops on keep-alive connections until `announces` are answered or `seconds` pass. */
async function drive(urls: ClientUrls[], announces: number, seconds: number): Promise<Turn> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: urls.length });
  const latenciesMs: number[] = [];
  let sent = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    urls.map(async (u) => {
      for (let n = 0; sent < announces && performance.now() < deadline; n++) {
        sent++;
        const t0 = performance.now();
        const { ok } = await get(agent, n === 0 ? u.first : u.next);
        latenciesMs.push(performance.now() - t0);
        if (!ok) errors++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return { announces: latenciesMs.length, errors, seconds: elapsed, latenciesMs };
}

/** The stock tracker in its own process; resolves once it listens. */
async function spawnStock(): Promise<{ announceUrl: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [...childNodeFlags(), siblingModulePath(import.meta.url, '../ivcsd/tracker/stock-serve')], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const announceUrl = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /^stock tracker: (\S+)$/m.exec(out);
      if (m) resolve(m[1]);
    });
    void exited.then(() => reject(new Error(`the stock tracker exited before listening: ${err}`)));
  });
  return {
    announceUrl,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Our tracker with `clients` peers registered (level 0, loopback), logged in, and the torrent published. */
async function setUpOurs(dataDir: string, clients: number): Promise<{ tracker: TrackerProcess; urls: ClientUrls[] }> {
  const tracker = await spawnTracker(dataDir);
  const urls: ClientUrls[] = [];
  for (let i = 0; i < clients; i++) {
    const username = `bench${i}`;
    const added = await adminRequest(tracker, 'POST', '/peer', { username, password: `${username}-pw`, ip: '127.0.0.1', authority: 0 });
    if (added.status !== 200) throw new Error(`could not add ${username}: ${added.body.toString()}`);
    const session = new TrackerSession({ baseUrl: tracker.baseUrl, username, password: `${username}-pw` });
    await session.login();
    if (i === 0) await session.publish(INFO_HASH, 'bench.bin');
    urls.push(announceUrls(`${tracker.baseUrl}/announce`, i, session.credentials));
  }
  return { tracker, urls };
}

const fmt = (x: number, digits = 1) => x.toFixed(digits);

export const trackerBenchmark: Benchmark = {
  description: 'our tracker (authenticated announces) against the stock bittorrent-tracker (plain), same keep-alive clients, loopback',
  async run(argv) {
    const { flags } = parseArgs(argv, FLAGS);
    if (flags.help) {
      process.stdout.write(
        `usage: npm run bench -- tracker [flags]\n\nOur tracker under authenticated announces against the stock bittorrent-tracker under plain ones,\neach in its own process, the same keep-alive clients from this one, over loopback; rounds alternate the order.\nTargets (issue 24 §4): rate >= ${TARGET_RATE_RATIO}x the stock's, p99 <= ${TARGET_P99_RATIO}x, 0 errors.\n\n${flagHelp(FLAGS)}\n`,
      );
      return 0;
    }
    const clients = intFlag(flags, 'clients', 20);
    const announces = intFlag(flags, 'announces', 4000);
    const rounds = intFlag(flags, 'rounds', 5);
    const seconds = intFlag(flags, 'round-seconds', 10);
    const log = (s: string) => void process.stdout.write(s);
    log(`tracker bench: ${clients} keep-alive clients, up to ${announces} announces or ${seconds} s a tracker a round, ${rounds} rounds + 1 warm-up\n`);
    log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => fmt(l, 2)).join(' ')} at the start (the load generator shares these cores)\n`);
    const base = tempDir('bench');
    const stopping: (() => Promise<unknown>)[] = [];
    try {
      const ours = await setUpOurs(path.join(base, 'data'), clients);
      stopping.push(() => ours.tracker.stop());
      const stock = await spawnStock();
      stopping.push(() => stock.stop());
      const stockUrls = Array.from({ length: clients }, (_, i) => announceUrls(stock.announceUrl, i));
      const contenders = { ours: ours.urls, stock: stockUrls };
      const rows: { round: number; ours: Turn; stock: Turn }[] = [];
      for (let round = 0; round <= rounds; round++) {
        const order = round % 2 === 0 ? (['ours', 'stock'] as const) : (['stock', 'ours'] as const);
        const turn: Partial<Record<'ours' | 'stock', Turn>> = {};
        for (const name of order) turn[name] = await drive(contenders[name], announces, seconds);
        if (round === 0) continue; // warm-up: compiled code, connections, the swarm
        rows.push({ round, ours: turn.ours!, stock: turn.stock! });
        const [o, s] = [turn.ours!, turn.stock!];
        log(
          `round ${round}: ours ${fmt(o.announces / o.seconds, 0)}/s p99 ${fmt(p99(o))} ms (${o.errors} errors) | stock ${fmt(s.announces / s.seconds, 0)}/s p99 ${fmt(p99(s))} ms (${s.errors} errors)\n`,
        );
      }
      const rateRatio = median(rows.map((r) => r.ours.announces / r.ours.seconds / (r.stock.announces / r.stock.seconds)));
      const p99Ratio = median(rows.map((r) => p99(r.ours) / p99(r.stock)));
      const errors = rows.reduce((n, r) => n + r.ours.errors + r.stock.errors, 0);
      const stat = (name: 'ours' | 'stock', f: (t: Turn) => number) => median(rows.map((r) => f(r[name])));
      log(`\n| row | ours | stock (reference, same run) | ratio | target | met |\n| --- | --- | --- | --- | --- | --- |\n`);
      log(`| announces/s | ${fmt(stat('ours', (t) => t.announces / t.seconds), 0)} | ${fmt(stat('stock', (t) => t.announces / t.seconds), 0)} | ${fmt(rateRatio, 2)}x | >= ${TARGET_RATE_RATIO}x | ${rateRatio >= TARGET_RATE_RATIO ? 'yes' : 'no'} |\n`);
      log(`| p50 ms | ${fmt(stat('ours', (t) => q(t, 0.5)), 2)} | ${fmt(stat('stock', (t) => q(t, 0.5)), 2)} | ${fmt(median(rows.map((r) => q(r.ours, 0.5) / q(r.stock, 0.5))), 2)}x | - | - |\n`);
      log(`| p99 ms | ${fmt(stat('ours', p99), 2)} | ${fmt(stat('stock', p99), 2)} | ${fmt(p99Ratio, 2)}x | <= ${TARGET_P99_RATIO}x | ${p99Ratio <= TARGET_P99_RATIO ? 'yes' : 'no'} |\n`);
      log(`| errors | ${rows.reduce((n, r) => n + r.ours.errors, 0)} | ${rows.reduce((n, r) => n + r.stock.errors, 0)} | - | 0 | ${errors === 0 ? 'yes' : 'no'} |\n`);
      log(`(medians over ${rows.length} rounds; each ratio taken inside its round; load average ${os.loadavg().map((l) => fmt(l, 2)).join(' ')} at the end)\n`);
      return 0;
    } finally {
      for (const stop of stopping.reverse()) await stop().catch((err: Error) => process.stderr.write(`tracker bench: stopping a contender failed: ${err.message}\n`));
      fs.rmSync(base, { recursive: true, force: true });
    }
  },
};

function q(t: Turn, at: number): number {
  return quantile([...t.latenciesMs].sort((a, b) => a - b), at);
}

const p99 = (t: Turn) => q(t, 0.99);

// The parent side of a peer process: forks process.ts with the flags a child needs (the legacy
// OpenSSL provider, and from source the TypeScript loader, are per process), and turns its messages
// into promises.
import { fork, spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { childNodeFlags, PROJECT_ROOT, siblingModulePath } from '../../runtime/project.js';
import type { DownloadReport, PeerAddress } from './download.js';
import type { FromPeer, PeerConfig, PeerStats, ToPeer } from './messages.js';
import type { HeldPiece } from './stores.js';

const ENTRY = siblingModulePath(import.meta.url, './process');

/** Starting a peer (Node, the TypeScript loader, login, announce) should take seconds, not this. */
const START_TIMEOUT_MS = 60_000;
const QUERY_TIMEOUT_MS = 30_000;

type Reply<T extends FromPeer['type']> = Extract<FromPeer, { type: T }>;

interface Waiter {
  type: FromPeer['type'];
  resolve: (msg: FromPeer) => void;
  reject: (err: Error) => void;
}

export class PeerProcess {
  private readonly waiters: Waiter[] = [];
  /** messages that came before anyone waited for them (a fast download's `downloaded`) */
  private readonly inbox: FromPeer[] = [];
  private exitError: Error | undefined;
  private readonly exited: Promise<void>;
  /** the port it listens on (127.0.0.1, or its emulated host's address) */
  port = 0;
  peerIdHex = '';
  /** the peers it got from the tracker (or was given) */
  peers: PeerAddress[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly label: string,
  ) {
    child.on('message', (msg: FromPeer) => this.dispatch(msg));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitError ??= new Error(`peer ${label} exited (${signal ?? `code ${code}`})`);
        for (const w of this.waiters.splice(0)) w.reject(this.exitError);
        resolve();
      }),
    );
  }

  /**
   * Starts a peer and waits until it listens and has announced; with `namespace`, on that emulated
   * host (`ip netns exec` runs node itself, so the IPC pipe reaches it as with fork).
   */
  static async start(label: string, config: PeerConfig, where: { namespace?: string } = {}): Promise<PeerProcess> {
    const options = { cwd: PROJECT_ROOT, serialization: 'advanced' as const, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] as StdioOptions };
    const child = where.namespace
      ? spawn('ip', ['netns', 'exec', where.namespace, process.execPath, ...childNodeFlags(), ENTRY], options)
      : fork(ENTRY, [], { ...options, execArgv: childNodeFlags() });
    const peer = new PeerProcess(child, label);
    const ready = peer.next('ready', START_TIMEOUT_MS);
    child.send({ type: 'start', config } satisfies ToPeer);
    try {
      const msg = await ready;
      peer.port = msg.port;
      peer.peerIdHex = msg.peerIdHex;
      peer.peers = msg.peers;
      return peer;
    } catch (err) {
      await peer.stop();
      throw err;
    }
  }

  /** Resolves when the peer has every piece (a leecher: verified and renamed into place). */
  async downloaded(timeoutMs: number): Promise<{ report: DownloadReport; cpuMs: number; sessionMs: number }> {
    const { report, cpuMs, sessionMs } = await this.next('downloaded', timeoutMs);
    return { report, cpuMs, sessionMs };
  }

  /** Announces `stopped` to the tracker, so later announces no longer list this peer. */
  async leave(): Promise<void> {
    await this.ask({ type: 'leave' }, 'left');
  }

  async stats(): Promise<PeerStats> {
    return this.ask({ type: 'stats' }, 'stats').then((m) => m.stats);
  }

  /** Everything an intermediary holds in memory (empty for other roles). */
  async held(): Promise<HeldPiece[]> {
    return this.ask({ type: 'inspect' }, 'held').then((m) => m.pieces);
  }

  /** Kills the process for real (no goodbye to its peers) and waits until it is gone. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  private ask<T extends FromPeer['type']>(msg: ToPeer, reply: T): Promise<Reply<T>> {
    const answer = this.next(reply, QUERY_TIMEOUT_MS);
    // a peer that is gone cannot be asked; its exit rejects the waiter with the reason
    if (this.child.connected) this.child.send(msg);
    return answer;
  }

  private next<T extends FromPeer['type']>(type: T, timeoutMs: number): Promise<Reply<T>> {
    const queued = this.inbox.findIndex((m) => m.type === type);
    if (queued >= 0) return Promise.resolve(this.inbox.splice(queued, 1)[0] as Reply<T>);
    if (this.exitError) return Promise.reject(this.exitError);
    return new Promise<Reply<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(new Error(`peer ${this.label}: no "${type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        type,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Reply<T>);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.push(waiter);
    });
  }

  private dispatch(msg: FromPeer): void {
    if (msg.type === 'failed') {
      const err = new Error(`peer ${this.label}: ${msg.error}`);
      for (const w of this.waiters.splice(0)) w.reject(err);
      this.exitError = err;
      return;
    }
    const at = this.waiters.findIndex((w) => w.type === msg.type);
    if (at >= 0) this.waiters.splice(at, 1)[0].resolve(msg);
    else this.inbox.push(msg);
  }
}

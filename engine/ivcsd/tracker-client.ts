// The peer's side of the IVCSD tracker protocol (engine/ivcsd/tracker/protocol.ts): fetch the
// salt, derive the SCRAM keys from the password (neither the password nor the keys are sent),
// log in with a proof for a token and check the tracker's proof in return, then publish, announce
// and getcipher with that identity attached. A refusal becomes an Error carrying the tracker's
// `failure reason`.
import { constants, generateKeyPair, privateDecrypt, randomBytes, sign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import bencode from 'bencode';
import { checkSalt, checkScryptParams, clientKeyOf, deriveScrypt, sameBytes, serverKeyOf } from './tracker/password.js';
import { clientProof, getcipherIdentityString, getcipherMessage, loginMessage, OAEP_HASH, serverProof, SIGNATURE_HASH } from './tracker/protocol.js';

interface TrackerSessionOptions {
  baseUrl: string;
  username: string;
  password: string;
  /** RSA modulus of the key pair made for getcipher; 2048 unless given */
  rsaBits?: number;
}

interface AnnouncedPeer {
  ip: string;
  port: number;
}

/** A refusal from the tracker: `failureReason` is its text, verbatim. */
export class TrackerRefusal extends Error {
  constructor(
    readonly route: string,
    readonly failureReason: string,
  ) {
    super(`tracker refused ${route}: ${failureReason}`);
  }
}

const REQUEST_TIMEOUT_MS = 15_000;
const asText = (v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v));

/** BitTorrent's query escaping of raw bytes (info_hash, peer_id): every byte as %XX. */
export function escapeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += `%${b.toString(16).padStart(2, '0')}`;
  return out;
}

function getBencoded(url: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          const v = bencode.decode(Buffer.concat(chunks));
          if (!v || typeof v !== 'object' || v instanceof Uint8Array) throw new Error('not a dictionary');
          resolve(v as Record<string, unknown>);
        } catch (err) {
          reject(new Error(`tracker answer to ${url.split('?')[0]} (HTTP ${res.statusCode}) is not bencoded: ${(err as Error).message}`));
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`tracker did not answer ${url.split('?')[0]} within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
  });
}

/** Compact (6 bytes a peer) or dictionary peer lists, as BEP 3 and BEP 23 allow. */
function parsePeers(peers: unknown): AnnouncedPeer[] {
  if (peers instanceof Uint8Array) {
    const out: AnnouncedPeer[] = [];
    for (let i = 0; i + 6 <= peers.length; i += 6) {
      out.push({ ip: `${peers[i]}.${peers[i + 1]}.${peers[i + 2]}.${peers[i + 3]}`, port: (peers[i + 4] << 8) | peers[i + 5] });
    }
    return out;
  }
  if (Array.isArray(peers)) return peers.map((p: Record<string, unknown>) => ({ ip: asText(p.ip), port: Number(p.port) }));
  return [];
}

export type AnnounceEvent = 'started' | 'completed' | 'stopped' | '';

/** BitTorrent's announce query (BEP 3; compact answers, BEP 23). `peerId`: 40 hex or 20 raw characters. */
function announceQuery(infoHashHex: string, peerId: string, port: number, event: AnnounceEvent, left: number): string {
  const peerIdBytes = Buffer.from(peerId, peerId.length === 40 && /^[0-9a-f]+$/i.test(peerId) ? 'hex' : 'latin1');
  return (
    `info_hash=${escapeBytes(Buffer.from(infoHashHex, 'hex'))}&peer_id=${escapeBytes(peerIdBytes)}` +
    `&port=${port}&uploaded=0&downloaded=0&left=${left}&compact=1&numwant=50` +
    (event ? `&event=${event}` : '')
  );
}

function throwIfRefused(route: string, answer: Record<string, unknown>): void {
  if (answer['failure reason'] !== undefined) throw new TrackerRefusal(route, asText(answer['failure reason']));
}

/**
 * Original BitTorrent's announce: no identity, as any client sends it. The peers the tracker
 * lists, the asking one included when the tracker lists it (bittorrent-tracker does).
 */
export async function announcePlain(announceUrl: string, infoHashHex: string, peerId: string, port: number, event: AnnounceEvent = 'started', left = 0): Promise<AnnouncedPeer[]> {
  const answer = await getBencoded(`${announceUrl}?${announceQuery(infoHashHex, peerId, port, event, left)}`);
  throwIfRefused('/announce', answer);
  return parsePeers(answer.peers);
}

/** An announce carrying an identity (username and token), from wherever this process is. */
export async function announceAs(
  baseUrl: string,
  identity: { username: string; token: string },
  infoHashHex: string,
  peerId: string,
  port: number,
  event: AnnounceEvent = 'started',
  left = 0,
): Promise<AnnouncedPeer[]> {
  const query = `${announceQuery(infoHashHex, peerId, port, event, left)}&${new URLSearchParams(identity).toString()}`;
  const answer = await getBencoded(`${baseUrl.replace(/\/$/, '')}/announce?${query}`);
  throwIfRefused('/announce', answer);
  return parsePeers(answer.peers);
}

export class TrackerSession {
  readonly baseUrl: string;
  readonly username: string;
  private readonly password: string;
  private readonly rsaBits: number;
  /** SCRAM's ClientKey, derived from the password at login */
  private clientKey?: Uint8Array;
  /** the address the tracker sees for this peer (from /salt) */
  private ip?: string;
  private token?: string;
  private keyPair?: { publicKeyDer: Buffer; privateKey: KeyObject };

  constructor(opts: TrackerSessionOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/$/, '');
    this.username = opts.username;
    this.password = opts.password;
    this.rsaBits = opts.rsaBits ?? 2048;
  }

  /** The IP the tracker saw at login. */
  get observedIp(): string | undefined {
    return this.ip;
  }

  /**
   * Salt, then scrypt, then a login proof over a fresh timestamp and nonce; checks the tracker's
   * proof that it holds this user's verifier, and keeps the token.
   */
  async login(): Promise<void> {
    const s = await this.call('/salt', { username: this.username });
    this.ip = asText(s['your ip']);
    // the tracker names the cost; a fake one could name one that exhausts this peer
    const params = { logN: Number(s.ln), r: Number(s.r), p: Number(s.p) };
    const where = `tracker ${this.baseUrl} /salt for "${this.username}" (refusing to log in)`;
    checkScryptParams(params, where);
    checkSalt(s.salt, where);
    const saltedPassword = await deriveScrypt(this.password, s.salt, params);
    const clientKey = clientKeyOf(saltedPassword);
    const tsMs = Date.now();
    const nonce = randomBytes(16).toString('hex');
    const message = loginMessage(this.username, this.ip, tsMs, nonce);
    const answer = await this.call('/login', { username: this.username, ts: String(tsMs), nonce, proof: clientProof(clientKey, message) });
    const expected = Buffer.from(serverProof(serverKeyOf(saltedPassword), message));
    const given = answer['server proof'];
    if (!(given instanceof Uint8Array) || !sameBytes(Buffer.from(given), expected)) {
      throw new Error(`tracker ${this.baseUrl} did not prove it holds the verifier of "${this.username}": not the tracker it claims to be`);
    }
    this.clientKey = clientKey;
    this.token = asText(answer.token);
  }

  async publish(infoHashHex: string, name: string): Promise<void> {
    await this.call('/publish', { ...this.identity(), info_hash: infoHashHex, name });
  }

  /**
   * Announces; the other peers the tracker lists (none when this peer's authority is too low).
   * bittorrent-tracker's HTTP answer includes the asking peer itself, which is dropped here.
   */
  async announce(infoHashHex: string, peerId: string, port: number, event: AnnounceEvent = 'started', left = 0): Promise<AnnouncedPeer[]> {
    const peers = await announceAs(this.baseUrl, this.identity(), infoHashHex, peerId, port, event, left);
    return peers.filter((p) => !(p.ip === this.ip && p.port === port));
  }

  /** Makes (once) an RSA key pair, signs the identity string and decrypts the OAEP answer. */
  async getCipher(infoHashHex: string): Promise<Uint8Array> {
    return this.decryptKey(await this.call('/getcipher', await this.getcipherParams(infoHashHex)));
  }

  /** The file key inside a /getcipher answer, decrypted with this session's private key. */
  async decryptKey(answer: Record<string, unknown>): Promise<Uint8Array> {
    const encrypted = answer['encrypted key'];
    if (!(encrypted instanceof Uint8Array)) throw new Error('tracker answer to /getcipher has no "encrypted key"');
    const { privateKey } = await this.rsaKeyPair();
    return new Uint8Array(privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: OAEP_HASH }, encrypted));
  }

  /** Sends a GET with these parameters as they are (tests use it to send forged or replayed requests). */
  async call(route: string, params: Record<string, string>): Promise<Record<string, unknown>> {
    const answer = await getBencoded(`${this.baseUrl}${route}?${new URLSearchParams(params).toString()}`);
    throwIfRefused(route, answer);
    return answer;
  }

  /** The signed parameters getCipher sends, without sending them (tests replay and forge them). */
  async getcipherParams(infoHashHex: string): Promise<Record<string, string>> {
    const { publicKeyDer, privateKey } = await this.rsaKeyPair();
    const { clientKey } = this.loggedIn();
    const tsMs = Date.now();
    const nonce = randomBytes(16).toString('hex');
    const proof = clientProof(clientKey, getcipherMessage(this.username, this.ip!, infoHashHex, tsMs, nonce, publicKeyDer));
    const signed = getcipherIdentityString(this.username, clientKey, this.ip!, infoHashHex, tsMs, nonce);
    const signature = sign(SIGNATURE_HASH, Buffer.from(signed), privateKey).toString('base64');
    return { ...this.identity(), info_hash: infoHashHex, ts: String(tsMs), nonce, pubkey: publicKeyDer.toString('base64'), proof, signature };
  }

  private async rsaKeyPair(): Promise<{ publicKeyDer: Buffer; privateKey: KeyObject }> {
    if (!this.keyPair) {
      const { publicKey, privateKey } = await new Promise<{ publicKey: KeyObject; privateKey: KeyObject }>((resolve, reject) =>
        generateKeyPair('rsa', { modulusLength: this.rsaBits }, (err, publicKey, privateKey) => (err ? reject(err) : resolve({ publicKey, privateKey }))),
      );
      this.keyPair = { publicKeyDer: publicKey.export({ format: 'der', type: 'spki' }), privateKey };
    }
    return this.keyPair;
  }

  private loggedIn(): { token: string; clientKey: Uint8Array } {
    if (!this.token || !this.clientKey) throw new Error(`TrackerSession for "${this.username}": call login() first`);
    return { token: this.token, clientKey: this.clientKey };
  }

  /** The username and token every request carries: what a stolen token hands another host (tests and the emulated identity check use it). */
  get credentials(): { username: string; token: string } {
    return this.identity();
  }

  private identity(): { username: string; token: string } {
    return { username: this.username, token: this.loggedIn().token };
  }
}

// What a peer record may hold, checked the same way whichever path it comes in by (add-peer from
// the CLI or the admin interface, an authority.xml import, the store itself): a name that can
// travel in a query string and a log line unchanged, and an address the tracker can compare with
// the one a request comes from.
import net from 'node:net';
import { USERNAME_RE } from './protocol.js';
import type { PeerRole } from './store.js';

interface PeerFields {
  username: string;
  ip: string;
  role: string;
}

/** The role, once the username, IP and role are known to be well formed; throws naming `where` and the field. */
export function checkPeerFields(p: PeerFields, where: string): PeerRole {
  if (!USERNAME_RE.test(p.username)) throw new Error(`${where}: username "${p.username.slice(0, 80)}" must be 1-64 characters of A-Z a-z 0-9 _ . -`);
  const of = `of ${p.username}`;
  if (net.isIP(p.ip) === 0) throw new Error(`${where}: ip "${p.ip.slice(0, 80)}" ${of} is not an IPv4 or IPv6 address`);
  // the tracker sees an IPv4 peer on a dual-stack socket as ::ffff:a.b.c.d and compares a.b.c.d
  if (/^::ffff:\d/i.test(p.ip)) throw new Error(`${where}: ip "${p.ip}" ${of} is an IPv4 address written as IPv6: write it as ${p.ip.slice(7)}`);
  if (p.role !== 'peer' && p.role !== 'intermediary') throw new Error(`${where}: role ${of} must be peer or intermediary, got "${p.role.slice(0, 80)}"`);
  return p.role;
}

/** A password longer than this is refused (scrypt would take it, but no one types it). */
export const MAX_PASSWORD_BYTES = 1024;

export function checkPassword(password: string, where: string): void {
  if (password.length === 0) throw new Error(`${where}: the password is empty`);
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) throw new Error(`${where}: the password is longer than ${MAX_PASSWORD_BYTES} bytes`);
}

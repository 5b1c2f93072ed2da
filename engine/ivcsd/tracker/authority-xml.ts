// The paper's authority.xml (its Fig. 3):
//   <peerAuthority><peer><ip/><username/><psw_hash/><authority/><updated/></peer>...</peerAuthority>
// psw_hash holds our password verifier string (password.ts; the older `scrypt$...` hash is read and
// turned into one); an optional <role>intermediary</role> marks a peer that is admitted but never
// given keys (absent for ordinary peers, so the paper's layout stays valid).
// The format is this flat, so a strict reader of exactly these elements is safer than a general
// XML parser: anything else is an error naming the file and the element.
import { htmlText } from '../../report/escape.js';
import { formatVerifier, parseVerifier } from './password.js';
import { checkPeerFields } from './peer-fields.js';
import { checkLevel, type PeerEntry } from './store.js';

const FIELDS = ['ip', 'username', 'psw_hash', 'authority', 'updated'] as const;

/** The largest authority.xml read (from a file or the admin interface): some 10 000 peers. */
export const MAX_AUTHORITY_XML_BYTES = 4 * 1024 * 1024;

// element text is written by the report's one escaper; the reader undoes exactly what it writes (`&amp;` last)
const unescapeXml = (s: string) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

export function authorityToXml(peers: PeerEntry[]): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<peerAuthority>'];
  for (const p of peers) {
    lines.push('   <peer>');
    lines.push(`      <ip>${htmlText(p.ip)}</ip>`);
    lines.push(`      <username>${htmlText(p.username)}</username>`);
    lines.push(`      <psw_hash>${htmlText(formatVerifier(p.password))}</psw_hash>`);
    lines.push(`      <authority>${p.authority}</authority>`);
    lines.push(`      <updated>${p.updatedMs}</updated>`);
    if (p.role === 'intermediary') lines.push('      <role>intermediary</role>');
    lines.push('   </peer>');
  }
  lines.push('</peerAuthority>', '');
  return lines.join('\n');
}

/**
 * `text` without its comments. One pass with indexOf: a lazy regex rescans the rest of the text
 * from every unclosed `<!--`, quadratic in a hostile file.
 */
function withoutComments(text: string, file: string): string {
  const parts: string[] = [];
  for (let at = 0; ; ) {
    const open = text.indexOf('<!--', at);
    if (open < 0) return parts.join('') + text.slice(at);
    const close = text.indexOf('-->', open + 4);
    if (close < 0) throw new Error(`${file}: the comment opened at character ${open} is never closed`);
    parts.push(text.slice(at, open));
    at = close + 3;
  }
}

/** The text of each `<peer>...</peer>` in `inner`, in one pass; anything between them is an error. */
function peerBodies(inner: string, file: string): string[] {
  const bodies: string[] = [];
  for (let at = 0; ; ) {
    const open = inner.indexOf('<peer>', at);
    const between = inner.slice(at, open < 0 ? undefined : open).trim();
    if (between !== '') throw new Error(`${file}: unexpected content inside <peerAuthority>: "${between.slice(0, 60)}"`);
    if (open < 0) return bodies;
    const close = inner.indexOf('</peer>', open + 6);
    if (close < 0) throw new Error(`${file}: peer #${bodies.length + 1} is never closed (<peer> without </peer>)`);
    bodies.push(inner.slice(open + 6, close));
    at = close + 7;
  }
}

/** Reads authority.xml text; `file` names the source in every error. Linear in the text's length. */
export function authorityFromXml(text: string, file: string): PeerEntry[] {
  const body = withoutComments(text.replace(/^\s*<\?xml[^>]*\?>/, ''), file).trim();
  const root = /^<peerAuthority>([\s\S]*)<\/peerAuthority>$/.exec(body);
  if (!root) throw new Error(`${file}: the root element must be <peerAuthority>`);
  const peers = peerBodies(root[1], file).map((inner, i) => readPeer(inner, `${file}: peer #${i + 1}`));
  const seen = new Set<string>();
  for (const p of peers) {
    if (seen.has(p.username)) throw new Error(`${file}: username "${p.username}" appears twice`);
    seen.add(p.username);
  }
  return peers;
}

function readPeer(inner: string, where: string): PeerEntry {
  const values = new Map<string, string>();
  const rest = inner.replace(/<([a-z_]+)>([^<]*)<\/\1>/g, (_whole, tag: string, value: string) => {
    if (values.has(tag)) throw new Error(`${where}: <${tag}> appears twice`);
    values.set(tag, unescapeXml(value.trim()));
    return '';
  });
  if (rest.trim() !== '') throw new Error(`${where}: unexpected content "${rest.trim().slice(0, 60)}"`);
  for (const tag of values.keys()) {
    if (!(FIELDS as readonly string[]).includes(tag) && tag !== 'role') throw new Error(`${where}: unknown element <${tag}>`);
  }
  for (const f of FIELDS) if (!values.has(f)) throw new Error(`${where}: <${f}> is missing`);
  const username = values.get('username')!;
  const at = `${where} (${username})`;
  const authority = Number(values.get('authority'));
  checkLevel(authority, `${at} <authority>`);
  const updatedMs = Number(values.get('updated'));
  if (!Number.isInteger(updatedMs) || updatedMs < 0) throw new Error(`${at} <updated> must be milliseconds since 1970, got "${values.get('updated')}"`);
  const ip = values.get('ip')!;
  const role = checkPeerFields({ username, ip, role: values.get('role') ?? 'peer' }, where);
  return {
    username,
    ip,
    password: parseVerifier(values.get('psw_hash')!, `${at} <psw_hash>`),
    authority,
    role,
    updatedMs,
  };
}

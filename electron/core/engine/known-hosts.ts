// The desktop user's known_hosts, read the way OpenSSH reads it: a remote engine's host key is trusted only
// when one of these lines names the host with that very key. Pure: the caller reads the files and shows
// the verdict (engine/ssh-remote.ts). Understood: comma lists of patterns with `*`, `?` and `!`, hashed
// names (`|1|salt|hash`, HashKnownHosts), `[host]:port` for ports other than 22, and the `@revoked`
// marker; `@cert-authority` lines are skipped (host certificates are not supported, so they vouch for
// nothing here), and so is any line that does not parse.
import { createHash, createHmac } from 'node:crypto';

export interface KnownHostLine {
  /** 1-based line number in its file, for messages. */
  line: number;
  marker: 'revoked' | 'cert-authority' | null;
  /** The patterns as written (a hashed entry is one pattern starting with `|1|`). */
  patterns: string[];
  keyType: string;
  /** The key blob, base64 as in the file. */
  key: string;
}

export type HostKeyVerdict =
  | { kind: 'known'; line: number }
  /** No line names this host. */
  | { kind: 'unknown' }
  /** Lines name this host with another key of the same type: the key changed (or someone is in between). */
  | { kind: 'changed'; lines: number[] }
  /** The host is known only with keys of other types than the one it showed. */
  | { kind: 'other-types'; types: string[]; lines: number[] }
  /** This very key is marked @revoked. */
  | { kind: 'revoked'; line: number };

export function parseKnownHosts(text: string): KnownHostLine[] {
  const out: KnownHostLine[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const fields = raw.trim().split(/\s+/);
    if (!fields[0] || fields[0].startsWith('#')) return;
    let marker: KnownHostLine['marker'] = null;
    if (fields[0].startsWith('@')) {
      const m = fields.shift();
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else return;
    }
    const [hosts, keyType, key] = fields;
    if (!hosts || !keyType || !key || !/^[A-Za-z0-9+/]+={0,2}$/.test(key)) return;
    out.push({ line: i + 1, marker, patterns: hosts.split(','), keyType, key });
  });
  return out;
}

/** The name known_hosts uses for a host: the host itself on port 22, `[host]:port` on any other. */
export function knownHostsName(host: string, port: number): string {
  const name = host.toLowerCase();
  return port === 22 ? name : `[${name}]:${port}`;
}

/** OpenSSH's match_pattern: `*` any run, `?` one character, case-insensitive (host names). */
function globMatches(pattern: string, name: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(name);
}

function hashedMatches(entry: string, name: string): boolean {
  const parts = entry.split('|'); // ['', '1', salt, hash]
  if (parts.length !== 4 || parts[1] !== '1' || !parts[2] || !parts[3]) return false;
  const salt = Buffer.from(parts[2], 'base64');
  const want = Buffer.from(parts[3], 'base64');
  const got = createHmac('sha1', salt).update(name).digest();
  return want.length === got.length && want.equals(got);
}

/** Does this line's host field name `name`? A matching negated pattern (`!pat`) rules the line out. */
export function lineNamesHost(patterns: string[], name: string): boolean {
  let matched = false;
  for (const p of patterns) {
    if (p.startsWith('|')) {
      if (hashedMatches(p, name)) matched = true;
    } else if (p.startsWith('!')) {
      if (globMatches(p.slice(1), name)) return false;
    } else if (globMatches(p, name)) matched = true;
  }
  return matched;
}

/** The key type inside an ssh public key blob (its first string), or null when the blob is not one. */
export function keyTypeOf(blob: Buffer): string | null {
  if (blob.length < 4) return null;
  const len = blob.readUInt32BE(0);
  if (len < 1 || len > 64 || blob.length < 4 + len) return null;
  const type = blob.subarray(4, 4 + len).toString('latin1');
  return /^[a-z0-9@.-]+$/.test(type) ? type : null;
}

/** How ssh shows a key: SHA256:<base64 of the blob's SHA-256, without padding>. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** ED25519, RSA, ECDSA, as ssh names a key in its messages. */
export function keyKind(type: string): string {
  if (type === 'ssh-ed25519') return 'ED25519';
  if (type === 'ssh-rsa') return 'RSA';
  if (type.startsWith('ecdsa-')) return 'ECDSA';
  return type;
}

/** What the lines say about `host:port` showing `blob` (the raw host key the server sent). */
export function checkHostKey(lines: KnownHostLine[], host: string, port: number, blob: Buffer): HostKeyVerdict {
  const name = knownHostsName(host, port);
  const type = keyTypeOf(blob);
  const shown = blob.toString('base64');
  const naming = lines.filter((l) => l.marker !== 'cert-authority' && lineNamesHost(l.patterns, name));
  // A revoked key is refused wherever it appears, even without a host that names it (as OpenSSH does).
  const revoked = lines.find((l) => l.marker === 'revoked' && l.key === shown);
  if (revoked) return { kind: 'revoked', line: revoked.line };
  const plain = naming.filter((l) => l.marker === null);
  const same = plain.find((l) => l.key === shown && l.keyType === type);
  if (same) return { kind: 'known', line: same.line };
  const sameType = plain.filter((l) => l.keyType === type);
  if (sameType.length) return { kind: 'changed', lines: sameType.map((l) => l.line) };
  if (plain.length) return { kind: 'other-types', types: [...new Set(plain.map((l) => l.keyType))], lines: plain.map((l) => l.line) };
  return { kind: 'unknown' };
}

/** The key types the lines know for this host, so the client can ask the server for one of them first. */
export function knownKeyTypes(lines: KnownHostLine[], host: string, port: number): string[] {
  const name = knownHostsName(host, port);
  return [...new Set(lines.filter((l) => l.marker === null && lineNamesHost(l.patterns, name)).map((l) => l.keyType))];
}

/** The line that trusts this key for this host (what `ssh` adds when the user answers yes, unhashed). */
export function knownHostsLine(host: string, port: number, blob: Buffer): string {
  return `${knownHostsName(host, port)} ${keyTypeOf(blob) ?? 'unknown'} ${blob.toString('base64')}`;
}

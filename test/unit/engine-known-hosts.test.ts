// known_hosts as OpenSSH reads it (engine/known-hosts.ts), on lines and keys made here: plain and hashed
// names, [host]:port, patterns with * ? and !, markers, and what a refusal is built from.
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkHostKey,
  fingerprint,
  keyTypeOf,
  knownHostsLine,
  knownHostsName,
  knownKeyTypes,
  lineNamesHost,
  parseKnownHosts,
} from '../../electron/core/engine/known-hosts';
import { hostKeyOrder, hostKeyRefusal } from '../../electron/core/engine/ssh-remote';

/** An ssh public key blob of this type (random body: only the bytes matter here). */
function blob(type: string): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  return Buffer.concat([len, t, randomBytes(36)]);
}

/** A HashKnownHosts entry for this name, as ssh-keygen -H writes it. */
function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

const ed = blob('ssh-ed25519');
const rsa = blob('ssh-rsa');

describe('known_hosts', () => {
  it('names a host on port 22 by itself and on any other port as [host]:port, lower-case', () => {
    expect(knownHostsName('Lab.Example.EDU', 22)).toBe('lab.example.edu');
    expect(knownHostsName('10.0.0.5', 2222)).toBe('[10.0.0.5]:2222');
    expect(knownHostsName('::1', 2222)).toBe('[::1]:2222');
  });

  it('knows a host with its key, plain or hashed, and only on its own port', () => {
    const plain = parseKnownHosts(`# comment\n\nlab,10.0.0.5 ssh-ed25519 ${ed.toString('base64')} admin@lab\n`);
    expect(checkHostKey(plain, 'lab', 22, ed)).toEqual({ kind: 'known', line: 3 });
    expect(checkHostKey(plain, '10.0.0.5', 22, ed)).toEqual({ kind: 'known', line: 3 });
    expect(checkHostKey(plain, 'lab', 2222, ed)).toEqual({ kind: 'unknown' });
    const ported = parseKnownHosts(`${hashed('[127.0.0.1]:2222')} ssh-ed25519 ${ed.toString('base64')}\n`);
    expect(checkHostKey(ported, '127.0.0.1', 2222, ed)).toEqual({ kind: 'known', line: 1 });
    expect(checkHostKey(ported, '127.0.0.1', 22, ed)).toEqual({ kind: 'unknown' });
    expect(checkHostKey(ported, '127.0.0.2', 2222, ed)).toEqual({ kind: 'unknown' });
  });

  it('calls a different key of the same type a change, and keys of other types only another type', () => {
    const lines = parseKnownHosts(`[lab]:2222 ssh-ed25519 ${blob('ssh-ed25519').toString('base64')}\nx ssh-rsa ${rsa.toString('base64')}\n`);
    expect(checkHostKey(lines, 'lab', 2222, ed)).toEqual({ kind: 'changed', lines: [1] });
    expect(checkHostKey(lines, 'lab', 2222, rsa)).toEqual({ kind: 'other-types', types: ['ssh-ed25519'], lines: [1] });
    expect(knownKeyTypes(lines, 'lab', 2222)).toEqual(['ssh-ed25519']);
  });

  it('matches patterns with * and ?, and a matching !pattern rules the line out', () => {
    expect(lineNamesHost(['*.example.edu'], 'lab.example.edu')).toBe(true);
    expect(lineNamesHost(['lab?.example.edu'], 'lab1.example.edu')).toBe(true);
    expect(lineNamesHost(['lab?.example.edu'], 'lab12.example.edu')).toBe(false);
    expect(lineNamesHost(['*.example.edu', '!evil.example.edu'], 'evil.example.edu')).toBe(false);
    expect(lineNamesHost(['[*.example.edu]:2222'], '[lab.example.edu]:2222')).toBe(true);
    // Dots are dots, not "any character".
    expect(lineNamesHost(['lab.example.edu'], 'labxexample.edu')).toBe(false);
  });

  it('refuses a revoked key wherever it is listed, and skips @cert-authority and broken lines', () => {
    const lines = parseKnownHosts(
      [
        `lab ssh-ed25519 ${ed.toString('base64')}`,
        `@revoked * ssh-ed25519 ${ed.toString('base64')}`,
        `@cert-authority lab ssh-rsa ${rsa.toString('base64')}`,
        'lab ssh-rsa',
        'lab ssh-rsa not*base64',
      ].join('\n'),
    );
    expect(lines).toHaveLength(3);
    expect(checkHostKey(lines, 'lab', 22, ed)).toEqual({ kind: 'revoked', line: 2 });
    expect(checkHostKey(lines, 'lab', 22, rsa)).toEqual({ kind: 'other-types', types: ['ssh-ed25519'], lines: [1] });
  });

  it('reads the key type from the blob and shows fingerprints as ssh does', () => {
    expect(keyTypeOf(ed)).toBe('ssh-ed25519');
    expect(keyTypeOf(Buffer.from([0, 0, 0, 99, 1]))).toBeNull();
    // ssh-keygen -l prints SHA256: and the unpadded base64 of the blob's SHA-256.
    expect(fingerprint(Buffer.from('abc'))).toBe('SHA256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0');
    expect(knownHostsLine('10.0.0.5', 2222, ed)).toBe(`[10.0.0.5]:2222 ssh-ed25519 ${ed.toString('base64')}`);
  });
});

describe('what a refused host key says', () => {
  const target = { user: 'ana', host: 'lab', port: 2222 };
  it('an unknown key: its fingerprint, and how to trust it after checking', () => {
    const r = hostKeyRefusal([], target, 'ana', ed)!;
    expect(r.message).toBe(
      `The host key of [lab]:2222 is not known to this computer (it showed an ED25519 key ${fingerprint(ed)}), so ClassLab did not connect.`,
    );
    expect(r.hint).toContain('`ssh -p 2222 ana@lab`');
  });
  it('a changed key: loud, with the line, and how to replace it only after asking', () => {
    const lines = parseKnownHosts(`[lab]:2222 ssh-ed25519 ${blob('ssh-ed25519').toString('base64')}`);
    const r = hostKeyRefusal(lines, target, 'ana', ed)!;
    expect(r.message).toMatch(/^WARNING: THE HOST KEY OF \[lab\]:2222 HAS CHANGED\..*~\/\.ssh\/known_hosts line 1/);
    expect(r.hint).toContain("ssh-keygen -R '[lab]:2222'");
  });
  it('a known key: nothing to say', () => {
    expect(hostKeyRefusal(parseKnownHosts(`[lab]:2222 ssh-ed25519 ${ed.toString('base64')}`), target, 'ana', ed)).toBeNull();
  });
  it('asks the server for a known key type first', () => {
    expect(hostKeyOrder(['ssh-rsa']).slice(0, 3)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(hostKeyOrder([])[0]).toBe('ssh-ed25519');
  });
});

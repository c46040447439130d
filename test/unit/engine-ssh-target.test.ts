// DOCKER_HOST=ssh://… as ClassLab reads it (engine/discovery.ts): user, host, IPv6 in brackets, port,
// and everything else refused rather than guessed (nothing here may become an ssh option).
import { describe, expect, it } from 'vitest';
import { describeCandidate, parseDockerHost, parseSshTarget, sshUrl } from '../../electron/core/engine/discovery';

describe('ssh:// engine addresses', () => {
  it('reads user, host and port', () => {
    expect(parseSshTarget('ssh://ana@lab.example.edu:2222')).toEqual({ user: 'ana', host: 'lab.example.edu', port: 2222 });
    expect(parseSshTarget('ssh://ana@10.0.0.5')).toEqual({ user: 'ana', host: '10.0.0.5', port: 22 });
    expect(parseSshTarget('ssh://ana@10.0.0.5/')).toEqual({ user: 'ana', host: '10.0.0.5', port: 22 });
    expect(parseSshTarget('  ssh://ana@server  ')).toEqual({ user: 'ana', host: 'server', port: 22 });
  });
  it('has no user when the address names none (the desktop user logs in, as with ssh)', () => {
    expect(parseSshTarget('ssh://server:2200')).toEqual({ user: null, host: 'server', port: 2200 });
  });
  it('reads IPv6 addresses in brackets, with and without a port', () => {
    expect(parseSshTarget('ssh://root@[::1]:2222')).toEqual({ user: 'root', host: '::1', port: 2222 });
    expect(parseSshTarget('ssh://[fe80::1:2]')).toEqual({ user: null, host: 'fe80::1:2', port: 22 });
    expect(parseSshTarget('ssh://root@::1')).toBeNull();
    expect(parseSshTarget('ssh://root@[10.0.0.1]')).toBeNull();
  });
  it('refuses ports out of range, paths, passwords, queries and option-like names', () => {
    for (const bad of [
      'ssh://ana@host:0',
      'ssh://ana@host:65536',
      'ssh://ana@host:22/var/run/docker.sock',
      'ssh://ana:secret@host',
      'ssh://ana@host?x=1',
      'ssh://-oProxyCommand=touch@host',
      'ssh://ana@-oProxyCommand=x',
      'ssh://ana@',
      'ssh://',
      'ssh://ana@host:',
      'ssh://an a@host',
    ])
      expect(parseSshTarget(bad), bad).toBeNull();
  });
  it('is an ssh engine candidate in DOCKER_HOST, shown as the user wrote it', () => {
    const c = parseDockerHost('ssh://root@[::1]:2222');
    expect(c).toEqual({ kind: 'ssh', user: 'root', host: '::1', port: 2222, label: 'DOCKER_HOST' });
    expect(describeCandidate(c!)).toBe('ssh://root@[::1]:2222');
    expect(sshUrl({ user: null, host: 'server', port: 22 })).toBe('ssh://server');
  });
});

import { describe, expect, it } from 'vitest';
import { engineCandidates, parseDockerHost, describeCandidate } from '../../electron/core/engine/discovery';

const names = (c: ReturnType<typeof engineCandidates>) => c.map(describeCandidate);

describe('engine discovery order', () => {
  it('DOCKER_HOST alone when set, as the docker CLI does', () => {
    const c = engineCandidates({ platform: 'linux', env: { DOCKER_HOST: 'unix:///custom.sock' }, home: '/home/ana' });
    expect(names(c)).toEqual(['/custom.sock']);
  });
  it('the usual Linux sockets otherwise, Docker Engine first', () => {
    const c = engineCandidates({ platform: 'linux', env: { DOCKER_HOST: 'ftp://ignored', XDG_RUNTIME_DIR: '/run/user/1000' }, home: '/home/ana' });
    expect(names(c)).toEqual([
      '/var/run/docker.sock',
      '/home/ana/.docker/desktop/docker.sock',
      '/home/ana/.docker/run/docker.sock',
      '/run/user/1000/docker.sock',
      '/home/ana/.colima/default/docker.sock',
      '/home/ana/.colima/docker.sock',
      '/run/user/1000/podman/podman.sock',
      '/run/podman/podman.sock',
    ]);
  });
  it("an admin's engine from the settings when DOCKER_HOST is not set; DOCKER_HOST wins over it", () => {
    const configured = 'ssh://teacher@lab-server:2222';
    expect(names(engineCandidates({ platform: 'linux', env: {}, home: '/h', configured }))).toEqual(['ssh://teacher@lab-server:2222']);
    expect(engineCandidates({ platform: 'linux', env: {}, home: '/h', configured })[0]!.label).toBe('the settings');
    expect(names(engineCandidates({ platform: 'linux', env: { DOCKER_HOST: 'unix:///d.sock' }, home: '/h', configured }))).toEqual(['/d.sock']);
    // A setting that does not parse is no engine: the usual sockets are looked at.
    expect(names(engineCandidates({ platform: 'linux', env: {}, home: '/h', configured: 'ssh://-oProxyCommand=x' }))[0]).toBe('/var/run/docker.sock');
  });
  it('Docker Desktop first on macOS', () => {
    const c = engineCandidates({ platform: 'darwin', env: {}, home: '/Users/ana' });
    expect(names(c)[0]).toBe('/Users/ana/.docker/run/docker.sock');
    expect(names(c)).toContain('/Users/ana/.colima/default/docker.sock');
  });
  it('named pipes on Windows', () => {
    const c = engineCandidates({ platform: 'win32', env: {}, home: 'C:\\Users\\ana' });
    expect(names(c)).toEqual(['//./pipe/docker_engine', '//./pipe/podman-machine-default']);
  });
  it('does not list the same socket twice', () => {
    const c = engineCandidates({ platform: 'linux', env: { XDG_RUNTIME_DIR: '/h/.docker/run' }, home: '/h' });
    expect(names(c).filter((n) => n === '/h/.docker/run/docker.sock')).toHaveLength(1);
  });
  it('parses tcp and ignores junk in DOCKER_HOST', () => {
    expect(parseDockerHost('tcp://127.0.0.1:2375')).toMatchObject({ kind: 'tcp', host: '127.0.0.1', port: 2375 });
    expect(parseDockerHost('ssh://user@host')).toMatchObject({ kind: 'ssh', user: 'user', host: 'host', port: 22 });
    expect(parseDockerHost('ftp://host')).toBeNull();
    expect(parseDockerHost('tcp://host:99999')).toBeNull();
  });
});

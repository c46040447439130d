// Where to look for a Docker-compatible engine: DOCKER_HOST alone when it is set (as the docker CLI does:
// the user chose that engine), otherwise the usual sockets of Docker Engine, Docker Desktop, Colima,
// rootless Docker and Podman, or the Windows named pipes. Pure: the caller pings each candidate.
import path from 'node:path';

export type EngineCandidate =
  { kind: 'socket'; socketPath: string; label: string } | { kind: 'tcp'; protocol: 'http' | 'https'; host: string; port: number; label: string };

export interface DiscoveryInput {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  home: string;
}

export function engineCandidates({ platform, env, home }: DiscoveryInput): EngineCandidate[] {
  const out: EngineCandidate[] = [];
  const fromEnv = env.DOCKER_HOST ? parseDockerHost(env.DOCKER_HOST) : null;
  if (fromEnv) return [fromEnv];
  const sock = (socketPath: string, label: string) => out.push({ kind: 'socket', socketPath, label });
  if (platform === 'win32') {
    sock('//./pipe/docker_engine', 'Docker Desktop');
    sock('//./pipe/podman-machine-default', 'Podman machine');
  } else {
    const runtimeDir = env.XDG_RUNTIME_DIR;
    if (platform === 'darwin') {
      sock(path.posix.join(home, '.docker/run/docker.sock'), 'Docker Desktop');
      sock('/var/run/docker.sock', 'Docker');
    } else {
      sock('/var/run/docker.sock', 'Docker Engine');
      sock(path.posix.join(home, '.docker/desktop/docker.sock'), 'Docker Desktop');
      sock(path.posix.join(home, '.docker/run/docker.sock'), 'Docker Desktop');
      if (runtimeDir) sock(path.posix.join(runtimeDir, 'docker.sock'), 'rootless Docker');
    }
    sock(path.posix.join(home, '.colima/default/docker.sock'), 'Colima');
    sock(path.posix.join(home, '.colima/docker.sock'), 'Colima');
    if (runtimeDir) sock(path.posix.join(runtimeDir, 'podman/podman.sock'), 'Podman');
    if (platform === 'darwin') sock(path.posix.join(home, '.local/share/containers/podman/machine/podman.sock'), 'Podman machine');
    else sock('/run/podman/podman.sock', 'Podman');
  }
  // The same socket can be reached by two names (a symlink); keep the first.
  const seen = new Set<string>();
  return out.filter((c) => {
    const key = c.kind === 'socket' ? c.socketPath : `${c.host}:${c.port}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** DOCKER_HOST: unix:///path, npipe:////./pipe/name, tcp://host:port. Anything else is ignored. */
export function parseDockerHost(value: string): EngineCandidate | null {
  const label = 'DOCKER_HOST';
  if (value.startsWith('unix://')) return { kind: 'socket', socketPath: value.slice('unix://'.length), label };
  if (value.startsWith('npipe://'))
    return {
      kind: 'socket',
      socketPath: value
        .slice('npipe://'.length)
        .replace(/\//g, '\\')
        .replace(/^\\\\\\\\/, '\\\\'),
      label,
    };
  const tcp = /^(tcp|http|https):\/\/([^/:]+|\[[^\]]+\]):(\d{1,5})\/?$/.exec(value);
  if (tcp) {
    const port = Number(tcp[3]);
    if (port < 1 || port > 65535) return null;
    return { kind: 'tcp', protocol: tcp[1] === 'https' ? 'https' : 'http', host: tcp[2]!, port, label };
  }
  return null;
}

export function describeCandidate(c: EngineCandidate): string {
  return c.kind === 'socket' ? c.socketPath : `${c.protocol}://${c.host}:${c.port}`;
}

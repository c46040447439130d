// Where to look for a Docker-compatible engine: DOCKER_HOST alone when it is set (as the docker CLI does:
// the user chose that engine), then the engine an admin set in the settings, otherwise the usual sockets of Docker Engine, Docker Desktop, Colima,
// rootless Docker and Podman, or the Windows named pipes. Pure: the caller pings each candidate.
import path from 'node:path';

export type EngineCandidate =
  | { kind: 'socket'; socketPath: string; label: string }
  | { kind: 'tcp'; protocol: 'http' | 'https'; host: string; port: number; label: string }
  /** A remote engine over ssh (engine/ssh-remote.ts); `user` null: the desktop user's name, as ssh does. */
  | { kind: 'ssh'; user: string | null; host: string; port: number; label: string };

export interface DiscoveryInput {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  home: string;
  /** The engine an admin chose in the settings (`engineHost`), in DOCKER_HOST's form; DOCKER_HOST wins over it. */
  configured?: string | null;
}

export function engineCandidates({ platform, env, home, configured }: DiscoveryInput): EngineCandidate[] {
  const out: EngineCandidate[] = [];
  const fromEnv = env.DOCKER_HOST ? parseDockerHost(env.DOCKER_HOST) : null;
  if (fromEnv) return [fromEnv];
  const fromSettings = configured ? parseDockerHost(configured, 'the settings') : null;
  if (fromSettings) return [fromSettings];
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
    const key = describeCandidate(c);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * DOCKER_HOST: unix:///path, npipe:////./pipe/name, tcp://host:port, ssh://[user@]host[:port]. Anything else
 * is ignored (null).
 */
export function parseDockerHost(value: string, label = 'DOCKER_HOST'): EngineCandidate | null {
  if (value.startsWith('ssh://')) {
    const target = parseSshTarget(value);
    return target ? { kind: 'ssh', ...target, label } : null;
  }
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

export interface SshTarget {
  user: string | null;
  /** A name or an address; an IPv6 address without its brackets. */
  host: string;
  port: number;
}

// ssh's own rules, kept strict: a user or host starting with "-" would be an option to an ssh command line,
// and a path, query or password has no meaning for an engine (the docker CLI refuses them too).
const SSH_URL = /^ssh:\/\/(?:([A-Za-z0-9._][A-Za-z0-9._-]{0,63})@)?([A-Za-z0-9][A-Za-z0-9.-]{0,252}|\[[0-9A-Fa-f:.]{2,45}\])(?::(\d{1,5}))?\/?$/;

/** ssh://[user@]host[:port] (IPv6 in brackets), or null. */
export function parseSshTarget(value: string): SshTarget | null {
  const m = SSH_URL.exec(value.trim());
  if (!m) return null;
  const port = m[3] ? Number(m[3]) : 22;
  if (port < 1 || port > 65535) return null;
  const host = m[2]!.startsWith('[') ? m[2]!.slice(1, -1) : m[2]!;
  if (m[2]!.startsWith('[') && !host.includes(':')) return null;
  return { user: m[1] ?? null, host, port };
}

/** ssh://user@host:port as the user wrote it (IPv6 in brackets), the port only when it is not 22. */
export function sshUrl(t: SshTarget): string {
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  return `ssh://${t.user ? `${t.user}@` : ''}${host}${t.port === 22 ? '' : `:${t.port}`}`;
}

export function describeCandidate(c: EngineCandidate): string {
  if (c.kind === 'socket') return c.socketPath;
  if (c.kind === 'ssh') return sshUrl(c);
  return `${c.protocol}://${c.host}:${c.port}`;
}

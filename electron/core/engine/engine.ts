// The connection to the Docker engine and its health. Finds an engine (discovery order), pings it,
// and keeps checking: every few seconds while it is down, less often while it is up. Never throws at
// callers for a down engine: `docker()` gives a clear ENGINE_DOWN error instead.
import Docker from 'dockerode';
import os from 'node:os';
import { EventEmitter } from 'node:events';
import type { EngineStatus } from '../../api/contract';
import { LabError } from '../../api/errors';
import { describeCandidate, engineCandidates, type EngineCandidate } from './discovery';
import { SshRefusal, SshRemote, type SshOptions } from './ssh-remote';

const DOWN_RETRY_MS = 3000;
const UP_CHECK_MS = 15000;
const PING_TIMEOUT_MS = 3000;
/** Over ssh the first ping includes the TCP connection, the handshake and dial-stdio's start on the remote. */
const SSH_PING_TIMEOUT_MS = 15000;
const VERSION_TIMEOUT_MS = 20000;

/** A client for a local socket or a TCP engine (a remote over ssh keeps its connection: SshRemote). */
export function dockerFor(c: Exclude<EngineCandidate, { kind: 'ssh' }>): Docker {
  return c.kind === 'socket' ? new Docker({ socketPath: c.socketPath }) : new Docker({ protocol: c.protocol, host: c.host, port: c.port });
}

/** What to do when a remote engine does not answer (a refused key or host key has hints of its own). */
export function sshDownHint(url: string): string {
  return `ClassLab reaches the remote Docker engine over ssh (${url}). Check that the server is on and reachable from this computer, that its sshd runs, and that \`docker\` works there for this user. ClassLab reconnects by itself.`;
}

export interface EngineOptions {
  /** For remote engines over ssh: the desktop user's home (keys, known_hosts), agent and name. */
  ssh?: Partial<SshOptions>;
}

export function downHint(platform: NodeJS.Platform): string {
  if (platform === 'darwin' || platform === 'win32')
    return 'Start Docker Desktop (or Podman Desktop) and wait until it says it is running. ClassLab reconnects by itself.';
  return 'Start the Docker engine (for example `sudo systemctl start docker`, or open Docker Desktop) and make sure your user may use it (the docker group). ClassLab reconnects by itself.';
}

export class Engine extends EventEmitter<{ status: [EngineStatus] }> {
  private client: Docker | null = null;
  private current: EngineStatus = { state: 'checking', endpoint: null, version: null, problem: null, hint: null, nextCheckAt: null };
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private checking: Promise<EngineStatus> | null = null;
  /** Remote engines over ssh, one connection each, kept across checks (by their ssh:// address). */
  private readonly remotes = new Map<string, SshRemote>();
  /** The remote the client belongs to, while the engine in use is one. */
  private activeRemote: SshRemote | null = null;
  private readonly sshOptions: SshOptions;

  constructor(
    private candidates: EngineCandidate[] = engineCandidates({ platform: process.platform, env: process.env, home: os.homedir() }),
    options: EngineOptions = {},
  ) {
    super();
    this.sshOptions = {
      home: options.ssh?.home ?? os.homedir(),
      agentSocket: options.ssh?.agentSocket === undefined ? (process.env.SSH_AUTH_SOCK ?? null) : options.ssh.agentSocket,
      localUser: options.ssh?.localUser ?? os.userInfo().username,
      ...(options.ssh?.systemKnownHosts ? { systemKnownHosts: options.ssh.systemKnownHosts } : {}),
      ...(options.ssh?.readyTimeoutMs ? { readyTimeoutMs: options.ssh.readyTimeoutMs } : {}),
    };
  }

  /**
   * Where this computer reaches a port the engine's host publishes on its own 127.0.0.1 (a gate's): the
   * same port for a local engine, a forwarded port on this computer's 127.0.0.1 for a remote one.
   */
  reach(port: number): Promise<number> {
    return this.activeRemote ? this.activeRemote.forward(port) : Promise.resolve(port);
  }

  /** Look elsewhere from now on (the settings' engine changed); checks at once. */
  retarget(candidates: EngineCandidate[]): Promise<EngineStatus> {
    this.candidates = candidates;
    const keep = new Set(candidates.map(describeCandidate));
    for (const [url, remote] of this.remotes) {
      if (keep.has(url)) continue;
      remote.close();
      this.remotes.delete(url);
      if (this.activeRemote === remote) this.activeRemote = null;
    }
    return this.checking ? this.checking.then(() => this.check()) : this.check();
  }

  status(): EngineStatus {
    return this.current;
  }

  /** The client, or ENGINE_DOWN with what to do. */
  docker(): Docker {
    if (this.client && this.current.state === 'up') return this.client;
    if (this.candidates.length === 1 && this.candidates[0]!.kind === 'ssh')
      throw new LabError('ENGINE_DOWN', `The remote Docker engine does not answer. ${this.current.problem ?? ''} ${this.current.hint ?? ''}`.trim());
    throw new LabError('ENGINE_DOWN', `Docker is not running. ${downHint(process.platform)}`);
  }

  /** Checks now (deduplicated) and reschedules the next check. */
  check(): Promise<EngineStatus> {
    this.checking ??= this.probe().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  /** Something failed in a way that suggests the engine went away: re-check at once. */
  suspect(): void {
    if (this.current.state === 'up') void this.check();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const remote of this.remotes.values()) remote.close();
    this.remotes.clear();
    this.removeAllListeners();
  }

  private remoteFor(c: Extract<EngineCandidate, { kind: 'ssh' }>): SshRemote {
    const url = describeCandidate(c);
    let remote = this.remotes.get(url);
    if (!remote) {
      remote = new SshRemote(c, this.sshOptions);
      // The connection dropped: look again at once (down, with what was tried, until it comes back).
      remote.on('closed', () => this.suspect());
      this.remotes.set(url, remote);
    }
    return remote;
  }

  private async probe(): Promise<EngineStatus> {
    let next: EngineStatus | null = null;
    const tried: string[] = [];
    let refusal: SshRefusal | null = null;
    for (const candidate of this.candidates) {
      const remote = candidate.kind === 'ssh' ? this.remoteFor(candidate) : null;
      const docker = remote ? remote.docker : dockerFor(candidate as Exclude<EngineCandidate, { kind: 'ssh' }>);
      try {
        await withTimeout(docker.ping(), remote ? SSH_PING_TIMEOUT_MS : PING_TIMEOUT_MS);
        // An engine that answers its ping is up. Its version is for display and may be slow: Podman's
        // /version asks the system's package manager for each component's version (measured here:
        // ping 0.15 s, version 8 s on a loaded machine), so it gets a timeout of its own and no say.
        // Asked again only when the engine is new to this check.
        const endpoint = describeCandidate(candidate);
        const known = this.current.state === 'up' && this.current.endpoint === endpoint ? this.current.version : null;
        const version = known ?? ((await withTimeout(docker.version(), VERSION_TIMEOUT_MS).catch(() => null)) as { Version?: string } | null)?.Version ?? null;
        this.client = docker;
        this.activeRemote = remote;
        next = { state: 'up', endpoint, version, problem: null, hint: null, nextCheckAt: null };
        break;
      } catch (err) {
        if (err instanceof SshRefusal) refusal ??= err;
        tried.push(`${describeCandidate(candidate)}: ${remote ? remoteReason(err) : shortReason(err)}`);
      }
    }
    if (!next) {
      this.client = null;
      this.activeRemote = null;
      const only = this.candidates.length === 1 ? this.candidates[0]! : null;
      next = {
        state: 'down',
        endpoint: null,
        version: null,
        // A refusal (host key, keys) is said whole: it is what the user must act on.
        problem: refusal
          ? refusal.message
          : tried.length
            ? `No Docker engine answered (${tried.slice(0, 3).join('; ')}).`
            : 'No place to look for a Docker engine on this system.',
        hint: refusal ? refusal.hint : only?.kind === 'ssh' ? sshDownHint(describeCandidate(only)) : downHint(process.platform),
        nextCheckAt: Date.now() + DOWN_RETRY_MS,
      };
    }
    this.schedule(next.state === 'up' ? UP_CHECK_MS : DOWN_RETRY_MS);
    const changed = next.state !== this.current.state || next.endpoint !== this.current.endpoint || next.problem !== this.current.problem;
    this.current = next;
    if (changed || next.state === 'down') this.emit('status', next);
    return next;
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.check(), ms);
    this.timer.unref();
  }
}

function shortReason(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e.code === 'ENOENT') return 'no such socket';
  if (e.code === 'EACCES') return 'permission denied';
  if (e.code === 'ECONNREFUSED') return 'connection refused';
  return (e.code ?? e.message ?? String(err)).slice(0, 80);
}

/** A remote's failure says more than a code: what the remote's dial-stdio said, a refused connection. */
function remoteReason(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e.code === 'ECONNREFUSED') return 'connection refused (is sshd running there?)';
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return 'no such host';
  if (e.code === 'ETIMEDOUT') return 'no answer (timed out)';
  return (e.message ?? String(err)).slice(0, 300);
}

export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

// The connection to the Docker engine and its health. Finds an engine (discovery order), pings it,
// and keeps checking: every few seconds while it is down, less often while it is up. Never throws at
// callers for a down engine: `docker()` gives a clear ENGINE_DOWN error instead.
import Docker from 'dockerode';
import os from 'node:os';
import { EventEmitter } from 'node:events';
import type { EngineStatus } from '../../api/contract';
import { LabError } from '../../api/errors';
import { describeCandidate, engineCandidates, type EngineCandidate } from './discovery';

const DOWN_RETRY_MS = 3000;
const UP_CHECK_MS = 15000;
const PING_TIMEOUT_MS = 3000;
const VERSION_TIMEOUT_MS = 20000;

export function dockerFor(c: EngineCandidate): Docker {
  return c.kind === 'socket' ? new Docker({ socketPath: c.socketPath }) : new Docker({ protocol: c.protocol, host: c.host, port: c.port });
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

  constructor(private readonly candidates: EngineCandidate[] = engineCandidates({ platform: process.platform, env: process.env, home: os.homedir() })) {
    super();
  }

  status(): EngineStatus {
    return this.current;
  }

  /** The client, or ENGINE_DOWN with what to do. */
  docker(): Docker {
    if (this.client && this.current.state === 'up') return this.client;
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
    this.removeAllListeners();
  }

  private async probe(): Promise<EngineStatus> {
    let next: EngineStatus | null = null;
    const tried: string[] = [];
    for (const candidate of this.candidates) {
      const docker = dockerFor(candidate);
      try {
        await withTimeout(docker.ping(), PING_TIMEOUT_MS);
        // An engine that answers its ping is up. Its version is for display and may be slow: Podman's
        // /version asks the system's package manager for each component's version (measured here:
        // ping 0.15 s, version 8 s on a loaded machine), so it gets a timeout of its own and no say.
        // Asked again only when the engine is new to this check.
        const endpoint = describeCandidate(candidate);
        const known = this.current.state === 'up' && this.current.endpoint === endpoint ? this.current.version : null;
        const version = known ?? ((await withTimeout(docker.version(), VERSION_TIMEOUT_MS).catch(() => null)) as { Version?: string } | null)?.Version ?? null;
        this.client = docker;
        next = { state: 'up', endpoint, version, problem: null, hint: null, nextCheckAt: null };
        break;
      } catch (err) {
        tried.push(`${describeCandidate(candidate)}: ${shortReason(err)}`);
      }
    }
    if (!next) {
      this.client = null;
      next = {
        state: 'down',
        endpoint: null,
        version: null,
        problem: tried.length ? `No Docker engine answered (${tried.slice(0, 3).join('; ')}).` : 'No place to look for a Docker engine on this system.',
        hint: downHint(process.platform),
        nextCheckAt: Date.now() + DOWN_RETRY_MS,
      };
    }
    this.schedule(next.state === 'up' ? UP_CHECK_MS : DOWN_RETRY_MS);
    const changed = next.state !== this.current.state || next.endpoint !== this.current.endpoint;
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

// A throw-away lab for the audit: made from a profile with the very same sandbox policy (LabContainers),
// in a namespace of its own, and removed with everything it made.
import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { demuxLogs } from '../engine/exec';
import { inspectOrNull } from '../engine/inspect';
import { LabContainers, type LabDeps } from '../labs/containers';
import { waitForNotebook } from '../labs/readiness';
import type { Profile } from '../profiles/schema';
import type { DiskState } from '../sandbox/disk';
import { holderName } from '../sandbox/network-holder';

export interface ExecResult {
  code: number | null;
  /** stdout and stderr, interleaved, at most `maxOutput` bytes. */
  out: string;
  /** The host gave up waiting (the command's own time box should have ended it first). */
  timedOut: boolean;
  ms: number;
}

export interface ExecOptions {
  /** Run as this user; default the lab user. */
  user?: string;
  /** Time box: the command runs under `timeout -s KILL`, and the host stops waiting a little later. */
  timeoutSeconds?: number;
  /** Start it and do not wait (a background process the student leaves behind). */
  detach?: boolean;
  maxOutput?: number;
  env?: string[];
}

/** An audit namespace: the installation's, a dash, 'a' and 4 random hex digits (≤ 31 characters). */
export function auditNamespace(namespace: string): string {
  return `${namespace.slice(0, 24).replace(/-+$/, '')}-a${randomBytes(2).toString('hex')}`;
}

export class AuditLab {
  readonly containers: LabContainers;
  port = 0;
  token = '';
  disk: DiskState | null = null;

  constructor(
    private readonly docker: () => Docker,
    readonly profile: Profile,
    readonly namespace: string,
    deps: LabDeps,
  ) {
    this.containers = new LabContainers(docker, profile, namespace, deps);
  }

  dockerClient(): Docker {
    return this.docker();
  }

  get container(): string {
    return this.containers.names.container;
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  /** Starts the lab and waits for its notebook. */
  async start(signal?: AbortSignal): Promise<void> {
    this.disk = await this.containers.ensureVolumes();
    const { port, token } = await this.containers.start();
    this.port = port;
    this.token = token;
    const outcome = await waitForNotebook({
      url: this.base,
      token,
      timeoutMs: this.profile.server.startTimeoutSeconds * 1000,
      ...(signal ? { signal } : {}),
    });
    if (outcome !== 'ready') throw new Error(`The throw-away lab's notebook did not answer within ${this.profile.server.startTimeoutSeconds} s.`);
  }

  /** What ClassLab's reset does: remove the containers (the workspace stays), then start afresh. */
  async reset(signal?: AbortSignal): Promise<void> {
    await this.containers.removeContainers();
    await this.start(signal);
  }

  async inspect(): Promise<Docker.ContainerInspectInfo | null> {
    return inspectOrNull(this.docker(), this.container);
  }

  /** Runs a command in the lab as the student would (Docker exec, no TTY, the lab user). */
  async exec(cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const started = Date.now();
    const seconds = opts.timeoutSeconds ?? 30;
    if (process.env.CLASSLAB_AUDIT_DEBUG) process.stderr.write(`exec ${this.container}: ${cmd.join(' ').slice(0, 120)}\n`);
    const boxed = ['timeout', '-s', 'KILL', String(seconds), ...cmd];
    const exec = await this.docker()
      .getContainer(this.container)
      .exec({
        Cmd: opts.detach ? cmd : boxed,
        User: opts.user ?? this.profile.server.user,
        AttachStdout: !opts.detach,
        AttachStderr: !opts.detach,
        Tty: false,
        WorkingDir: this.profile.server.workspace,
        ...(opts.env ? { Env: opts.env } : {}),
      });
    if (opts.detach) {
      // The engine answers at once; close the response so no socket outlives the call.
      const response = (await exec.start({ Detach: true })) as unknown as { destroy?: () => void; resume?: () => void } | undefined;
      response?.resume?.();
      response?.destroy?.();
      return { code: null, out: '', timedOut: false, ms: Date.now() - started };
    }
    const stream = await exec.start({ hijack: true, stdin: false });
    const max = opts.maxOutput ?? 64 * 1024;
    const chunks: Buffer[] = [];
    let size = 0;
    const timedOut = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(
        () => {
          (stream as unknown as { destroy?: () => void }).destroy?.();
          resolve(true);
        },
        (seconds + 15) * 1000,
      );
      stream.on('data', (c: Buffer) => {
        if (size < max) {
          chunks.push(c);
          size += c.length;
        }
      });
      const done = () => {
        clearTimeout(timer);
        resolve(false);
      };
      stream.on('end', done);
      stream.on('close', done);
      stream.on('error', done);
    });
    const info = await exec.inspect().catch(() => null);
    const out = demuxLogs(Buffer.concat(chunks)).join('\n');
    return { code: timedOut ? null : (info?.ExitCode ?? null), out: out.slice(0, max), timedOut, ms: Date.now() - started };
  }

  /** A shell script, run by `sh -c` in the lab. */
  sh(script: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.exec(['sh', '-c', script], opts);
  }

  /** A Python program, run by python3 in the lab. */
  py(program: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.exec(['python3', '-c', program], opts);
  }

  /**
   * Container IP on its own network (internet profiles), or null. An internet lab shares the network
   * namespace of its holder, so the address is the holder's.
   */
  async ip(): Promise<string | null> {
    const docker = this.docker();
    for (const name of [this.container, holderName(this.containers.names)]) {
      const info = await inspectOrNull(docker, name);
      const found = Object.values(info?.NetworkSettings.Networks ?? {}).find((n) => n.IPAddress)?.IPAddress;
      if (found) return found;
    }
    return null;
  }

  async remove(): Promise<void> {
    await this.containers.removeEverything();
  }
}

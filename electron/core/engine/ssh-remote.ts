// A Docker engine on another machine, reached over ssh (DOCKER_HOST=ssh://user@host[:port], or the
// settings' engineHost). One ssh connection per remote, kept open and made again when it drops:
//   - every Docker API connection is a channel on it: the engine's socket forwarded, or `docker system
//     dial-stdio` on the remote (what the docker CLI does), so a request costs no new handshake;
//   - a gate's port, published on the remote's 127.0.0.1 only, is reached through the same connection
//     (ssh-forward.ts), never by publishing it on the remote's network.
// The host key must be in the desktop user's known_hosts (known-hosts.ts): an unknown key is refused with
// its fingerprint and how to trust it, a changed one loudly. Keys come from ssh-auth.ts. docker-modem's
// own ssh support is not used: it makes a new ssh connection for every request and checks no host key.
import Docker from 'dockerode';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { inspect } from 'node:util';
// ssh2 is CommonJS: its default export, so that Node's ESM loader and the bundler agree.
import ssh2, { type Client, type ClientChannel, type ConnectConfig, type ServerHostKeyAlgorithm } from 'ssh2';
import { sshUrl, type SshTarget } from './discovery';
import { checkHostKey, fingerprint, keyKind, knownHostsName, knownKeyTypes, keyTypeOf, parseKnownHosts, type KnownHostLine } from './known-hosts';
import { sshAuthPlan } from './ssh-auth';
import { GateForwards } from './ssh-forward';

export interface SshOptions {
  /** The desktop user's home: keys and known_hosts are in its .ssh folder. */
  home: string;
  /** SSH_AUTH_SOCK. */
  agentSocket: string | null;
  /** The user name when the address has none (the desktop user's, as ssh does). */
  localUser: string;
  /** Other known_hosts files to read after ~/.ssh/known_hosts (the system's /etc/ssh/ssh_known_hosts). */
  systemKnownHosts?: string[];
  /** How long the TCP connection and ssh handshake may take. */
  readyTimeoutMs?: number;
}

/** ssh refused, for a reason the user must act on: the message says what happened, the hint what to do. */
export class SshRefusal extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'SshRefusal';
  }
}

/** The remote command that turns a channel into a connection to the remote's Docker engine. */
const DIAL_STDIO = 'docker system dial-stdio';
/**
 * Sessions (dial-stdio channels) per ssh connection. OpenSSH's sshd allows 10 per connection (MaxSessions);
 * a long-lived one (the event stream, each terminal) holds its session, so past this a second connection
 * is opened. Forwarded gate ports are not sessions and stay on the first connection.
 */
const SESSIONS_PER_CONNECTION = 8;

/** One ssh connection and the sessions open on it. */
interface Link {
  client: Client;
  sessions: number;
  /** The most this server allows here: lowered when it refuses a session below SESSIONS_PER_CONNECTION. */
  cap: number;
}

export class SshRemote extends EventEmitter<{ closed: [] }> {
  readonly url: string;
  /** A dockerode client whose every connection is a dial-stdio channel on this remote's connection. */
  readonly docker: Docker;
  /** The first connection: health, gate forwards and sessions; `extra` only carry sessions. */
  private primary: Link | null = null;
  private connecting: Promise<Link> | null = null;
  private readonly extra = new Set<Link>();
  private extraOpening: Promise<Link> | null = null;
  /**
   * The remote engine's socket path for direct forwards, or null (dial-stdio). Asked once per remote and
   * kept across reconnects: the question is a command, and a command runs the user's shell with its
   * startup files, which may be slow (measured here: root's .bashrc waited 60 s for pyenv's lock, so every
   * reconnect's first requests timed out). Asked again only when the answer could not be had.
   */
  private engineSocket: Promise<string | null> | null = null;
  /** A socket forward has worked on this remote. */
  private socketWorked = false;
  private readonly agent: http.Agent;
  private readonly forwards: GateForwards;
  private closed = false;

  constructor(
    readonly target: SshTarget,
    private readonly opts: SshOptions,
  ) {
    super();
    this.url = sshUrl(target);
    // No keep-alive: a channel is cheap on the kept connection (one round trip; no handshake), and a pooled
    // idle channel whose far end the engine closed is not noticed (ssh2 reports a channel closed only
    // once its data was read, and nobody reads an idle one): the next request on it waited forever
    // (measured: an upload and a stopped lab's open hung this way, now and then).
    this.agent = new http.Agent({ keepAlive: false });
    // Node's Agent asks createConnection for each new socket; a callback makes it wait for the channel.
    (this.agent as unknown as { createConnection: unknown }).createConnection = (_o: unknown, done: (err: Error | null, s?: Duplex) => void) => {
      this.dial().then(
        (channel) => done(null, channel),
        (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
      );
    };
    // docker-modem formats every request's options with util.inspect (depth: null, showHidden) for its
    // debug log, even while that log is off. Through the agent, that walked every open channel and the
    // whole ssh connection, and it grew with each channel: measured, the event loop spun for minutes in
    // util's formatValue during a reconcile, so requests stalled and pings timed out (the engine "went
    // down"). The agent shows itself as one short line instead.
    Object.defineProperty(this.agent, inspect.custom, { value: () => `[ClassLab's ssh agent for ${this.url}]` });
    // The host name is never resolved: every byte goes through the agent's channels.
    // (docker-modem takes an agent; its types do not say so.)
    this.docker = new Docker({ protocol: 'http', host: 'docker', port: 80, agent: this.agent } as Docker.DockerOptions);
    this.forwards = new GateForwards(() => this.connect());
  }

  private get user(): string {
    return this.target.user ?? this.opts.localUser;
  }

  /** The open connection, or a new one (one attempt at a time). */
  async connect(): Promise<Client> {
    return (await this.primaryLink()).client;
  }

  private primaryLink(): Promise<Link> {
    if (this.closed) return Promise.reject(new Error('ClassLab closed this connection.'));
    if (this.primary) return Promise.resolve(this.primary);
    this.connecting ??= this.open()
      .then((link) => {
        this.primary = link;
        return link;
      })
      .finally(() => {
        this.connecting = null;
      });
    return this.connecting;
  }

  /** Where this computer reaches the remote's 127.0.0.1:port: a listener on this computer's 127.0.0.1. */
  forward(remotePort: number): Promise<number> {
    return this.forwards.localPort(remotePort);
  }

  close(): void {
    this.closed = true;
    this.forwards.close();
    this.agent.destroy();
    for (const link of [this.primary, ...this.extra]) link?.client.end();
    this.primary = null;
    this.extra.clear();
    this.removeAllListeners();
  }

  private async knownHosts(): Promise<KnownHostLine[]> {
    const files = [path.join(this.opts.home, '.ssh', 'known_hosts'), ...(this.opts.systemKnownHosts ?? ['/etc/ssh/ssh_known_hosts'])];
    const texts = await Promise.all(files.map((f) => readFile(f, 'utf8').catch(() => '')));
    // Line numbers are per file; the messages name the user's own file, which is the first.
    return texts.flatMap((t, i) => parseKnownHosts(t).map((l) => (i === 0 ? l : { ...l, line: -1 })));
  }

  /** A new ssh connection. Only the primary one's close tells the engine (which then looks again). */
  private async open(): Promise<Link> {
    const { host, port } = this.target;
    const known = await this.knownHosts();
    const auth = await sshAuthPlan({ username: this.user, sshDir: path.join(this.opts.home, '.ssh'), agentSocket: this.opts.agentSocket });
    if (!auth.methods.length) {
      throw new SshRefusal(
        `ClassLab has no ssh key to offer ${this.url}: ${auth.tried.length ? auth.tried.join('; ') : `no ssh agent (SSH_AUTH_SOCK is not set) and no key in ${path.join(this.opts.home, '.ssh')}`}.`,
        `Make a key with \`ssh-keygen -t ed25519\` and put its .pub line into ~/.ssh/authorized_keys of ${this.user} on ${host} (\`ssh-copy-id\`), or start an ssh agent that holds one. ClassLab reconnects by itself.`,
      );
    }
    return new Promise<Link>((resolve, reject) => {
      const client = new ssh2.Client();
      let refusal: SshRefusal | null = null;
      let ready = false;
      const verify = (blob: Buffer): boolean => {
        refusal = hostKeyRefusal(known, this.target, this.user, blob);
        return refusal === null;
      };
      const link: Link = { client, sessions: 0, cap: SESSIONS_PER_CONNECTION };
      client.on('ready', () => {
        ready = true;
        resolve(link);
      });
      client.on('error', (err: Error & { level?: string }) => {
        if (ready) return; // 'close' follows and says the connection is gone
        reject(refusal ?? this.describeFailure(err, auth.tried));
      });
      client.on('close', () => {
        if (!ready) return reject(refusal ?? new Error(`the ssh connection to ${this.url} closed during the handshake`));
        this.extra.delete(link);
        if (this.primary !== link) return;
        this.primary = null;
        if (!this.closed) this.emit('closed');
      });
      const config: ConnectConfig = {
        host,
        port,
        username: this.user,
        authHandler: auth.methods,
        hostVerifier: verify,
        readyTimeout: this.opts.readyTimeoutMs ?? 10_000,
        // A remote that stops answering (a laptop's Wi-Fi, a server gone) is noticed within ~15 s.
        keepaliveInterval: 5000,
        keepaliveCountMax: 3,
        // Ask for a key type known_hosts already has for this host first, as ssh does.
        algorithms: { serverHostKey: hostKeyOrder(knownKeyTypes(known, host, port)) },
      };
      client.connect(config);
    });
  }

  private describeFailure(err: Error & { level?: string; code?: string }, tried: string[]): Error {
    if (err.level === 'client-authentication') {
      return new SshRefusal(
        `${this.url} refused every key ClassLab offered (${tried.join('; ')}).`,
        `Put the public key (the .pub file) into ~/.ssh/authorized_keys of ${this.user} on ${this.target.host}, or add a key the server accepts to your ssh agent. ClassLab reconnects by itself.`,
      );
    }
    const reason = err.code === 'ECONNREFUSED' ? 'connection refused' : err.code === 'ENOTFOUND' ? 'no such host' : err.message;
    const e = new Error(`ssh: ${reason}`);
    (e as Error & { code?: string }).code = err.code;
    return e;
  }

  /**
   * A session reserved on a connection with room for it: the first one, one of the extra ones, or a new
   * one. Counted at once (no await between the look and the count), so a burst of requests cannot
   * overfill a connection.
   */
  private async reserveSession(): Promise<Link> {
    for (;;) {
      await this.connect();
      const free = [this.primary, ...this.extra].find((l): l is Link => l !== null && l.sessions < l.cap);
      if (free) {
        free.sessions += 1;
        return free;
      }
      this.extraOpening ??= this.open()
        .then((link) => {
          if (this.closed) link.client.end();
          else this.extra.add(link);
          return link;
        })
        .finally(() => {
          this.extraOpening = null;
        });
      await this.extraOpening;
    }
  }

  /**
   * One connection to the remote engine: ssh's forward of its Unix socket (direct-streamlocal, ssh -L
   * with a socket) when the remote's docker CLI names one and sshd allows it, else dial-stdio. The socket
   * forward starts no process on the remote and is no session (sshd's MaxSessions does not count it):
   * measured here, a lab's start opens dozens of connections at once, and dial-stdio's process per
   * connection made handshakes of the extra ssh connections time out on a loaded machine.
   */
  private async dial(): Promise<Duplex> {
    const link = await this.primaryLink();
    const socketPath = await this.engineSocketVia(link.client);
    if (socketPath) {
      const opened = await new Promise<ClientChannel | Error>((resolve) => {
        link.client.openssh_forwardOutStreamLocal(socketPath, (err, ch) => resolve(err ?? ch));
      });
      if (!(opened instanceof Error)) {
        this.socketWorked = true;
        return asSocket(opened);
      }
      // Refused before it ever worked on this remote (sshd's AllowStreamLocalForwarding no, or no access
      // to the socket): dial-stdio from now on. Once it has worked, a failure (the engine's socket busy
      // for a moment, the engine restarting) fails this request only: measured, switching for good on one
      // failure moved a sandbox check's burst onto dial-stdio, whose extra connections then timed out.
      // Only sshd's answer to the open (an SSH open-failure reason) is a refusal: a forward that failed
      // because its connection went away ("No response from server", no reason) fails this request only.
      // (Measured: one in flight while sshd restarted had moved the next connection onto dial-stdio.)
      const refused = typeof (opened as Error & { reason?: unknown }).reason === 'number';
      if (this.socketWorked || !refused || this.primary !== link) throw opened;
      this.engineSocket = Promise.resolve(null);
    }
    return this.dialStdio();
  }

  /** The remote engine's socket path (asked once, on this connection if not known yet), or null. */
  private engineSocketVia(client: Client): Promise<string | null> {
    if (!this.engineSocket) {
      const asking = this.askEngineSocket(client);
      this.engineSocket = asking;
      // No answer (the connection went away mid-question): ask again next time; this request fails.
      asking.catch(() => {
        if (this.engineSocket === asking) this.engineSocket = null;
      });
    }
    return this.engineSocket;
  }

  /**
   * The remote engine's Unix socket, as the remote's docker CLI resolves it (its context, its DOCKER_HOST),
   * or null when it names none (dial-stdio then). Rejects when the command gave no exit status at all.
   */
  private async askEngineSocket(client: Client): Promise<string | null> {
    const out = await new Promise<string>((resolve, reject) => {
      client.exec("docker context inspect --format '{{.Endpoints.docker.Host}}'", (err, ch) => {
        // sshd refused the session (it answered with a reason): no answer to have here, dial-stdio says why.
        if (err) return typeof (err as Error & { reason?: unknown }).reason === 'number' ? resolve('') : reject(err);
        ch.end(); // nothing to read on its stdin
        let text = '';
        let exited = false;
        ch.on('data', (d: Buffer) => {
          if (text.length < 600) text += d.toString('utf8');
        });
        ch.stderr.resume();
        ch.on('exit', () => (exited = true));
        ch.on('close', () =>
          exited ? resolve(text) : reject(new Error(`the ssh connection to ${this.url} closed while ClassLab asked for the engine's socket`)),
        );
      });
    });
    // What the remote says is checked like any remote answer: one unix:// path of plain characters.
    const m = /^unix:\/\/(\/[A-Za-z0-9._/-]{1,200})\s*$/.exec(out.trim());
    return m ? m[1]! : null;
  }

  /** A channel running dial-stdio, dressed as the socket Node's http client expects. */
  private async dialStdio(): Promise<Duplex> {
    let channel: ClientChannel | null = null;
    for (let attempt = 0; !channel; attempt++) {
      const link = await this.reserveSession();
      try {
        channel = await new Promise<ClientChannel>((resolve, reject) => {
          link.client.exec(DIAL_STDIO, (err, ch) => (err ? reject(err) : resolve(ch)));
        });
        channel.once('close', () => (link.sessions -= 1));
      } catch (err) {
        link.sessions -= 1;
        // The server allows fewer sessions than we thought (its MaxSessions): this link is full as it is.
        if (attempt >= 3 || !/open failed/i.test((err as Error).message)) throw err;
        link.cap = Math.max(1, link.sessions);
      }
    }
    // What the remote said on stderr, for the error when dial-stdio fails (no docker CLI, no engine, no
    // permission to its socket). Bounded: the remote is not trusted to keep it short.
    let stderr = '';
    let answered = false;
    channel.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 600) stderr += d.toString('utf8');
    });
    channel.once('data', () => (answered = true));
    channel.on('exit', (code: number | null) => {
      if (code && !answered) {
        const said = stderr.replace(/\s+/g, ' ').trim().slice(0, 300);
        (channel as unknown as Duplex).destroy(new Error(`on ${this.target.host}, \`${DIAL_STDIO}\` failed (exit ${code})${said ? `: ${said}` : ''}`));
      }
    });
    return asSocket(channel);
  }
}

/** The refusal for this host key, or null when known_hosts has exactly this key for this host. */
export function hostKeyRefusal(known: KnownHostLine[], target: SshTarget, user: string, blob: Buffer): SshRefusal | null {
  const verdict = checkHostKey(known, target.host, target.port, blob);
  if (verdict.kind === 'known') return null;
  const name = knownHostsName(target.host, target.port);
  const shown = `${keyKind(keyTypeOf(blob) ?? '?')} key ${fingerprint(blob)}`;
  const sshCmd = `ssh${target.port === 22 ? '' : ` -p ${target.port}`} ${user}@${target.host.includes(':') ? target.host : target.host}`;
  const trust = `Check the fingerprint with the server's admin (on the server: \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\`), then trust it once: run \`${sshCmd}\` and answer yes, or \`classlab engine trust\`, which shows the fingerprint and asks. ClassLab reconnects by itself.`;
  if (verdict.kind === 'unknown')
    return new SshRefusal(`The host key of ${name} is not known to this computer (it showed an ${shown}), so ClassLab did not connect.`, trust);
  if (verdict.kind === 'other-types')
    return new SshRefusal(
      `${name} showed an ${shown}, but ~/.ssh/known_hosts knows it only with ${verdict.types.map(keyKind).join(', ')} keys, so ClassLab did not connect.`,
      trust,
    );
  const lines = verdict.kind === 'revoked' ? [verdict.line] : verdict.lines;
  const where = lines.filter((l) => l > 0).length ? `~/.ssh/known_hosts line ${lines.filter((l) => l > 0).join(', ')}` : 'the system known_hosts';
  if (verdict.kind === 'revoked')
    return new SshRefusal(`REFUSED: ${name} showed an ${shown}, which ${where} marks as revoked.`, "Ask the server's admin for its current host key.");
  return new SshRefusal(
    `WARNING: THE HOST KEY OF ${name} HAS CHANGED. It showed an ${shown}, not the key in ${where}. Someone may be intercepting the connection, or the server was reinstalled: ClassLab refuses to connect.`,
    `Ask the server's admin whether its key changed and what its fingerprint is. Only then remove the old line (\`ssh-keygen -R '${name}'\`) and trust the new key. ClassLab reconnects by itself.`,
  );
}

/** ssh2's host key algorithms, the ones matching known key types first. */
export function hostKeyOrder(knownTypes: string[]): ServerHostKeyAlgorithm[] {
  const all = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] as const;
  const wanted = (alg: string) => knownTypes.includes(alg.startsWith('rsa-sha2-') ? 'ssh-rsa' : alg);
  return [...all.filter(wanted), ...all.filter((a) => !wanted(a))];
}

/** The few socket methods Node's http client and agent call, on a channel that has none of them. */
function asSocket(channel: ClientChannel): Duplex {
  const s = channel as ClientChannel & Record<string, unknown>;
  let timer: NodeJS.Timeout | null = null;
  let idleMs = 0;
  const arm = () => {
    if (timer) clearTimeout(timer);
    timer = idleMs > 0 ? setTimeout(() => s.emit('timeout'), idleMs) : null;
  };
  s.on('data', () => idleMs && arm());
  s.on('close', () => timer && clearTimeout(timer));
  s.setTimeout = (ms: number, cb?: () => void) => {
    idleMs = ms;
    if (cb) s.once('timeout', cb);
    arm();
    return s;
  };
  // A Docker stream that is given up (an event stream, a terminal, a log follow) is destroyed here, but
  // ssh's close alone leaves dial-stdio running on the remote: it has sent EOF to the engine, which keeps
  // streaming, and sshd waits for the process before it closes the session (measured: every closed event
  // stream kept its session and process). So the process is killed first (ssh's "signal" request).
  const closeChannel = channel.destroy.bind(channel);
  s.destroy = (err?: Error) => {
    if (!s.destroyed) {
      s.destroyed = true;
      try {
        channel.signal('KILL');
      } catch {
        // the channel is already closing
      }
      closeChannel();
      if (err) process.nextTick(() => s.emit('error', err));
    }
    return s;
  };
  s.setKeepAlive = () => s;
  s.setNoDelay = () => s;
  s.ref = () => s;
  s.unref = () => s;
  return channel;
}

/**
 * The host key a server shows, and nothing more: the handshake stops right after it (no key is offered,
 * nothing is trusted). For `classlab engine trust`, which shows its fingerprint and asks.
 */
export function scanHostKey(target: SshTarget, timeoutMs = 10_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let key: Buffer | null = null;
    client.on('error', (err: Error & { code?: string }) => {
      if (key) return resolve(key);
      reject(new Error(`${sshUrl(target)} did not show a host key: ${err.code === 'ECONNREFUSED' ? 'connection refused' : err.message}`));
    });
    client.on('close', () => (key ? resolve(key) : undefined));
    client.connect({
      host: target.host,
      port: target.port,
      username: target.user ?? 'classlab',
      readyTimeout: timeoutMs,
      hostVerifier: (blob: Buffer) => {
        key = Buffer.from(blob);
        return false;
      },
    });
  });
}

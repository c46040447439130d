// A real sshd (Debian's openssh-server) for the remote-engine tests: started by the test on a loopback
// port with a config, a host key and authorized keys of its own in a temp folder, and a "desktop home" of
// the test's own (its .ssh holds the user's key and known_hosts), so the user's real ~/.ssh is never read
// or written. The remote engine it leads to is this machine's own dockerd, reached as root over ssh with
// the docker CLI's `docker system dial-stdio`, exactly as a class server would be.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Debian's sshd, when openssh-server is installed (CI installs it); null: the tests say they were skipped. */
export const SSHD_BIN = ['/usr/sbin/sshd'].find((p) => existsSync(p)) ?? null;
/** The remote needs the docker CLI (dial-stdio) and root here (sshd runs as root, the test logs in as root). */
export const CAN_RUN_SSHD = SSHD_BIN !== null && process.getuid?.() === 0 && ['/usr/local/bin/docker', '/usr/bin/docker'].some((p) => existsSync(p));

export type KeyType = 'ed25519' | 'rsa';

export async function keygen(file: string, type: KeyType, comment = 'classlab-test'): Promise<string> {
  // -N '' : no passphrase (a test key); nothing secret reaches an argument.
  await run('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '3072'] : []), '-N', '', '-C', comment, '-f', file]);
  return readFileSync(`${file}.pub`, 'utf8').trim();
}

/** ssh-keygen's own fingerprint of a public key file: SHA256:… */
export async function fingerprintOf(pubFile: string): Promise<string> {
  const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubFile]);
  return stdout.split(/\s+/)[1] ?? '';
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    c.once('data', (d) => {
      c.destroy();
      resolve(d.toString('latin1').startsWith('SSH-'));
    });
    c.once('error', () => resolve(false));
    c.setTimeout(1000, () => {
      c.destroy();
      resolve(false);
    });
  });
}

export class TestSshd {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'classlab-sshd-'));
  readonly hostKey = path.join(this.dir, 'host_ed25519');
  readonly authorizedKeys = path.join(this.dir, 'authorized_keys');
  /** The remote user's home as its commands see it ($HOME): empty, no shell startup files. */
  readonly home = path.join(this.dir, 'home');
  port = 0;
  private child: ChildProcess | null = null;
  log = '';

  /**
   * Makes the host key and the config; `authorized` are the public key lines that may log in as root.
   * `streamLocal` false: no forwarding of Unix sockets, so ClassLab must fall back to dial-stdio.
   */
  async prepare(authorized: string[], { streamLocal = true } = {}): Promise<void> {
    await keygen(this.hostKey, 'ed25519', 'classlab-test-host');
    mkdirSync(this.home, { mode: 0o700 });
    writeFileSync(this.authorizedKeys, `${authorized.join('\n')}\n`, { mode: 0o600 });
    this.port = await freePort();
    writeFileSync(
      path.join(this.dir, 'sshd_config'),
      [
        'ListenAddress 127.0.0.1',
        `HostKey ${this.hostKey}`,
        `PidFile ${path.join(this.dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${this.authorizedKeys}`,
        'PermitRootLogin prohibit-password',
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        // The temp folder is under /tmp (world-writable): StrictModes would refuse the key file's path.
        'StrictModes no',
        // What ClassLab needs: local forwarding (the gate, the engine's socket) and commands, nothing else.
        'AllowTcpForwarding local',
        `AllowStreamLocalForwarding ${streamLocal ? 'local' : 'no'}`,
        'AllowAgentForwarding no',
        'X11Forwarding no',
        'PermitTunnel no',
        'LogLevel VERBOSE',
        // A clean server's root: the commands' shell (bash -c, which reads ~/.bashrc under sshd) gets a home
        // of its own. This machine's /root/.bashrc runs `pyenv init`, whose rehash waits up to 60 s for a
        // lock that a session killed by stop() can leave behind: every command then took 60 s. (ClassLab
        // asks the remote one command per remote for that reason: ssh-remote.ts, engineSocket.)
        `SetEnv HOME=${this.home}`,
        '',
      ].join('\n'),
    );
  }

  /** Starts sshd (again) on its port and waits until it answers. */
  async start(): Promise<void> {
    if (this.child) return;
    // sshd's privilege separation folder (systemd makes it; here nobody does).
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    const child = spawn(SSHD_BIN!, ['-D', '-e', '-f', path.join(this.dir, 'sshd_config'), '-p', String(this.port)], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (d: Buffer) => {
      if (this.log.length < 200_000) this.log += d.toString('utf8');
    });
    this.child = child;
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) throw new Error(`sshd exited (${child.exitCode}): ${this.log.slice(-2000)}`);
      if (await answers(this.port)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`sshd did not answer on 127.0.0.1:${this.port}: ${this.log.slice(-2000)}`);
  }

  /**
   * Stops sshd and every session it forked, as a server going away does. sshd puts each connection in a
   * session of its own, so its children are found by their parent (this sshd's PID) and ended by PID.
   */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    this.child = null;
    const pids = descendants(child.pid);
    child.kill('SIGTERM');
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
  }

  get url(): string {
    return `ssh://root@127.0.0.1:${this.port}`;
  }
}

/** The processes below `pid` (by /proc's parent links). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(name), ppid);
    } catch {
      // ended meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parents) {
      if (parent === p) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return out;
}

/** A desktop user's home for the test: .ssh with the given key files and known_hosts text. */
export function desktopHome(knownHosts: string): string {
  const home = mkdtempSync(path.join(os.tmpdir(), 'classlab-desktop-'));
  mkdirSync(path.join(home, '.ssh'), { mode: 0o700 });
  writeFileSync(path.join(home, '.ssh', 'known_hosts'), knownHosts, { mode: 0o600 });
  return home;
}

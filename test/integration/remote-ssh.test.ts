// A remote Docker engine over ssh (issue #16): a real sshd (Debian's openssh-server) started here on a
// loopback port with a host key, authorized keys and a desktop home of the test's own, and ClassLab's core
// with DOCKER_HOST=ssh://root@127.0.0.1:PORT. The "remote" engine is this machine's dockerd reached through
// that sshd (`docker system dial-stdio`), so every call and the notebook go through the ssh connection:
// open the python lab, run code in its kernel through the forwarded gate, a terminal, an upload, the gate
// bound to the remote's loopback only, host keys (hashed known_hosts, unknown, changed), ed25519 and RSA
// keys, sshd going away (engine down, with what was tried) and coming back (reconnected by itself), and the
// sandbox check. Runs as root where sshd is installed (CI installs openssh-server); else says it skipped.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startBridge, type Bridge } from '../../electron/bridge/server';
import { engineCandidates } from '../../electron/core/engine/discovery';
import { Engine } from '../../electron/core/engine/engine';
import { labNames } from '../../electron/core/labs/naming';
import { packTar } from '../../electron/core/workspace/tar';
import { docker, ensureImages, execIn, removeNamespace, testCore, uniqueNamespace } from '../support/docker';
import { codeOf } from '../support/fixtures';
import { runInKernel } from '../support/kernel';
import { CAN_RUN_SSHD, desktopHome, fingerprintOf, keygen, TestSshd } from '../support/sshd';
import { putTar } from '../support/transfer-client';
import { openTerminal } from '../support/terminal';

const run = promisify(execFile);

if (!CAN_RUN_SSHD) console.warn("[remote-ssh] SKIPPED: needs root, Debian's openssh-server (/usr/sbin/sshd) and the docker CLI; nothing of it was tested.");

const ns = uniqueNamespace('clssh');
const names = labNames(ns, 'python');
const sshd = new TestSshd();
let home = '';
let rsaPub = '';
let rsaHome = '';
let engine: Engine;
let core: Awaited<ReturnType<typeof testCore>>;
let bridge: Bridge;
let notebookUrl = '';
/** Where sshd's log stood when it came back (the "sshd goes away" test). */
let logAtRestart = -1;

/** An engine for DOCKER_HOST=ssh://root@127.0.0.1:PORT with this desktop home (its .ssh), no agent. */
function sshEngine(desktop: string, server = sshd): Engine {
  return new Engine(engineCandidates({ platform: 'linux', env: { DOCKER_HOST: server.url }, home: desktop }), {
    ssh: { home: desktop, agentSocket: null, systemKnownHosts: [] },
  });
}

function hostKeyLine(server = sshd): string {
  const [type, key] = readFileSync(`${server.hostKey}.pub`, 'utf8').trim().split(/\s+/);
  return `[127.0.0.1]:${server.port} ${type} ${key}\n`;
}

/** One GET to 127.0.0.1:port with these headers (Host included), its status. */
function statusOf(port: number, pathname: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: pathname, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: 2000 }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
    s.on('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

beforeAll(async () => {
  if (!CAN_RUN_SSHD) return;
  // The desktop user: an ed25519 key, and known_hosts with the remote's key in HashKnownHosts form.
  home = desktopHome('');
  const edPub = await keygen(path.join(home, '.ssh', 'id_ed25519'), 'ed25519');
  // A second desktop user whose only key is RSA.
  rsaHome = desktopHome('');
  rsaPub = await keygen(path.join(rsaHome, '.ssh', 'id_rsa'), 'rsa');
  await sshd.prepare([edPub]);
  await sshd.start();
  const known = path.join(home, '.ssh', 'known_hosts');
  writeFileSync(known, hostKeyLine());
  await run('ssh-keygen', ['-H', '-f', known]);
  expect(readFileSync(known, 'utf8')).toMatch(/^\|1\|/);

  engine = sshEngine(home);
  core = await testCore(ns, { engine });
  await ensureImages(core);
  const staticDir = mkdtempSync(path.join(os.tmpdir(), 'classlab-static-'));
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>ClassLab</title>');
  bridge = await startBridge({ core, staticDir, port: 0, log: core.log });
}, 900_000);

afterAll(async () => {
  if (!CAN_RUN_SSHD) return;
  await bridge?.close();
  await core?.close();
  await removeNamespace(ns);
  await sshd.stop();
}, 300_000);

describe.skipIf(!CAN_RUN_SSHD)('the python lab on a remote engine over ssh', () => {
  it('finds the engine through DOCKER_HOST=ssh://…, its host key in a hashed known_hosts', async () => {
    const status = await core.service['engine:status']();
    expect(status).toMatchObject({ state: 'up', endpoint: sshd.url, problem: null });
    expect(status.version).toBeTruthy();
    // Every Docker call went through the sshd: it logged our key and dial-stdio sessions.
    expect(sshd.log).toMatch(/Accepted publickey for root from 127\.0\.0\.1 port \d+ ssh2: ED25519/);
    expect(sshd.log).toMatch(/Starting session: command for root/);
  });

  it('opens the lab; the notebook is reached through the ssh connection on a local port, with the token only', async () => {
    const started = Date.now();
    const view = await core.service['labs:open']('python');
    console.log(`[remote-ssh] first open over ssh (containers made): ${Date.now() - started} ms`);
    expect(view.phase).toBe('ready');
    notebookUrl = view.notebookUrl!;
    const url = new URL(notebookUrl);
    expect(url.hostname).toBe('127.0.0.1');
    const gate = await docker.getContainer(names.gate).inspect();
    const remotePort = Number(gate.NetworkSettings.Ports?.['8888/tcp']?.[0]?.HostPort);
    // The remote's port is taken by the gate here (same machine), so the local end is another port: the
    // page's Host and Origin carry the local one, which the gate accepts (it checks form, not number).
    expect(Number(url.port)).not.toBe(remotePort);
    const token = url.searchParams.get('token')!;
    expect((await fetch(new URL('/api/status', url.origin), { headers: { Authorization: `token ${token}` } })).status).toBe(200);
    expect((await fetch(new URL('/api/status', url.origin))).status).toBe(403);
    // The gate's rules hold through the forward: a foreign Host and another origin are refused.
    // (fetch cannot set a Host header: a plain request can, as a DNS-rebinding page's browser would send it.)
    expect(await statusOf(Number(url.port), '/api/status', { Authorization: `token ${token}`, Host: `evil.example:${url.port}` })).toBe(403);
    expect(await statusOf(Number(url.port), '/lab', { Origin: `http://127.0.0.1:${Number(url.port) + 1}` })).toBe(403);
    // Electron's session compares the lab's origin: the view's address is the one that answers.
    expect(sshd.log).toMatch(/Connection from 127\.0\.0\.1/);
  }, 300_000);

  it("publishes the gate on the remote's 127.0.0.1 only, and nothing of the lab elsewhere", async () => {
    const gate = await docker.getContainer(names.gate).inspect();
    const bindings = Object.values(gate.NetworkSettings.Ports ?? {})
      .flat()
      .filter(Boolean);
    expect(bindings.length).toBe(1);
    expect(bindings[0]!.HostIp).toBe('127.0.0.1');
    const lab = await docker.getContainer(names.container).inspect();
    expect(Object.keys(lab.NetworkSettings.Ports ?? {})).toEqual([]);
    const remotePort = Number(bindings[0]!.HostPort);
    const localPort = Number(new URL(notebookUrl).port);
    // Neither port answers on any non-loopback address of the machine (the remote and the desktop here).
    const external = Object.values(os.networkInterfaces())
      .flat()
      .filter((i) => i && !i.internal && i.family === 'IPv4');
    for (const i of external) {
      expect(await connects(i!.address, remotePort), `${i!.address}:${remotePort}`).toBe(false);
      expect(await connects(i!.address, localPort), `${i!.address}:${localPort}`).toBe(false);
    }
  });

  it("runs a notebook cell through the forwarded gate (kernel WebSocket with the lab's origin)", async () => {
    expect(await runInKernel(notebookUrl, 'import os\nprint(6*7, os.getuid())')).toBe('42 1000\n');
  }, 120_000);

  it('opens a terminal in the lab (docker exec over the ssh connection)', async () => {
    const t = await openTerminal(core, 'python');
    await t.write('echo "$(id -u) $((6*7))"; pwd\r');
    await expect.poll(t.text, { timeout: 30_000 }).toMatch(/^1000 42\n\/home\/student\/work$/m);
    await t.close();
    t.off();
  }, 60_000);

  it('uploads a file through the bridge, and the lab sees it', async () => {
    const data = `uploaded over ssh ${Date.now()}\n`;
    const plan = await core.service['files:uploadPlan']('python', {
      dir: '',
      entries: [{ path: 'over-ssh.txt', kind: 'file', size: Buffer.byteLength(data) }],
    });
    const res = await putTar(bridge.port, plan.path, packTar([{ path: 'over-ssh.txt', kind: 'file', data }]));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await execIn(names.container, ['cat', '/home/student/work/over-ssh.txt'], '1000:1000')).out).toBe(data.trim());
    const listing = await core.service['files:list']('python', '');
    expect(listing.entries.map((e) => e.name)).toContain('over-ssh.txt');
  }, 60_000);

  it('keeps no key material in its log', () => {
    const all = core.log.lines.join('\n');
    expect(all).not.toMatch(/PRIVATE KEY|BEGIN OPENSSH/);
    expect(all).not.toContain(readFileSync(path.join(home, '.ssh', 'id_ed25519'), 'utf8').split('\n')[1]!);
  });

  it('shows engine-down with what was tried when sshd goes away, and reconnects by itself when it is back', async () => {
    await sshd.stop();
    // Started again whatever happens below: the tests after this one need it.
    onTestFinished(() => sshd.start().catch(() => undefined));
    await expect.poll(async () => (await core.service['engine:status']()).problem ?? '', { timeout: 30_000, interval: 500 }).toMatch(/connection refused/);
    const down = await core.service['engine:status']();
    expect(down.state).toBe('down');
    expect(down.problem).toContain(sshd.url);
    expect(down.hint).toMatch(/over ssh .*reconnects by itself/);
    expect(await codeOf(core.service['labs:open']('python'))).toBe('ENGINE_DOWN');
    // The notebook's local end stays, but leads nowhere while the connection is gone.
    const url = new URL(notebookUrl);
    const token = url.searchParams.get('token')!;
    expect(
      await fetch(new URL('/api/status', url.origin), { headers: { Authorization: `token ${token}` }, signal: AbortSignal.timeout(5000) }).then(
        (r) => r.status,
        () => 'no answer',
      ),
    ).toBe('no answer');

    logAtRestart = sshd.log.length;
    await sshd.start();
    await expect.poll(async () => (await core.service['engine:status']()).state, { timeout: 30_000, interval: 500 }).toBe('up');
    // The same address works again: the lab ran on the remote all along.
    expect((await fetch(new URL('/api/status', url.origin), { headers: { Authorization: `token ${token}` } })).status).toBe(200);
    await expect.poll(async () => (await core.service['labs:list']()).labs.find((l) => l.id === 'python')?.phase, { timeout: 30_000 }).toBe('ready');
  }, 120_000);

  it('stops and opens again over ssh, with the workspace kept', async () => {
    await core.service['labs:stop']('python');
    const t = Date.now();
    const view = await core.service['labs:open']('python');
    console.log(`[remote-ssh] open-to-ready of the stopped lab over ssh: ${Date.now() - t} ms`);
    expect(view.phase).toBe('ready');
    expect((await core.service['files:list']('python', '')).entries.map((e) => e.name)).toContain('over-ssh.txt');
    expect(await runInKernel(view.notebookUrl!, 'print(sum(range(10)))')).toBe('45\n');
    // Still on socket forwards after the reconnect: the only commands sshd ran since it came back are the
    // new connection's question for the engine's socket. A forward cut off by sshd's going away had once
    // moved the next connection onto dial-stdio for good (a process per request: pings of 30 s).
    expect(logAtRestart).toBeGreaterThanOrEqual(0);
    const commands = sshd.log.slice(logAtRestart).match(/Starting session: command for root/g) ?? [];
    expect(commands.length).toBeLessThanOrEqual(2);
  }, 300_000);
});

describe.skipIf(!CAN_RUN_SSHD)('host keys and user keys', () => {
  it('refuses an unknown host key with its fingerprint and how to trust it', async () => {
    const stranger = desktopHome('');
    await keygen(path.join(stranger, '.ssh', 'id_ed25519'), 'ed25519');
    const e = sshEngine(stranger);
    try {
      const status = await e.check();
      expect(status.state).toBe('down');
      const fp = await fingerprintOf(`${sshd.hostKey}.pub`);
      expect(status.problem).toBe(
        `The host key of [127.0.0.1]:${sshd.port} is not known to this computer (it showed an ED25519 key ${fp}), so ClassLab did not connect.`,
      );
      expect(status.hint).toContain(`ssh -p ${sshd.port} root@127.0.0.1`);
      expect(status.hint).toContain('classlab engine trust');
    } finally {
      e.close();
    }
  });

  it('refuses a changed host key loudly', async () => {
    const victim = desktopHome('');
    await keygen(path.join(victim, '.ssh', 'id_ed25519'), 'ed25519');
    const other = await keygen(path.join(victim, 'other_host_key'), 'ed25519');
    writeFileSync(
      path.join(victim, '.ssh', 'known_hosts'),
      `# an old key of this server\n[127.0.0.1]:${sshd.port} ${other.split(' ').slice(0, 2).join(' ')}\n`,
    );
    const e = sshEngine(victim);
    try {
      const status = await e.check();
      expect(status.state).toBe('down');
      expect(status.problem).toMatch(new RegExp(`^WARNING: THE HOST KEY OF \\[127\\.0\\.0\\.1\\]:${sshd.port} HAS CHANGED\\.`));
      expect(status.problem).toContain('~/.ssh/known_hosts line 2');
      expect(status.hint).toContain(`ssh-keygen -R '[127.0.0.1]:${sshd.port}'`);
    } finally {
      e.close();
    }
  });

  it('logs in with an RSA key file, and uses dial-stdio where sshd forwards no Unix socket', async () => {
    // A second server: only the RSA key may log in, and it forwards no Unix sockets (so every Docker
    // connection is `docker system dial-stdio` on the remote, as the docker CLI does it).
    const plain = new TestSshd();
    await plain.prepare([rsaPub], { streamLocal: false });
    await plain.start();
    writeFileSync(path.join(rsaHome, '.ssh', 'known_hosts'), hostKeyLine(plain));
    const e = sshEngine(rsaHome, plain);
    try {
      expect(await e.check()).toMatchObject({ state: 'up', endpoint: plain.url });
      const d = e.docker();
      // Stopped ones too: this asks what exists, whatever an earlier test left running.
      const ours = await d.listContainers({ all: true, filters: { label: [`classlab.instance=${ns}`] } });
      expect(ours.map((c) => c.Names[0])).toContain(`/${names.gate}`);
      expect(plain.log).toMatch(/Accepted publickey for root from 127\.0\.0\.1 port \d+ ssh2: RSA/);
      expect(plain.log).toMatch(/Starting session: command for root/);
    } finally {
      e.close();
      await plain.stop();
    }
  });

  it('says which keys it offered when the server takes none of them', async () => {
    const unknownUser = desktopHome(hostKeyLine());
    await keygen(path.join(unknownUser, '.ssh', 'id_ed25519'), 'ed25519');
    const e = sshEngine(unknownUser);
    try {
      const status = await e.check();
      expect(status.state).toBe('down');
      expect(status.problem).toBe(`${sshd.url} refused every key ClassLab offered (${path.join(unknownUser, '.ssh', 'id_ed25519')}).`);
      expect(status.hint).toContain('authorized_keys');
    } finally {
      e.close();
    }
  });
});

// Measured here: 113 s once docker-modem's inspect of the agent was fixed (the throw-away lab's notebook
// had not answered within 90 s through its forward before, while the event loop was spinning).
describe.skipIf(!CAN_RUN_SSHD)('the sandbox check over ssh', () => {
  it('blocks every attack on a throw-away python lab on the remote engine', async () => {
    // Through the core, as the admin's button runs it: the throw-away labs' gates are reached by forwards too.
    const [report] = await core.service['audit:run']('python');
    for (const r of report!.results) console.log(`${r.blocked ? 'BLOCKED    ' : 'NOT BLOCKED'} ${r.attack}: ${r.evidence}`);
    expect(report!.problem).toBeNull();
    expect(report!.results.length).toBeGreaterThan(20);
    expect(report!.results.filter((r) => !r.blocked).map((r) => `${r.attack}: ${r.evidence}`)).toEqual([]);
  }, 900_000);
});

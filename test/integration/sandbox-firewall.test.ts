// The firewall of a lab allowed on the internet, on the real engine: the host's services (via Docker's
// default bridge gateway and the lab network's own gateway) are refused, loopback and Docker's DNS still
// work, the lab user cannot read or change the rules, and no rule refuses a public address. No packet is
// sent beyond this machine: the only listeners probed are the ones this test starts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import path from 'node:path';
import {
  docker,
  execIn,
  memoryLogger,
  REPO,
  removeNamespace,
  testCore,
  testLabDeps,
  testPolicy,
  trustedGateImage,
  uniqueNamespace,
  testCatalog,
} from '../support/docker';
import { labNames } from '../../electron/core/labs/naming';
import { demuxLogs } from '../../electron/core/engine/exec';
import { loadCatalog } from '../../electron/core/profiles/catalog';
import { applyLabFirewall } from '../../electron/core/sandbox/firewall';
import { GATE_IMAGE } from '../../electron/core/sandbox/policy';
import { holderName } from '../../electron/core/sandbox/network-holder';
import { LabContainers } from '../../electron/core/labs/containers';
import { Profile } from '../../electron/core/profiles/schema';
import os from 'node:os';
import { runAudit, type AttackResult } from '../../electron/core/audit';

const ns = uniqueNamespace('clfw');
let catalogDir = '';
const LAB = 'web';
const names = labNames(ns, LAB);
let core: Awaited<ReturnType<typeof testCore>>;
let server: net.Server;
let port = 0;
let labGateway = '';

/** Python run as the lab user: connect to each host:port with a 3 s timeout, one line per target. */
const PROBE = `
import socket, sys
for target in sys.argv[1:]:
    host, port = target.rsplit(':', 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(3)
    try:
        s.connect((host, int(port)))
        print(target, 'REACHED', s.recv(64))
    except Exception as e:
        print(target, 'BLOCKED', type(e).__name__, e)
    finally:
        s.close()
`;

function probe(...targets: string[]) {
  return execIn(names.container, ['python3', '-c', PROBE, ...targets], '1000');
}

beforeAll(async () => {
  const python = JSON.parse(JSON.stringify((await loadCatalog(path.join(REPO, 'images'), testPolicy())).profiles.find((p) => p.id === 'python')));
  catalogDir = testCatalog([{ ...python, id: LAB, title: 'Web lab', network: 'internet', mounts: [], resources: { ...python.resources, diskMiB: 64 } }]);
  core = await testCore(ns, { catalogDir });
  const { labs } = await core.service['labs:list']();
  if (labs.find((l) => l.id === LAB)?.phase === 'image-missing') await core.service['images:prepare'](LAB);

  // A service on the host, on every address (as a student's target would be: a database, a dev server).
  server = net.createServer((s) => {
    s.on('error', () => undefined);
    s.end('host-service\n');
  });
  await new Promise<void>((resolve) => server.listen({ host: '0.0.0.0', port: 0 }, resolve));
  port = (server.address() as net.AddressInfo).port;

  const view = await core.service['labs:open'](LAB);
  expect(view.phase).toBe('ready');
  const n = (await docker.getNetwork(names.network).inspect()) as { IPAM?: { Config?: { Gateway?: string }[] } };
  labGateway = n.IPAM?.Config?.[0]?.Gateway ?? '';
}, 900_000);

afterAll(async () => {
  server?.close();
  await core?.close();
  await removeNamespace(ns);
});

describe('firewall of an internet lab', () => {
  it('the host listener answers from the host itself (control), on both gateways', async () => {
    expect(labGateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    for (const host of ['172.17.0.1', labGateway]) {
      const ok = await new Promise<boolean>((resolve) => {
        const s = net.connect({ host, port, timeout: 3000 }, () => (s.end(), resolve(true)));
        s.on('error', () => resolve(false));
      });
      expect(ok, host).toBe(true);
    }
  });

  it("refuses the host's service via the docker0 gateway and via the lab network's own gateway", async () => {
    const r = await probe(`172.17.0.1:${port}`, `${labGateway}:${port}`);
    console.log(r.out);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l).toContain('BLOCKED');
    // REJECT: refused at once, not a 3 s timeout.
    for (const l of lines) expect(l).toMatch(/ConnectionRefusedError/);
  });

  it("loopback inside the lab still works, and Docker DNS answers (the lab resolves its holder's name)", async () => {
    const r = await execIn(
      names.container,
      [
        'python3',
        '-c',
        `import socket, threading
srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(1)
threading.Thread(target=lambda: srv.accept()[0].sendall(b'lo-ok'), daemon=True).start()
c = socket.create_connection(srv.getsockname(), timeout=3); print(c.recv(16).decode())
print('DNS', socket.gethostbyname('${holderName(names)}'))`,
      ],
      '1000',
    );
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('lo-ok');
    expect(r.out).toMatch(/DNS \d+\.\d+\.\d+\.\d+/);
  });

  it('the lab user cannot read or change the rules', async () => {
    const inLab = await execIn(names.container, ['sh', '-c', 'iptables -S 2>&1; echo "exit=$?"'], '1000');
    expect(inLab.out).not.toMatch(/exit=0\b/);
    // With iptables at hand (the gate image) and the lab user's privileges in the lab's namespace: denied.
    const c = await docker.createContainer({
      Image: GATE_IMAGE,
      User: '1000:1000',
      Entrypoint: ['/bin/sh', '-c'],
      Cmd: ['iptables-nft -S OUTPUT 2>&1; echo "exit=$?"; iptables-nft -F OUTPUT 2>&1; echo "exit=$?"'],
      Labels: { 'classlab.instance': ns },
      HostConfig: { NetworkMode: `container:${names.container}`, CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges:true'], ReadonlyRootfs: true },
    });
    try {
      await c.start();
      await c.wait();
      const out = demuxLogs((await c.logs({ stdout: true, stderr: true })) as unknown as Buffer).join('\n');
      console.log(out);
      expect(out).not.toMatch(/exit=0\b/);
      expect(out).toMatch(/Permission denied|not permitted/i);
    } finally {
      await c.remove({ force: true });
    }
    // And the rules are still there.
    expect((await probe(`172.17.0.1:${port}`)).out).toContain('BLOCKED');
  });

  it('keeps the internet open: no rule refuses a public address (checked without sending a packet)', async () => {
    const check = async (args: string) => {
      const c = await docker.createContainer({
        Image: GATE_IMAGE,
        User: '0:0',
        Entrypoint: ['/bin/sh', '-c'],
        Cmd: [`iptables-nft ${args} 2>&1; echo "exit=$?"`],
        Labels: { 'classlab.instance': ns },
        HostConfig: {
          NetworkMode: `container:${names.container}`,
          CapDrop: ['ALL'],
          CapAdd: ['NET_ADMIN'],
          SecurityOpt: ['no-new-privileges:true'],
          ReadonlyRootfs: true,
        },
      });
      try {
        await c.start();
        await c.wait();
        return demuxLogs((await c.logs({ stdout: true, stderr: true })) as unknown as Buffer).join('\n');
      } finally {
        await c.remove({ force: true });
      }
    };
    expect(await check('-C OUTPUT -d 8.8.8.8 -j REJECT --reject-with icmp-port-unreachable')).not.toMatch(/exit=0\b/);
    expect(await check('-C OUTPUT -d 10.0.0.0/8 -j REJECT --reject-with icmp-port-unreachable')).toMatch(/exit=0\b/);
    expect(await check('-C OUTPUT -d 172.16.0.0/12 -j REJECT --reject-with icmp-port-unreachable')).toMatch(/exit=0\b/);
    const policy = await check('-S OUTPUT');
    expect(policy).toContain('-P OUTPUT ACCEPT');
  });

  it('is applied again at every start (a fresh start is a fresh network namespace)', async () => {
    await core.service['labs:stop'](LAB);
    const view = await core.service['labs:open'](LAB);
    expect(view.phase).toBe('ready');
    expect((await probe(`172.17.0.1:${port}`, `${labGateway}:${port}`)).out).not.toContain('REACHED');
    const leftovers = await docker.listContainers({ all: true, filters: { label: [`classlab.instance=${ns}`, 'classlab.role=firewall'] } });
    expect(leftovers).toEqual([]);
  });

  it("is in place before the lab's first process: a lab whose own command probes the host at once is refused from the first try", async () => {
    const lan = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && !i.internal && i.family === 'IPv4')?.address;
    const targets = ['172.17.0.1', ...(lan ? [lan] : [])];
    // bash's /dev/tcp: no interpreter to load, so the first connect is made within milliseconds of the
    // container's start; 40 tries over about two seconds.
    // Each try says how it ended: REACHED, or the error (a refusal in milliseconds, or the time box).
    const script = `for i in $(seq 1 40); do for h in ${targets.join(' ')}; do if timeout 2 bash -c "exec 3<>/dev/tcp/$h/${port}" 2>/tmp/err; then echo "try $i $h REACHED"; else echo "try $i $h not reached: $(tail -n 1 /tmp/err)"; fi; done; sleep 0.05; done; echo probe-done; exec sleep infinity`;
    const base = (await loadCatalog(catalogDir, testPolicy())).profiles.find((p) => p.id === LAB)!;
    const probeProfile = Profile.parse({ ...base, id: 'first', server: { ...base.server, command: ['/bin/bash', '-c', script] } });
    const first = new LabContainers(() => docker, probeProfile, ns, testLabDeps());
    // Control: the very same probe on the lab's network, without the holder and its firewall, reaches the host.
    await first.ensureVolumes();
    await docker.createNetwork({
      Name: first.names.network,
      Driver: 'bridge',
      Labels: { 'classlab.instance': ns },
      Options: { 'com.docker.network.bridge.enable_icc': 'false' },
    });
    const control = await docker.createContainer({
      Image: probeProfile.image,
      User: '1000:1000',
      Entrypoint: ['/bin/bash', '-c', script.replace('exec sleep infinity', 'exit 0')],
      Labels: { 'classlab.instance': ns },
      HostConfig: {
        NetworkMode: first.names.network,
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges:true'],
        ReadonlyRootfs: true,
        Tmpfs: { '/tmp': 'rw,size=1m' },
      },
    });
    try {
      await control.start();
      await control.wait();
      const out = demuxLogs((await control.logs({ stdout: true, stderr: true })) as unknown as Buffer);
      expect(out.find((l) => l.startsWith('try 1 172.17.0.1'))).toBe('try 1 172.17.0.1 REACHED');
    } finally {
      await control.remove({ force: true });
    }
    try {
      await first.start();
      let logs: string[] = [];
      for (const until = Date.now() + 90_000; Date.now() < until && !logs.includes('probe-done'); await new Promise((r) => setTimeout(r, 500)))
        logs = await first.logTail(200);
      expect(logs, logs.join('\n')).toContain('probe-done');
      const tries = logs.filter((l) => l.startsWith('try '));
      console.log(tries.slice(0, 4).join('\n'));
      expect(tries).toHaveLength(40 * targets.length);
      expect(tries.filter((l) => !l.endsWith('Connection refused'))).toEqual([]);
      // The order, from Docker's side: the lab is in the holder's namespace, and no firewall helper is left.
      const lab = await docker.getContainer(first.names.container).inspect();
      const holder = await docker.getContainer(holderName(first.names)).inspect();
      expect(lab.HostConfig.NetworkMode).toBe(`container:${holder.Id}`);
      expect(holder.State.Running).toBe(true);
      expect(new Date(holder.State.StartedAt).getTime()).toBeLessThan(new Date(lab.State.StartedAt).getTime());
      const helpers = await docker.listContainers({ all: true, filters: { label: [`classlab.instance=${ns}`, 'classlab.role=firewall'] } });
      expect(helpers).toEqual([]);
    } finally {
      await first.removeEverything();
    }
  }, 300_000);

  it('a lab cannot start without its holder (stopped with it), and opening it again loads the firewall again', async () => {
    // With the holder stopped behind ClassLab's back, starting the lab container by hand fails: it has
    // no namespace of its own to fall back to.
    await core.service['labs:stop'](LAB);
    await expect(docker.getContainer(names.container).start()).rejects.toThrow();
    const view = await core.service['labs:open'](LAB);
    expect(view.phase).toBe('ready');
    expect((await probe(`172.17.0.1:${port}`)).out).toContain('BLOCKED');
  });

  it('fails closed in plain words when the rules cannot be loaded, and leaves no helper behind', async () => {
    const profile = (await loadCatalog(catalogDir, testPolicy())).profiles.find((p) => p.id === LAB)!;
    await expect(applyLabFirewall(docker, `${ns}-no-such-lab`, profile, ns, await trustedGateImage())).rejects.toMatchObject({
      code: 'START_FAILED',
      message: expect.stringContaining('firewall'),
    });
    const leftovers = await docker.listContainers({ all: true, filters: { label: [`classlab.instance=${ns}`, 'classlab.role=firewall'] } });
    expect(leftovers).toEqual([]);
  });

  it('the audit of an internet profile blocks every network line', async () => {
    const profile = (await loadCatalog(catalogDir, testPolicy())).profiles.find((p) => p.id === LAB)!;
    const results: AttackResult[] = await runAudit({
      docker: () => docker,
      profile,
      namespace: ns,
      log: memoryLogger(),
      diskMiB: 32,
      only: ['network'],
      policy: testPolicy(),
      gateImage: trustedGateImage,
    });
    for (const r of results) console.log(`${r.blocked ? 'BLOCKED    ' : 'NOT BLOCKED'} ${r.attack}: ${r.evidence}`);
    expect(results.length).toBeGreaterThanOrEqual(2);
    expect(results.filter((r) => !r.blocked).map((r) => `${r.attack}: ${r.evidence}`)).toEqual([]);
  }, 600_000);
});

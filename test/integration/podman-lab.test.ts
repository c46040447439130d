// The python lab on Podman's Docker-compatible API (issue #16): ClassLab finds the engine through
// DOCKER_HOST, opens the lab with the whole sandbox floor, runs a notebook cell, a terminal, a quick run,
// file operations and the sandbox check. Runs wherever the podman package is installed (CI installs it
// with catatonit and starts its service); elsewhere it is reported as skipped, never as passed.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, type AttackResult } from '../../electron/core/audit';
import { engineCandidates } from '../../electron/core/engine/discovery';
import { Engine } from '../../electron/core/engine/engine';
import { HelperImages } from '../../electron/core/images/helper-images';
import { labNames } from '../../electron/core/labs/naming';
import { loadCatalog } from '../../electron/core/profiles/catalog';
import { engineSecurity } from '../../electron/core/sandbox/engine-security';
import { GATE_IMAGE } from '../../electron/core/sandbox/policy';
import { memoryLogger, REPO, testCore, testPolicy, trustedGateImage, uniqueNamespace } from '../support/docker';
import { runInKernel } from '../support/kernel';
import { ensurePodmanService, imagesFromDocker, PODMAN_BIN, PODMAN_SOCKET, podman, removePodmanNamespace } from '../support/podman';
import { openTerminal } from '../support/terminal';
import { execCollect } from '../../electron/core/engine/exec';

if (!PODMAN_BIN) console.warn('[podman-lab] SKIPPED: podman is not installed (apt-get install podman catatonit); nothing of it was tested.');

const ns = uniqueNamespace('clpod');
const names = labNames(ns, 'python');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'classlab-podman-'));
let service: ChildProcess | null = null;
let gateId: string | null = null;
let core: Awaited<ReturnType<typeof testCore>>;
let notebookUrl = '';

beforeAll(async () => {
  if (!PODMAN_BIN) return;
  service = await ensurePodmanService();
  // The lab's image and the gate, moved over from the Docker engine (the image tag comes from the catalog).
  const { profiles } = await loadCatalog(path.join(REPO, 'images'), testPolicy());
  const image = profiles.find((p) => p.id === 'python')!.image;
  gateId = await trustedGateImage();
  await imagesFromDocker([image, GATE_IMAGE]);
  // The gate is run by the ID its build reported, never by its tag: this data folder records the ID of the
  // gate that the Docker engine built from ClassLab's own Dockerfile, and that is the image Podman now has
  // (the way a lab pack hands the gate to a PC that cannot build it).
  expect(await new HelperImages(() => podman, path.join(REPO, 'images'), dataDir).adoptFromPack(gateId)).toBe(true);
  // How a user points ClassLab at Podman: DOCKER_HOST.
  const engine = new Engine(engineCandidates({ platform: 'linux', env: { DOCKER_HOST: `unix://${PODMAN_SOCKET}` }, home: os.homedir() }));
  core = await testCore(ns, { engine, dataDir });
}, 900_000);

afterAll(async () => {
  if (!PODMAN_BIN) return;
  await core?.close();
  await removePodmanNamespace(ns, gateId);
  service?.kill();
}, 300_000);

describe.skipIf(!PODMAN_BIN)('the python lab on Podman (DOCKER_HOST=unix://…podman.sock)', () => {
  it('sees Podman for what it is: its default runtime only, seccomp, limits it enforces', async () => {
    const status = await core.service['engine:status']();
    expect(status).toMatchObject({ state: 'up', endpoint: PODMAN_SOCKET });
    const security = await engineSecurity(podman);
    expect(security.kind).toBe('podman');
    // Its /info lists runsc, kata, krun… that are not installed: none of them counts.
    expect(security.runtimes).toEqual([((await podman.info()) as { DefaultRuntime: string }).DefaultRuntime]);
    expect(security.seccomp).toBe(true);
    expect(security.missingLimits).toEqual([]);
  });

  it('opens the lab, and its notebook answers with the token only', async () => {
    const view = await core.service['labs:open']('python');
    expect(view.phase).toBe('ready');
    notebookUrl = view.notebookUrl!;
    const url = new URL(notebookUrl);
    const token = url.searchParams.get('token')!;
    expect((await fetch(new URL('/api/status', url.origin), { headers: { Authorization: `token ${token}` } })).status).toBe(200);
    expect((await fetch(new URL('/api/status', url.origin))).status).toBe(403);
  }, 300_000);

  it('runs a notebook cell', async () => {
    expect(await runInKernel(notebookUrl, 'import os\nprint(6*7, os.getuid())')).toBe('42 1000\n');
  }, 120_000);

  it('keeps the floor in the container Podman made: read-only root, no capabilities, seccomp, limits, ulimits, owned home', async () => {
    const lab = await podman.getContainer(names.container).inspect();
    expect(lab.HostConfig.ReadonlyRootfs).toBe(true);
    expect(lab.HostConfig.Privileged).toBe(false);
    expect(lab.HostConfig.Memory).toBeGreaterThan(0);
    expect(lab.HostConfig.PidsLimit).toBeGreaterThan(0);
    expect(lab.HostConfig.NanoCpus).toBeGreaterThan(0);
    const sh = async (script: string) => (await execCollect(podman, names.container, ['sh', '-c', script], { user: '1000:1000' })).out.trim();
    // What the kernel says inside, not what the engine was asked: no capabilities, no new privileges, a
    // seccomp filter, the rlimits, the home owned by the student, the root read-only.
    const status = await sh('grep -E "^(CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status');
    expect(status).toMatch(/CapEff:\s+0{16}/);
    expect(status).toMatch(/CapBnd:\s+0{16}/);
    expect(status).toMatch(/NoNewPrivs:\s+1/);
    expect(status).toMatch(/Seccomp:\s+2/);
    expect(await sh('ulimit -c; ulimit -n; ulimit -Hn')).toBe('0\n16384\n16384');
    expect(await sh('stat -c "%u:%g %a" "$HOME"; touch "$HOME/.written" && echo home-ok')).toBe('1000:1000 755\nhome-ok');
    expect(await sh('touch /usr/x 2>&1 || true')).toMatch(/Read-only file system/);
    expect(await sh('cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max')).toBe(String(lab.HostConfig.PidsLimit));
    // The Docker socket of neither engine is there.
    expect(await sh('ls /var/run/docker.sock /run/podman/podman.sock 2>&1 || true')).toMatch(/No such file/);
  });

  it('opens a terminal in the lab', async () => {
    const t = await openTerminal(core, 'python');
    await t.write('echo "$(id -u) $((6*7))"; pwd\r');
    await expect.poll(t.text, { timeout: 20_000 }).toMatch(/^1000 42\n\/home\/student\/work$/m);
    await t.close();
    t.off();
  }, 60_000);

  it('lists and makes folders in the workspace', async () => {
    await core.service['files:mkdir']('python', 'from-podman');
    const listing = await core.service['files:list']('python', '');
    expect(listing.entries.map((e) => e.name)).toContain('from-podman');
  }, 60_000);

  it('runs a quick run (Init from catatonit, /box owned by the student) and leaves no container or volume', async () => {
    const r = await core.service['runs:run']({ lab: 'python', lang: 'bash', code: 'id -u; stat -c "%u %a" /box; echo hi > /box/f && cat /box/f' });
    expect(r.verdict, JSON.stringify(r)).toBe('accepted');
    expect(r.stdout).toBe('1000\n1000 700\nhi\n');
    const c = await podman.listContainers({ all: true, filters: { label: [`classlab.instance=${ns}`, 'classlab.role=quick-run'] } });
    expect(c).toEqual([]);
    // Podman's volume list matches any one of several label filters (Docker's matches all): the role is
    // checked here, so the lab's own volumes (home, run, workspace) do not count.
    const { Volumes } = await podman.listVolumes({ filters: { label: [`classlab.instance=${ns}`] } });
    expect((Volumes ?? []).filter((v) => v.Labels?.['classlab.role'] === 'quick-run')).toEqual([]);
  }, 120_000);

  it('stops the lab, and the next open finds the workspace as it was and the home emptied', async () => {
    await core.service['labs:stop']('python');
    const view = await core.service['labs:open']('python');
    expect(view.phase).toBe('ready');
    const listing = await core.service['files:list']('python', '');
    expect(listing.entries.map((e) => e.name)).toContain('from-podman');
    const home = await execCollect(podman, names.container, ['sh', '-c', 'ls -A "$HOME"'], { user: '1000:1000' });
    expect(home.out).not.toContain('.written');
  }, 300_000);
});

describe.skipIf(!PODMAN_BIN)('the sandbox check on Podman', () => {
  let results: AttackResult[] = [];

  beforeAll(async () => {
    const policy = testPolicy();
    const { profiles } = await loadCatalog(path.join(REPO, 'images'), policy);
    results = await runAudit({
      docker: () => podman,
      profile: profiles.find((p) => p.id === 'python')!,
      namespace: ns,
      log: memoryLogger(),
      diskMiB: 64,
      policy,
      gateImage: async () => gateId!,
    });
    for (const r of results) console.log(`${r.blocked ? 'BLOCKED    ' : 'NOT BLOCKED'} ${r.attack}: ${r.evidence}`);
  }, 900_000);

  it('blocks every attack', () => {
    expect(results.length).toBeGreaterThan(20);
    expect(results.filter((r) => !r.blocked).map((r) => `${r.attack}: ${r.evidence}`)).toEqual([]);
  });
});

// Issue #13, "Reset this machine", on a real engine: a namespace of its own with two labs (one running,
// one stopped with a workspace made through its files helper) and an orphan volume. The plan lists them;
// the reset backs up both workspaces (each verified), removes every object with the namespace's label
// and the lab image's own tag (a tag of classlab/python:3 made for this test: the shared image stays),
// forgets the saved state and the saved git sign-ins (tokens: a group's must not be left for the next),
// and leaves both labs in the launcher, fresh; `--keep-sign-ins` keeps them. One lab deleted from the
// overview's row first: backed up and verified, its objects gone, the other lab untouched. `classlab reset --all` (the built
// CLI) prints the plan and exits 2 without --yes, refuses contradicting options, and with --yes --json
// removes what is there and exits 0. Other namespaces on the engine are untouched (a decoy checks it).
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResetPlan, ResetResult } from '../../electron/api/contract';
import type { ClassLabCore } from '../../electron/core/types';
import { EncryptedFileSecretStore } from '../../electron/core/secrets/aes-cipher';
import { gitSecretKey } from '../../electron/core/secrets/secret-store';
import { docker, execIn, removeNamespace, testCatalog, testCore, uniqueNamespace } from '../support/docker';
import { CLI, runCli } from '../support/serve';

const ns = uniqueNamespace('clroom');
const decoyNs = `${uniqueNamespace('clroomx')}`;
const image = `${ns}/python:reset`;
const lab = (id: string) => ({
  id,
  title: `Reset ${id}`,
  image,
  build: { context: 'python' },
  network: 'none',
  resources: { memoryMiB: 512, cpus: 1, pids: 256, diskMiB: 128 },
});
const catalogDir = testCatalog([lab('resa'), lab('resb')]);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'classlab-room-'));
let core: ClassLabCore;

async function labelled(namespace = ns): Promise<string[]> {
  const filters = { label: [`classlab.instance=${namespace}`] };
  const [c, v, n] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listVolumes({ filters }), docker.listNetworks({ filters })]);
  return [...c.map((x) => `container ${x.Names[0]}`), ...(v.Volumes ?? []).map((x) => `volume ${x.Name}`), ...n.map((x) => `network ${x.Name}`)].sort();
}

/** Whether a git sign-in for `url` is saved in the data folder's secret store (what the CLI and the core share). */
async function signedIn(url: string): Promise<boolean> {
  const store = await EncryptedFileSecretStore.open(path.join(dataDir, 'secrets.bin'), path.join(dataDir, 'secrets.key'));
  return (await store.get(gitSecretKey(url))) !== null;
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const env = { ...process.env, CLASSLAB_HOME: dataDir, CLASSLAB_CATALOG: catalogDir, CLASSLAB_NAMESPACE: ns, CLASSLAB_ADMIN_PIN: '4711' };
  return runCli(args, env);
}

beforeAll(async () => {
  expect(existsSync(CLI), 'run `npm run build` first: the CLI tests use dist/cli.js').toBe(true);
  // The lab image under a tag of this test's own: removing it (reset --images) only untags.
  await docker.getImage('classlab/python:3').tag({ repo: `${ns}/python`, tag: 'reset' });
  core = await testCore(ns, { catalogDir, dataDir });
  await core.service['labs:open']('resa');
  expect((await execIn(`${ns}-resa`, ['sh', '-c', 'echo hello > /home/student/work/a.txt'], '1000:1000')).code).toBe(0);
  // resb stays stopped: its workspace is made by its files helper.
  await core.service['files:mkdir']('resb', 'notes');
  await docker.createVolume({ Name: `${ns}-ghost-workspace`, Labels: { 'classlab.instance': ns, 'classlab.lab': 'ghost', 'classlab.role': 'workspace' } });
  await docker.createVolume({
    Name: `${decoyNs}-resa-workspace`,
    Labels: { 'classlab.instance': decoyNs, 'classlab.lab': 'resa', 'classlab.role': 'workspace' },
  });
  // Saved state of a lab (its course sync state lives in <data>/git/LAB).
  mkdirSync(path.join(dataDir, 'git', 'resa'), { recursive: true });
  writeFileSync(path.join(dataDir, 'git', 'resa', 'state.json'), '{}');
  // A student's saved git sign-in.
  await core.service['git:setCredentials']('https://git.example.org/student/work.git', 'student', 'tok-of-this-group');
  expect(await signedIn('https://git.example.org/student/work.git')).toBe(true);
}, 400_000);

afterAll(async () => {
  await core?.close();
  await removeNamespace(ns);
  await removeNamespace(decoyNs);
  await docker
    .getImage(image)
    .remove()
    .catch(() => undefined);
}, 180_000);

describe('machine reset', () => {
  it('deletes one lab after a verified backup of it: its workspace and disk go, the other lab keeps running', async () => {
    const backup = await core.service['host:deleteLab']('resb');
    expect(backup).toMatchObject({ lab: 'resb', folders: 1 });
    await expect(core.host.backups.verify(backup!.file)).resolves.toMatchObject({ sha256: backup!.sha256 });
    const left = await labelled();
    expect(left.filter((o) => o.includes(`${ns}-resb`))).toEqual([]);
    expect(left).toContain(`volume ${ns}-resa-workspace`);
    expect((await docker.getContainer(`${ns}-resa`).inspect()).State.Running).toBe(true);
    expect((await core.service['labs:list']()).labs.find((l) => l.id === 'resb')?.phase).toBe('stopped');
    // Made again for what follows: a stopped lab with a workspace.
    await core.service['files:mkdir']('resb', 'notes');
  }, 180_000);

  it('plans: both labs backed up, the orphan listed without a backup, every labelled object, the backups folder', async () => {
    const plan = ResetPlan.parse(await core.service['host:resetPlan']({ images: true, noBackup: false }));
    expect(plan.namespace).toBe(ns);
    expect(plan.labs.map((l) => [l.labId, l.phase, l.workspace, l.backup, l.orphan])).toEqual([
      ['resa', 'ready', true, true, false],
      ['resb', 'stopped', true, true, false],
      ['ghost', null, true, false, true],
    ]);
    const names = plan.objects.map((o) => `${o.kind} ${o.name}`);
    for (const n of [
      `container ${ns}-resa`,
      `container ${ns}-resa-gate`,
      `volume ${ns}-resa-workspace`,
      `volume ${ns}-resb-workspace`,
      `volume ${ns}-ghost-workspace`,
    ])
      expect(names).toContain(n);
    expect(names).toContain(`image ${image}`);
    expect(names.some((n) => n.includes(decoyNs))).toBe(false);
    expect(plan.backupsDir).toBe(path.join(dataDir, 'backups'));
    expect(plan.state).toContain('Saved git sign-ins (tokens for course and student repositories)');
    const keeping = ResetPlan.parse(await core.service['host:resetPlan']({ images: false, noBackup: false, keepSignIns: true }));
    expect(keeping.state.join()).not.toContain('sign-ins');
    expect(keeping.keeps).toContain('The saved git sign-ins (tokens for course and student repositories).');
  }, 60_000);

  it('`classlab reset --all` without --yes prints the plan, changes nothing and exits 2; contradicting options exit 2', async () => {
    const before = await labelled();
    const r = await cli(['reset', '--all', '--json']);
    expect(r.code, r.err).toBe(2);
    const out = JSON.parse(r.out) as { plan: unknown; done: boolean; needs: string };
    expect(out).toMatchObject({ done: false, needs: '--yes' });
    expect(ResetPlan.parse(out.plan).labs.map((l) => l.labId)).toEqual(['resa', 'resb', 'ghost']);
    expect(r.err).toMatch(/--yes/);
    const text = await cli(['reset', '--all']);
    expect(text.code).toBe(2);
    expect(text.out).toMatch(/would remove/);
    expect(text.out).toContain(`volume ${ns}-ghost-workspace`);
    expect((await cli(['reset', '--all', '--images', '--keep-images', '--yes'])).code).toBe(2);
    expect(await labelled()).toEqual(before);
  }, 240_000);

  it('backs up every workspace (verified), removes every object with the label and the asked-for image, keeps the rest', async () => {
    const steps: string[] = [];
    const off = core.subscribe('host:progress', (p) => steps.push(p.stage));
    const result = ResetResult.parse(await core.service['host:reset']({ images: true, noBackup: false }));
    off();
    expect(result.left).toEqual([]);
    expect(await labelled()).toEqual([]);
    expect(result.backups.map((b) => b.lab).sort()).toEqual(['resa', 'resb']);
    for (const b of result.backups) {
      expect(path.dirname(b.file)).toBe(path.join(dataDir, 'backups', b.lab));
      await expect(core.host.backups.verify(b.file)).resolves.toMatchObject({ sha256: b.sha256 });
    }
    expect(result.backups.find((b) => b.lab === 'resa')!.files).toBe(1);
    expect(result.removed.map((o) => o.name)).toContain(`${ns}-ghost-workspace`);
    expect(result.removed).toContainEqual(expect.objectContaining({ kind: 'image', name: image }));
    expect(steps[0]).toBe('backup');
    expect(steps.at(-1)).toBe('done');
    // The test's tag is gone; the shared image it pointed at stays, as does another namespace's volume.
    await expect(docker.getImage(image).inspect()).rejects.toMatchObject({ statusCode: 404 });
    await expect(docker.getImage('classlab/python:3').inspect()).resolves.toBeTruthy();
    expect(await labelled(decoyNs)).toEqual([`volume ${decoyNs}-resa-workspace`]);
    expect(existsSync(path.join(dataDir, 'git', 'resa'))).toBe(false);
    expect(result.signInsForgotten).toBe(1);
    expect(await signedIn('https://git.example.org/student/work.git')).toBe(false);
    // A fresh launcher: both labs still there, stopped (their image is gone, so they ask for it).
    const { labs } = await core.service['labs:list']();
    expect(labs.map((l) => [l.id, l.phase])).toEqual([
      ['resa', 'image-missing'],
      ['resb', 'image-missing'],
    ]);
  }, 400_000);

  it('`classlab reset --all --yes --json` removes what is there and exits 0; a second one finds nothing', async () => {
    await docker.createVolume({ Name: `${ns}-late-workspace`, Labels: { 'classlab.instance': ns, 'classlab.lab': 'late', 'classlab.role': 'workspace' } });
    await core.service['git:setCredentials']('https://git.example.org/course/notes.git', '', 'tok-kept');
    const r = await cli(['reset', '--all', '--yes', '--json', '--no-backup', '--keep-sign-ins']);
    expect(r.code, r.err).toBe(0);
    const result = ResetResult.parse(JSON.parse(r.out));
    expect(result.signInsForgotten).toBe(0);
    expect(await signedIn('https://git.example.org/course/notes.git')).toBe(true);
    expect(result.removed.map((o) => `${o.kind} ${o.name}`)).toEqual([`volume ${ns}-late-workspace`]);
    expect(result.left).toEqual([]);
    expect(result.backups).toEqual([]);
    expect(await labelled()).toEqual([]);
    const again = await cli(['reset', '--all', '--yes', '--json']);
    expect(again.code, again.err).toBe(0);
    expect(ResetResult.parse(JSON.parse(again.out)).removed).toEqual([]);
    expect(ResetResult.parse(JSON.parse(again.out)).signInsForgotten).toBe(1);
    expect(await signedIn('https://git.example.org/course/notes.git')).toBe(false);
    expect(await labelled(decoyNs)).toEqual([`volume ${decoyNs}-resa-workspace`]);
  }, 300_000);
});

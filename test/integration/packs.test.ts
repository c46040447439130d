// Lab packs on a real engine: an instructor's ClassLab exports a lab, a student's ClassLab (its own data
// folder, a catalog without that lab, the lab's image removed from the engine) imports the pack, opens
// the lab and runs code in its notebook. The lab's image is one of this test's own (the python lab plus
// a layer that names this run), so removing it never touches what other tests use.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassLabCore } from '../../electron/core/types';
import { imageId } from '../../electron/core/images/images';
import { codeOf } from '../support/fixtures';
import { docker, testCatalog, testCore, testSettings, uniqueNamespace } from '../support/docker';
import { runInKernel } from '../support/kernel';
import { CLI } from '../support/serve';
import { buildTestImage, closeAndClean } from '../support/test-image';

const ns = uniqueNamespace('clpack');
const studentNs = `${ns}-s`;
const image = `cltest-pack/python:${ns}`;
const imageV2 = `cltest-pack/python:${ns}-v2`;
const run = promisify(execFile);
const lab = {
  id: 'packlab',
  title: 'Pack lab',
  description: 'A lab carried by a pack',
  image,
  network: 'none',
  resources: { memoryMiB: 1024, cpus: 1, pids: 256 },
};
const dir = mkdtempSync(path.join(os.tmpdir(), 'classlab-packs-'));
const packFile = path.join(dir, 'packlab.classlab');
let instructorCatalog = '';
let instructor: ClassLabCore;
let student: ClassLabCore;
let signer = '';

beforeAll(async () => {
  await buildTestImage(image, 'classlab/python:3', ns);
  instructorCatalog = testCatalog([lab]);
  instructor = await testCore(ns, { catalogDir: instructorCatalog });
}, 300_000);

afterAll(() => closeAndClean([instructor, student], [ns, studentNs], [image, imageV2]));

/** The real command line, with a data folder, catalog and namespace of its own. */
async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeout: 300_000 });
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, out: err.stdout ?? '', err: err.stderr ?? '' };
  }
}

describe('a lab pack from one ClassLab to another', () => {
  it('exports the lab with its image and the gate, signed, and leaves no partial file', async () => {
    const out = await instructor.packs.export(['packlab'], packFile);
    signer = out.signer;
    expect(signer).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(readdirSync(dir)).toEqual(['packlab.classlab']);
    const summary = await instructor.packs.inspect(packFile);
    expect(summary.labs.map((l) => [l.id, l.change])).toEqual([['packlab', 'update']]);
    expect(summary.images.map((i) => i.role).sort()).toEqual(['helper', 'lab']);
    expect(summary.signer).toEqual({ fingerprint: signer, trusted: true, own: true });
    expect(summary.bytes).toBe(out.bytes);
  }, 600_000);

  it('is refused by a computer that does not trust its signer, and nothing changes', async () => {
    await docker.getImage(image).remove();
    student = await testCore(studentNs, { catalogDir: testCatalog([]), settings: testSettings() });
    expect(await codeOf(student.packs.verify(packFile))).toBe('PACK_UNTRUSTED');
    expect(await codeOf(student.packs.import(packFile, { trustSigner: false }))).toBe('PACK_UNTRUSTED');
    expect(await imageId(docker, image)).toBeNull();
    expect((await student.service['labs:list']()).labs).toEqual([]);
    const summary = await student.packs.inspect(packFile);
    expect(summary.signer).toEqual({ fingerprint: signer, trusted: false, own: false });
    expect(summary.labs[0]?.change).toBe('new');
    expect(summary.images.find((i) => i.role === 'lab')?.present).toBe(false);
  }, 120_000);

  it('imports when the signer is trusted: the lab appears, opens, and its notebook runs code', async () => {
    const result = await student.packs.import(packFile, { trustSigner: true });
    expect(result).toMatchObject({ labs: ['packlab'], unchanged: false });
    expect(result.imagesLoaded).toBeGreaterThanOrEqual(1);
    expect(await imageId(docker, image)).not.toBeNull();
    const { labs } = await student.service['labs:list']();
    expect(labs.map((l) => [l.id, l.phase])).toEqual([['packlab', 'stopped']]);
    const view = await student.service['labs:open']('packlab');
    expect(view.phase).toBe('ready');
    expect(await runInKernel(view.notebookUrl as string, 'print(6*7); print(open("/etc/classlab-pack-test").read().strip())')).toBe(`42\n${ns}\n`);
  }, 600_000);

  it('re-importing the same pack changes nothing', async () => {
    const result = await student.packs.import(packFile, { trustSigner: false });
    expect(result).toEqual({ labs: ['packlab'], imagesLoaded: 0, imagesPresent: 2, unchanged: true });
    expect(existsSync(packFile)).toBe(true);
  }, 120_000);

  it('an update while the lab runs breaks nothing: it applies at the next open, the workspace stays, the old image goes', async () => {
    const running = (await student.service['labs:list']()).labs.find((l) => l.id === 'packlab');
    expect(running?.phase).toBe('ready');
    await runInKernel(running?.notebookUrl as string, 'open("/home/student/work/keep.txt", "w").write("student work")');
    const v1 = await imageId(docker, image);
    // The instructor's next version: another image, another title.
    await buildTestImage(imageV2, 'classlab/python:3', `${ns}-v2`);
    writeFileSync(path.join(instructorCatalog, 'catalog.json'), JSON.stringify({ schema: 1, labs: [{ ...lab, title: 'Pack lab v2', image: imageV2 }] }));
    await instructor.reloadCatalog();
    const v2File = path.join(dir, 'packlab-v2.classlab');
    await instructor.packs.export(['packlab'], v2File);

    const result = await student.packs.import(v2File, { trustSigner: false });
    expect(result.unchanged).toBe(false);
    const during = (await student.service['labs:list']()).labs.find((l) => l.id === 'packlab');
    expect(during?.phase).toBe('ready');
    expect(await runInKernel(during?.notebookUrl as string, 'print(open("/etc/classlab-pack-test").read().strip())')).toBe(`${ns}\n`);
    // The old image is still used by the running lab: kept until nothing uses it.
    expect(await imageId(docker, v1 as string)).toBe(v1);

    await student.service['labs:stop']('packlab');
    const reopened = await student.service['labs:open']('packlab');
    expect(reopened.title).toBe('Pack lab v2');
    expect(
      await runInKernel(
        reopened.notebookUrl as string,
        'print(open("/etc/classlab-pack-test").read().strip()); print(open("/home/student/work/keep.txt").read())',
      ),
    ).toBe(`${ns}-v2\nstudent work\n`);
    await student.packs.pruneRetired();
    expect(
      await imageId(docker, v1 as string),
      (student as unknown as { log: { lines: string[] } }).log.lines.filter((l) => l.includes('kept')).join('\n'),
    ).toBeNull();
  }, 900_000);

  it('from the command line: inspect, verify and import with exit codes a script can rely on', async () => {
    const env = {
      CLASSLAB_HOME: mkdtempSync(path.join(os.tmpdir(), 'classlab-cli-')),
      CLASSLAB_CATALOG: testCatalog([]),
      CLASSLAB_NAMESPACE: `${ns}-c`,
      // Pack commands are admin commands: the first one on this data folder sets the PIN from here.
      CLASSLAB_ADMIN_PIN: 'pack-test-pin',
    };
    const inspect = await cli(['pack', 'inspect', packFile, '--json'], env);
    expect(inspect.code).toBe(0);
    expect(JSON.parse(inspect.out)).toMatchObject({ labs: [{ id: 'packlab', change: 'new' }], signer: { fingerprint: signer, trusted: false } });
    expect((await cli(['pack', 'verify', packFile], env)).code).toBe(11);
    const noTty = await cli(['pack', 'import', packFile], env);
    expect(noTty.code).toBe(2);
    expect(noTty.err).toMatch(/--yes/);
    const wrongSigner = await cli(['pack', 'import', packFile, '--yes', '--trust-signer', `SHA256:${'A'.repeat(43)}`], env);
    expect(wrongSigner.code).toBe(11);
    const damaged = path.join(dir, 'damaged.classlab');
    copyFileSync(packFile, damaged);
    truncateSync(damaged, 1_000_000);
    expect((await cli(['pack', 'verify', damaged], env)).code).toBe(10);
    expect((await cli(['pack', 'verify', packFile, '--trust-signer', signer], env)).code).toBe(0);
    const imported = await cli(['pack', 'import', packFile, '--yes', '--trust-signer', signer], env);
    expect(imported.code, imported.err).toBe(0);
    expect(imported.out).toMatch(/Already installed|Installed packlab/);
    expect((await cli(['pack', 'verify', packFile], env)).code).toBe(0);
    const list = await cli(['list', '--json'], env);
    expect((JSON.parse(list.out) as { labs: Array<{ id: string }> }).labs.map((l) => l.id)).toEqual(['packlab']);
    expect((await cli(['trust', '--json'], env)).out).toContain(signer);
  }, 600_000);

  it('a cancelled export leaves no file', async () => {
    const file = path.join(dir, 'cancelled.classlab');
    const off = instructor.subscribe('packs:progress', (p) => {
      if (p.fraction !== null && p.fraction > 0.05) instructor.packs.cancel();
    });
    try {
      expect(await codeOf(instructor.packs.export(['packlab'], file))).toBe('CANCELLED');
    } finally {
      off();
    }
    expect(readdirSync(dir).filter((f) => f.startsWith('cancelled'))).toEqual([]);
  }, 300_000);
});

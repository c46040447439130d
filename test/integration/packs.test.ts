// Lab packs on a real engine: an instructor's ClassLab exports a lab, a student's ClassLab (its own data
// folder, a catalog without that lab, the lab's image removed from the engine) imports the pack, opens
// the lab and runs code in its notebook. The lab's image is one of this test's own (the python lab plus
// a layer that names this run), so removing it never touches what other tests use.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassLabCore } from '../../electron/core/types';
import { imageId } from '../../electron/core/images/images';
import { codeOf } from '../support/fixtures';
import { docker, removeNamespace, testCatalog, testCore, testSettings, uniqueNamespace } from '../support/docker';
import { runInKernel } from '../support/kernel';
import { buildTestImage } from '../support/test-image';

const ns = uniqueNamespace('clpack');
const studentNs = `${ns}-s`;
const image = `cltest-pack/python:${ns}`;
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
let instructor: ClassLabCore;
let student: ClassLabCore;
let signer = '';

beforeAll(async () => {
  await buildTestImage(image, 'classlab/python:2', ns);
  instructor = await testCore(ns, { catalogDir: testCatalog([lab]) });
}, 300_000);

afterAll(async () => {
  await instructor?.close();
  await student?.close();
  await removeNamespace(ns);
  await removeNamespace(studentNs);
  await docker
    .getImage(image)
    .remove({ force: true })
    .catch(() => undefined);
});

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
});

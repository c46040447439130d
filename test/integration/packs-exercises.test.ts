// Exercises carried in a lab pack, on the real engine (issue #14). The instructor's ClassLab installs an
// exercise through the admin screen's path (exercises:uploadPlan, two PUTs, exercises:install), exports
// the lab; a fresh ClassLab (its own data folder, no labs) imports the pack, and its student checks the
// exercise: the hidden test says only its verdict, and a search of the student's whole running lab finds
// neither the hidden test's input nor its expected output. Hostile packs — an exercise part that is a
// symbolic link, one over the size cap, one that breaks the exercise schema, one not UTF-8, one whose bytes
// differ from the signed digest — are each refused with PACK_INVALID, and nothing changes.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassLabCore } from '../../electron/core/types';
import type { TransferRequest } from '../../electron/core/files/transfers';
import { editedManifest, putTogether, takeApart, tinyImage, writeValidPack } from '../../electron/core/packs/pack-forgery';
import { exerciseParts, PACK_FORMAT, type Manifest } from '../../electron/core/packs/pack-format';
import { PackKeys } from '../../electron/core/packs/pack-signing';
import { ZstdPool } from '../../electron/core/packs/zstd';
import { MemorySecretStore } from '../../electron/core/secrets/secret-store';
import { codeOf } from '../support/fixtures';
import { docker, execIn, testCatalog, testCore, testSettings, uniqueNamespace } from '../support/docker';
import { filesHolding } from '../support/lab-search';
import { buildTestImage, closeAndClean } from '../support/test-image';

const ns = uniqueNamespace('clpex');
const studentNs = `${ns}-s`;
const image = `cltest-pack/python:${ns}`;
const tinyTag = `cltest-pack/tiny:${ns}`;
const LAB = 'exlab';
const dir = mkdtempSync(path.join(os.tmpdir(), 'classlab-pack-exercises-'));
const studentHome = mkdtempSync(path.join(os.tmpdir(), 'classlab-pack-exercises-student-'));
const packFile = path.join(dir, 'exlab.classlab');
const SECRET = `Qx${randomBytes(8).toString('hex')}`;
const EXERCISE = {
  format: 1,
  title: 'Greet',
  languages: ['python'],
  starter: { python: 'name = input()\n' },
  tests: [
    { name: 'Ada', stdin: 'Ada\n', expected: 'Hello, Ada!\n' },
    { stdin: `${SECRET}\n`, expected: `Hello, ${SECRET}!\n`, hidden: true, points: 2 },
  ],
};
const STATEMENT = '# Greet\n\nRead a name, print `Hello, NAME!`.\n';
let instructor: ClassLabCore;
let student: ClassLabCore;

function put(core: ClassLabCore, pathname: string, body: Buffer): Promise<{ status: number }> {
  const req: TransferRequest = { method: 'PUT', pathname, search: new URLSearchParams(), body: Readable.from([body]), signal: new AbortController().signal };
  return core.transfer(req);
}

beforeAll(async () => {
  await buildTestImage(image, 'classlab/python:3', ns);
  instructor = await testCore(ns, {
    catalogDir: testCatalog([{ id: LAB, title: 'Exercise lab', image, network: 'none', resources: { memoryMiB: 1024, cpus: 1, pids: 256 } }]),
  });
}, 300_000);

afterAll(async () => {
  await closeAndClean([instructor, student], [ns, studentNs], [image, tinyTag]);
  rmSync(dir, { recursive: true, force: true });
  rmSync(studentHome, { recursive: true, force: true });
}, 180_000);

describe('exercises in a lab pack', () => {
  it("the instructor installs an exercise by the admin screen's upload path, and a bad one is refused", async () => {
    const json = Buffer.from(JSON.stringify(EXERCISE));
    const md = Buffer.from(STATEMENT);
    const plan = await instructor.service['exercises:uploadPlan']({ lab: LAB, id: 'greet', exerciseBytes: json.length, statementBytes: md.length });
    expect((await put(instructor, plan.exercisePath, json)).status).toBe(200);
    // Each path takes its file once.
    expect((await put(instructor, plan.exercisePath, json)).status).toBe(404);
    expect((await put(instructor, plan.statementPath, md)).status).toBe(200);
    expect(await instructor.service['exercises:install'](plan.uploadId)).toMatchObject({ id: 'greet', tests: 2, hiddenTests: 1, points: 3 });

    // A typo that would publish a hidden test ("hiden") is refused by the same schema as the folder install.
    const bad = Buffer.from(JSON.stringify({ ...EXERCISE, tests: [{ stdin: '', expected: 'x', hiden: true }] }));
    const badPlan = await instructor.service['exercises:uploadPlan']({ lab: LAB, id: 'bad', exerciseBytes: bad.length, statementBytes: md.length });
    await put(instructor, badPlan.exercisePath, bad);
    await put(instructor, badPlan.statementPath, md);
    await expect(instructor.service['exercises:install'](badPlan.uploadId)).rejects.toMatchObject({ code: 'PROFILE_INVALID' });
    // A body longer than announced is refused as it arrives.
    const longPlan = await instructor.service['exercises:uploadPlan']({ lab: LAB, id: 'long', exerciseBytes: 3, statementBytes: md.length });
    expect((await put(instructor, longPlan.exercisePath, json)).status).toBe(422);
    expect((await instructor.service['exercises:list'](LAB)).map((e) => e.id)).toEqual(['greet']);
  });

  it('exports the lab with its exercise (hidden test included, under the signature)', async () => {
    await instructor.packs.export([LAB], packFile);
    const summary = await instructor.packs.inspect(packFile);
    expect(summary.format).toBe(PACK_FORMAT);
    expect(summary.labs.map((l) => [l.id, l.exercises])).toEqual([[LAB, 1]]);
  }, 600_000);

  it('a fresh ClassLab imports it; the student checks the exercise and sees the hidden test redacted', async () => {
    student = await testCore(studentNs, { catalogDir: testCatalog([]), dataDir: studentHome, settings: testSettings() });
    const result = await student.packs.import(packFile, { trustSigner: true });
    expect(result.labs).toEqual([LAB]);
    expect(await student.service['exercises:list'](LAB)).toEqual([
      { lab: LAB, id: 'greet', title: 'Greet', languages: ['python'], tests: 2, hiddenTests: 1, points: 3 },
    ]);
    // No staging folder is left beside the installed exercise.
    expect(readdirSync(path.join(studentHome, 'exercises'))).toEqual([LAB]);
    expect(readdirSync(path.join(studentHome, 'exercises', LAB))).toEqual(['greet']);
    const view = await student.service['exercises:get'](LAB, 'greet');
    expect(view.visibleTests.map((t) => t.number)).toEqual([1]);
    expect(JSON.stringify(view)).not.toContain(SECRET);

    const wrong = await student.service['exercises:check']({ lab: LAB, exercise: 'greet', lang: 'python', code: 'print("Hello, " + input())\n' });
    expect(wrong.tests.map((t) => t.verdict)).toEqual(['wrong-answer', 'wrong-answer']);
    expect(wrong.tests[1]).toMatchObject({ hidden: true, name: null, stdout: null, stderr: null, points: 0, maxPoints: 2 });
    expect(JSON.stringify(wrong)).not.toContain(SECRET);
    const right = await student.service['exercises:check']({ lab: LAB, exercise: 'greet', lang: 'python', code: 'print(f"Hello, {input()}!")\n' });
    expect([right.passed, right.points, right.maxPoints]).toEqual([true, 3, 3]);
    expect(JSON.stringify(right)).not.toContain(SECRET);
  }, 600_000);

  it("a search of the student's whole running lab finds no hidden test's input or expected output", async () => {
    await student.service['labs:open'](LAB);
    const container = `${studentNs}-${LAB}`;
    // Whatever grep's code (1: none found, 2: some files unreadable to a capability-less root), no file is named.
    for (const r of await filesHolding(container, SECRET)) {
      expect(r.files).toEqual([]);
      expect([1, 2]).toContain(r.code);
    }
    // The search works: the marker this test's image holds is found.
    const control = await execIn(container, ['grep', '-r', '-l', '-F', '-e', ns, '/etc'], '0:0');
    expect(control.out).toContain('/etc/classlab-pack-test');
    await student.service['labs:stop'](LAB);
  }, 600_000);
});

describe('hostile exercises in a lab pack', () => {
  const pool = new ZstdPool(1);
  const hostileHome = mkdtempSync(path.join(os.tmpdir(), 'classlab-pack-exercises-hostile-'));
  let hostile: ClassLabCore;
  const hostileSettings = testSettings();
  let orig: Awaited<ReturnType<typeof takeApart>>;
  let signer: Awaited<ReturnType<PackKeys['signer']>>;
  let imagesBefore: Set<string>;
  const hostileLab = `hx-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    signer = await new PackKeys(async () => new MemorySecretStore()).signer();
    const id = await tinyImage(docker, tinyTag, ns);
    const valid = path.join(dir, 'tiny.classlab');
    await writeValidPack(docker, valid, {
      image: id,
      tag: tinyTag,
      profile: { id: hostileLab, title: 'Hostile', image: tinyTag },
      signer,
      pool,
      signal: new AbortController().signal,
    });
    await docker.getImage(id).remove({ force: true });
    orig = await takeApart(valid);
    hostile = await testCore(`${ns}-h`, { catalogDir: testCatalog([]), dataDir: hostileHome, settings: hostileSettings });
    imagesBefore = new Set((await docker.listImages({ all: true })).map((i) => i.Id));
  }, 300_000);

  afterAll(async () => {
    await closeAndClean([hostile], [`${ns}-h`], []);
    await pool.close();
    rmSync(hostileHome, { recursive: true, force: true });
  }, 120_000);

  /** A validly signed format-2 pack of the tiny lab with one exercise made of these two files. */
  async function withExercise(file: string, json: Buffer, md: Buffer, opts: { digestOf?: Buffer; raw?: Parameters<typeof putTogether>[1]['raw'] } = {}) {
    const names = exerciseParts(0);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const manifestBytes = editedManifest(orig.manifest, (m: Manifest) => {
      m.format = PACK_FORMAT;
      (m.labs[0] as Manifest['labs'][number]).exercises = [{ id: 'greet', ...names }];
      m.parts[names.exercise] = { size: json.length, sha256: sha(opts.digestOf ?? json) };
      m.parts[names.statement] = { size: md.length, sha256: sha(md) };
    });
    const parts = new Map(orig.parts);
    if (!opts.raw) parts.set(names.exercise, json);
    parts.set(names.statement, md);
    await putTogether(file, { manifestBytes, parts, sign: signer, raw: opts.raw });
  }

  const cases: Array<[string, (file: string) => Promise<void>, RegExp]> = [
    [
      'an exercise part that is a symbolic link',
      (f) =>
        withExercise(f, Buffer.from('{}'), Buffer.from(STATEMENT), {
          raw: [{ header: { name: 'exercises/0.json', type: 'symlink', linkname: '/etc/shadow' } }],
        }),
      /not a plain file/,
    ],
    ['an exercise.json over 8 MiB', (f) => withExercise(f, Buffer.alloc(8 * 1024 * 1024 + 1, 0x20), Buffer.from(STATEMENT)), /too large/],
    [
      'an exercise that breaks the schema (a "hiden" typo)',
      (f) => withExercise(f, Buffer.from(JSON.stringify({ ...EXERCISE, tests: [{ stdin: '', expected: 'x', hiden: true }] })), Buffer.from(STATEMENT)),
      /exercise greet of hx-[a-f0-9]+ was refused, so nothing was imported: .*hiden/,
    ],
    ['a statement that is not UTF-8', (f) => withExercise(f, Buffer.from(JSON.stringify(EXERCISE)), Buffer.from([0x23, 0x20, 0xc3, 0x28])), /was refused/],
    [
      'an exercise whose bytes are not the signed ones',
      (f) => withExercise(f, Buffer.from(JSON.stringify(EXERCISE)), Buffer.from(STATEMENT), { digestOf: Buffer.from('other') }),
      /does not match its digest/,
    ],
  ];

  it.each(cases)(
    '%s: refused with a clear error, nothing changed',
    async (_what, make, said) => {
      const file = path.join(dir, `hostile-${randomBytes(3).toString('hex')}.classlab`);
      await make(file);
      const err = await hostile.packs.import(file, { trustSigner: true }).then(
        () => null,
        (e: unknown) => e as Error & { code?: string },
      );
      expect(err?.code).toBe('PACK_INVALID');
      expect(err?.message).toMatch(said);
      expect(await codeOf(hostile.packs.verify(file, { trustSigner: true }))).toBe('PACK_INVALID');
      // Nothing: no lab, no exercise (not even a staging folder), no image, the signer not trusted.
      expect((await hostile.service['labs:list']()).labs).toEqual([]);
      expect(existsSync(path.join(hostileHome, 'labs', 'catalog.json'))).toBe(false);
      const exercisesDir = path.join(hostileHome, 'exercises');
      expect(existsSync(exercisesDir) ? readdirSync(exercisesDir) : []).toEqual([]);
      expect((await docker.listImages({ all: true })).map((i) => i.Id).filter((id) => !imagesBefore.has(id))).toEqual([]);
      expect(hostileSettings.get().trust.packSigners).not.toContain(signer.fingerprint);
    },
    120_000,
  );

  it('an older pack (format 1, no exercises) still imports', async () => {
    const file = path.join(dir, 'format1.classlab');
    await putTogether(file, {
      manifestBytes: editedManifest(orig.manifest, (m) => {
        m.format = 1;
        delete (m.labs[0] as Partial<Manifest['labs'][number]>).exercises;
      }),
      parts: orig.parts,
      sign: signer,
    });
    expect((await hostile.packs.import(file, { trustSigner: true })).labs).toEqual([hostileLab]);
    expect(await hostile.service['exercises:list'](hostileLab)).toEqual([]);
  }, 120_000);
});

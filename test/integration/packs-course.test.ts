// A lab pack with a course: the instructor's ClassLab exports a lab whose profile names a course
// repository (a real git remote made here, trusted on the instructor's machine); the remote then goes
// away (a classroom without its network); the student's ClassLab imports the pack and the lab's first
// open copies the course in from the pack's copy.
import { mkdtempSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GitProgress } from '../../electron/api/contract';
import { labNames } from '../../electron/core/labs/naming';
import type { ClassLabCore } from '../../electron/core/types';
import { docker, execIn, testCatalog, testCore, testSettings, uniqueNamespace } from '../support/docker';
import { initRemote, tempRoot, type CourseRemote } from '../support/git-remote';
import { buildTestImage, closeAndClean } from '../support/test-image';

const ns = uniqueNamespace('clpkc');
const studentNs = `${ns}-s`;
const image = `cltest-pack/course:${ns}`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'classlab-pack-course-'));
const packFile = path.join(dir, 'course.classlab');
let remote: CourseRemote;
let instructor: ClassLabCore;
let student: ClassLabCore;
let commit = '';

beforeAll(async () => {
  await buildTestImage(image, 'classlab/python:3', ns);
  remote = initRemote(path.join(tempRoot('packcourse'), 'course'));
  commit = remote.publish({ 'lesson.py': 'print("lesson one")\n', 'data/table.csv': 'a,b\n1,2\n' }, 'first');
  const lab = {
    id: 'course-lab',
    title: 'Course lab',
    image,
    network: 'none',
    resources: { memoryMiB: 1024, cpus: 1, pids: 256, diskMiB: 256 },
    course: { url: remote.url, branch: 'main', folder: 'course' },
  };
  instructor = await testCore(ns, { catalogDir: testCatalog([lab]), settings: testSettings({ localAddresses: [remote.url] }) });
}, 300_000);

afterAll(() => closeAndClean([instructor, student], [ns, studentNs], [image]));

describe('a lab pack with its course', () => {
  it('carries the course, and the first open copies it in with the course server gone', async () => {
    const out = await instructor.packs.export(['course-lab'], packFile);
    expect((await instructor.packs.inspect(packFile)).labs).toEqual([expect.objectContaining({ id: 'course-lab', course: true })]);
    // The classroom: no course server, the lab's image not on the engine, a ClassLab of its own.
    renameSync(remote.bare, `${remote.bare}.gone`);
    await docker.getImage(image).remove();
    student = await testCore(studentNs, { catalogDir: testCatalog([]), settings: testSettings({ packSigners: [out.signer] }) });
    const progress: GitProgress[] = [];
    student.subscribe('git:progress', (p) => progress.push(p));
    expect(await student.packs.import(packFile, { trustSigner: false })).toMatchObject({ labs: ['course-lab'], unchanged: false });
    await student.service['labs:open']('course-lab');
    await expect
      .poll(() => progress.find((p) => p.labId === 'course-lab' && (p.stage === 'done' || p.stage === 'failed'))?.stage, { timeout: 120_000 })
      .toBe('done');
    const done = progress.find((p) => p.stage === 'done');
    expect(done?.result?.report).toMatchObject({ outcome: 'cloned', commit });
    const container = labNames(studentNs, 'course-lab').container;
    expect((await execIn(container, ['cat', '/home/student/work/course/lesson.py'], '1000:1000')).out).toBe('print("lesson one")');
    expect((await student.service['git:courseStatus']('course-lab')).packCopy).toMatchObject({ state: 'used', commit });
  }, 900_000);
});

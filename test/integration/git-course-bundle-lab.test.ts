// A lab pack's course copy in a real lab (issue #11): the course bundle made with bundleCourse from a real
// remote is placed where an installed pack puts it (courseBundlePath); the lab's profile names a course
// address that cannot be reached. The first open copies the course in from the bundle (no network); the
// status says so; a Sync then reports the network error clearly and changes nothing. A second lab whose
// pack copy is damaged says so in its status and log, and gets its first copy from its address instead.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorOf } from '../../electron/api/client';
import type { GitProgress } from '../../electron/api/contract';
import { bundleCourse, courseBundlePath } from '../../electron/core/git/course-bundle';
import { labNames } from '../../electron/core/labs/naming';
import { MachineTrust } from '../../electron/core/trust/machine-trust';
import { ensureImages, execIn, memoryLogger, removeNamespace, testCatalog, testCore, testSettings, uniqueNamespace } from '../support/docker';
import { initRemote, tempRoot, type CourseRemote } from '../support/git-remote';
import { pythonCourseLab } from '../support/fixtures';

const ns = uniqueNamespace('clbnd');
const WS = '/home/student/work';
const USER = '1000:1000';
/** Nothing listens on port 1: the address fails at once, like a classroom without its network. */
const UNREACHABLE = 'https://127.0.0.1:1/instructor/course.git';

let core: Awaited<ReturnType<typeof testCore>>;
let root: string;
let catalogDir: string;
let dataDir: string;
let remote: CourseRemote;
let bundled: string;
const progress: GitProgress[] = [];

const svc = () => core.service;
const sh = (lab: string, script: string) => execIn(labNames(ns, lab).container, ['sh', '-c', script], USER);
const cat = async (lab: string, rel: string) => (await sh(lab, `cat ${WS}/${rel}`)).out;
const fingerprint = async (lab: string, rel: string) => (await sh(lab, `cd ${WS}/${rel} && find . -type f -exec sha256sum {} + | sort`)).out;
const finished = (lab: string) => progress.find((p) => p.labId === lab && (p.stage === 'done' || p.stage === 'failed'));

beforeAll(async () => {
  root = tempRoot('bundlelab');
  dataDir = path.join(root, 'data');
  mkdirSync(dataDir);
  remote = initRemote(path.join(root, 'course'));
  remote.publish({ 'lesson.py': 'a = 1\nb = 2\n', 'docs/README.md': 'read me\n' }, 'first');
  // The instructor's export (their machine trusts the address), written where the import puts it.
  mkdirSync(path.dirname(courseBundlePath(dataDir, 'python')), { recursive: true });
  const made = await bundleCourse({
    url: remote.url,
    branch: 'main',
    trust: MachineTrust.parse({ localAddresses: [remote.url] }),
    outFile: courseBundlePath(dataDir, 'python'),
    log: memoryLogger(),
  });
  bundled = made.commit;
  // The second lab's pack copy is damaged; its address is reachable (this machine trusts it).
  writeFileSync(courseBundlePath(dataDir, 'damaged'), '# v2 git bundle\nnot a ref line\n\nPACK');
  catalogDir = testCatalog([pythonCourseLab(UNREACHABLE), { ...pythonCourseLab(remote.url), id: 'damaged', title: 'Damaged pack copy' }]);
  core = await testCore(ns, { catalogDir, dataDir, settings: testSettings({ localAddresses: [remote.url] }) });
  core.subscribe('git:progress', (p) => progress.push(p));
  await ensureImages(core);
});

afterAll(async () => {
  for (const lab of ['python', 'damaged']) await core?.service['labs:stop'](lab).catch(() => undefined);
  await core?.close();
  await removeNamespace(ns);
  for (const dir of [root, catalogDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the first course copy from a lab pack', () => {
  it('comes from the bundle when the course address cannot be reached, and the status says so', async () => {
    expect((await svc()['git:courseStatus']('python')).packCopy).toEqual({ state: 'waiting', commit: null, problem: null, at: null });
    await svc()['labs:open']('python');
    await expect.poll(() => finished('python')?.stage, { timeout: 90_000 }).toBe('done');
    const done = finished('python')!;
    expect(done.background).toBe(true);
    expect(done.result?.report).toMatchObject({ outcome: 'cloned', commit: bundled });
    expect(done.result?.report.summary.join(' ')).toMatch(/came from the lab pack's copy of the course, so no network was needed/);
    expect(await cat('python', 'course/lesson.py')).toBe('a = 1\nb = 2');
    expect(await cat('python', 'course/docs/README.md')).toBe('read me');
    expect((await sh('python', `stat -c %u:%g ${WS}/course ${WS}/course/lesson.py | sort -u`)).out).toBe('1000:1000');
    expect((await sh('python', `ls -A ${WS}/course`)).out.split('\n').sort()).toEqual(['docs', 'lesson.py']);

    const status = await svc()['git:courseStatus']('python');
    expect(status.packCopy).toMatchObject({ state: 'used', commit: bundled, problem: null });
    expect(status.lastSync?.report.outcome).toBe('cloned');
    expect(status.lastError).toBeNull();
    expect(status.course?.url).toBe(UNREACHABLE);
  });

  it('a Sync afterwards uses the course address: a clear network error, nothing lost', async () => {
    expect((await sh('python', `printf 'a = 1\\nb = 20  # mine\\n' > ${WS}/course/lesson.py && printf 'notes\\n' > ${WS}/course/mine.txt`)).code).toBe(0);
    const before = await fingerprint('python', 'course');
    const err = await svc()
      ['git:sync']('python')
      .catch((e: unknown) => apiErrorOf(e));
    expect(err).toMatchObject({ code: 'GIT_NETWORK', message: expect.stringMatching(/could not be reached/) });
    expect(await fingerprint('python', 'course')).toBe(before);
    expect(await cat('python', 'course/lesson.py')).toBe('a = 1\nb = 20  # mine');
    const status = await svc()['git:courseStatus']('python');
    expect(status.lastError?.code).toBe('GIT_NETWORK');
    expect(status.lastSync?.report).toMatchObject({ outcome: 'cloned', commit: bundled });
    expect(status.packCopy?.state).toBe('used');
    expect(progress.filter((p) => p.labId === 'python').at(-1)).toMatchObject({ stage: 'failed', background: false, error: { code: 'GIT_NETWORK' } });
    await svc()['labs:stop']('python');
  });

  it('a damaged pack copy is refused, said in the status and the log, and the first copy comes from the address', async () => {
    await svc()['labs:open']('damaged');
    await expect.poll(() => finished('damaged')?.stage, { timeout: 90_000 }).toBe('done');
    const report = finished('damaged')!.result!.report;
    expect(report).toMatchObject({ outcome: 'cloned', commit: bundled });
    expect(report.summary.join(' ')).toMatch(
      /copy of the course was refused: its header is malformed. The course materials were copied from the course's address instead/,
    );
    expect(await cat('damaged', 'course/lesson.py')).toBe('a = 1\nb = 2');
    const status = await svc()['git:courseStatus']('damaged');
    expect(status.packCopy).toMatchObject({ state: 'refused', commit: null, problem: expect.stringMatching(/refused: its header is malformed/) });
    expect(core.log.lines.some((l) => l.includes('"level":"warn"') && l.includes('course copy was refused') && l.includes('damaged'))).toBe(true);
  });
});

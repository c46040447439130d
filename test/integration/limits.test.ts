// When a limit hits in a running lab, ClassLab says which and why in plain words: memory (the kernel
// was restarted), a full workspace. Real engine, a small lab so the limits are reached quickly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labNames } from '../../electron/core/labs/naming';
import { packTar } from '../../electron/core/workspace/tar';
import { ensureImages, execIn, removeNamespace, testCore, uniqueNamespace, testCatalog } from '../support/docker';

const ns = uniqueNamespace();
const names = labNames(ns, 'small');
let catalogDir = '';
let core: Awaited<ReturnType<typeof testCore>>;

beforeAll(async () => {
  catalogDir = testCatalog([
    { id: 'python', title: 'Python', image: 'classlab/python:3', build: { context: 'python' } },
    { id: 'small', title: 'Small', image: 'classlab/python:3', build: { context: 'python' }, resources: { memoryMiB: 512, diskMiB: 64 } },
  ]);
  core = await testCore(ns, { catalogDir });
  await ensureImages(core);
  await core.service['labs:open']('small');
});
afterAll(async () => {
  await core?.close();
  await removeNamespace(ns);
});

describe('limits, in plain words', () => {
  it('says the lab ran out of memory and the kernel was restarted, and the lab keeps running', async () => {
    const bomb = await execIn(names.container, ['python3', '-c', 'x = []\nwhile True: x.append(bytearray(16 * 1024 * 1024))'], '1000:1000');
    expect(bomb.code).toBe(137);
    await expect
      .poll(async () => (await core.service['labs:list']()).labs.find((l) => l.id === 'small')?.notice, { timeout: 20_000 })
      .toMatch(/ran out of memory \(512 MiB\) and the kernel was restarted/);
    expect((await core.service['labs:list']()).labs.find((l) => l.id === 'small')?.phase).toBe('ready');
  });

  it('says the workspace is full, and clears the notice once space is free again', async () => {
    await core.service['labs:stop']('small');
    await core.service['labs:open']('small');
    await execIn(names.container, ['sh', '-c', 'dd if=/dev/zero of=/home/student/work/fill bs=1M count=200 2>/dev/null; true'], '1000:1000');
    await expect
      .poll(async () => (await core.service['labs:list']()).labs.find((l) => l.id === 'small')?.notice, { timeout: 30_000 })
      .toMatch(/^Workspace full \(64 MiB\)/);
    await execIn(names.container, ['rm', '-f', '/home/student/work/fill'], '1000:1000');
    await expect.poll(async () => (await core.service['labs:list']()).labs.find((l) => l.id === 'small')?.notice, { timeout: 30_000 }).toBeNull();
  });

  it('an upload that meets a full disk half-way is refused in plain words and leaves nothing behind', async () => {
    const size = 30 * 1024 * 1024;
    const plan = await core.service['files:uploadPlan']('small', { dir: '', entries: [{ path: 'late.bin', kind: 'file', size }] });
    // Between the plan (which found room) and the bytes, the student fills the disk.
    await execIn(names.container, ['sh', '-c', 'dd if=/dev/zero of=/home/student/work/fill bs=1M count=45 2>/dev/null; true'], '1000:1000');
    const answer = await core.transfer({
      method: 'PUT',
      pathname: plan.path,
      search: new URLSearchParams('clash=keep-both'),
      body: packTar([{ path: 'late.bin', kind: 'file', data: Buffer.alloc(size, 7) }]),
      signal: new AbortController().signal,
    });
    expect(answer.status, String(answer.body)).toBe(507);
    expect(JSON.parse(answer.body as string)).toMatchObject({
      code: 'DISK_FULL',
      message: expect.stringMatching(/became full during the upload; nothing was kept/),
    });
    // No late.bin, and an empty staging area.
    const left = await execIn(names.container, ['sh', '-c', 'ls -A /home/student/work; echo ---; ls -A /home/student/work/.classlab/incoming'], '1000:1000');
    expect(left.out.split('\n').sort()).toEqual(['---', '.classlab', 'fill', 'lost+found']);
    await execIn(names.container, ['rm', '-f', '/home/student/work/fill'], '1000:1000');
  });
});

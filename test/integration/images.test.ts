// Lab images on the real engine: a build reports its steps as it goes; a pull that cannot reach its
// registry is a clear error; a malformed profile is reported by name and field while the rest load.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeNamespace, testCore, uniqueNamespace, testCatalog } from '../support/docker';
import type { ImageProgress, LabView } from '../../electron/api/contract';

const ns = uniqueNamespace();
let catalogDir = '';
let core: Awaited<ReturnType<typeof testCore>>;

beforeAll(async () => {
  catalogDir = testCatalog([
    { id: 'python', title: 'Python', image: 'classlab/python:3', build: { context: 'python' } },
    // Nothing listens on port 9 of loopback: the pull fails fast and offline.
    { id: 'remote', title: 'Remote image', image: '127.0.0.1:9/nobody/nothing:1' },
    { id: 'broken', title: 'Broken', image: 'classlab/python:3', resources: { memoryMiB: 'lots' } },
  ]);
  core = await testCore(ns, { catalogDir });
});
afterAll(async () => {
  await core?.close();
  await removeNamespace(ns);
});

describe('lab images', () => {
  it('lists the good profiles and reports the malformed one by name and field', async () => {
    const { labs, problems } = await core.service['labs:list']();
    expect(labs.map((l) => l.id)).toEqual(['python', 'remote']);
    expect(problems).toEqual([{ profile: 'broken', field: 'resources.memoryMiB', message: expect.any(String) }]);
    expect(labs.find((l) => l.id === 'remote')).toMatchObject({ phase: 'image-missing', source: 'pull' });
  });

  it('refuses to open a lab whose image is missing, saying what to do', async () => {
    await expect(core.service['labs:open']('remote')).rejects.toMatchObject({ code: 'IMAGE_MISSING', message: expect.stringContaining('Pull it first') });
  });

  it('a pull that cannot reach its registry fails with a clear error and leaves the lab in error', async () => {
    await expect(core.service['images:prepare']('remote')).rejects.toMatchObject({
      code: 'PULL_FAILED',
      message: expect.stringContaining('127.0.0.1:9/nobody/nothing:1'),
    });
    const { labs } = await core.service['labs:list']();
    expect(labs.find((l) => l.id === 'remote')).toMatchObject({ phase: 'error', reason: expect.stringContaining('pull') });
  });

  it('a build reports building, steps with a growing fraction, and ends stopped', async () => {
    const progress: ImageProgress[] = [];
    const phases: LabView['phase'][] = [];
    const offP = core.subscribe('images:progress', (p) => progress.push(p));
    const offL = core.subscribe('labs:changed', (v) => v.id === 'python' && phases.push(v.phase));
    try {
      const view = await core.service['images:prepare']('python');
      expect(view.phase).toBe('stopped');
      expect(phases[0]).toBe('building');
      const steps = progress.filter((p) => p.step?.startsWith('Step '));
      expect(steps.length).toBeGreaterThan(0);
      const fractions = progress.map((p) => p.fraction).filter((f): f is number => f !== null);
      expect(fractions.at(-1)).toBe(1);
      expect([...fractions].sort((a, b) => a - b)).toEqual(fractions);
      expect(progress.at(-1)).toMatchObject({ done: true, error: null });
    } finally {
      offP();
      offL();
    }
  });
});

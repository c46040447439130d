// A new catalog applied to the labs while ClassLab runs (labs.ts), with each lab's Docker side faked:
// added, updated, removed, and the changes that wait for a running or busy lab. Docker is never touched.
import { describe, expect, it } from 'vitest';
import type { LabContainers } from '../../../electron/core/labs/containers';
import type { LabFiles } from '../../../electron/core/files/lab-files';
import { Labs } from '../../../electron/core/labs/labs';
import { Profile } from '../../../electron/core/profiles/schema';
import { deferred, FakeContainers, FakeWorld, until } from './fake-docker';

const python = Profile.parse({ id: 'python', title: 'Python', image: 'classlab/python:3' });
const r = Profile.parse({ id: 'r', title: 'R', image: 'classlab/r:1' });

function setup(profiles: Profile[] = [python]) {
  const world = new FakeWorld();
  const docker = new Map<string, FakeContainers>();
  const removed: string[] = [];
  const labs = new Labs(
    {
      world,
      // One Docker side per lab id, shared by the profiles it is made for (as Docker's objects are).
      containers: (p) => {
        const c = docker.get(p.id) ?? new FakeContainers();
        docker.set(p.id, c);
        return c as unknown as LabContainers;
      },
      files: () => ({ dispose() {} }) as unknown as LabFiles,
      removed: (id) => removed.push(id),
      log: world.log,
    },
    { profiles, problems: [] },
  );
  return { world, docker, labs, removed };
}

describe('live catalog: applying a new catalog to the labs', () => {
  it('adds a new profile as a lab and removes a stopped one, touching no container', () => {
    const { labs, removed, docker } = setup();
    expect(labs.apply({ profiles: [python, r], problems: [] })).toMatchObject({ added: ['r'], updated: [], removed: [], waiting: [] });
    expect(labs.list().labs.map((l) => l.id)).toEqual(['python', 'r']);
    expect(labs.apply({ profiles: [r], problems: [] })).toMatchObject({ removed: ['python'] });
    expect(removed).toEqual(['python']);
    expect(labs.list().labs.map((l) => l.id)).toEqual(['r']);
    expect(docker.get('python')!.calls).toEqual([]);
  });

  it('updates a stopped lab at once: its view shows the new profile', () => {
    const { labs } = setup();
    const bigger = Profile.parse({ ...python, title: 'Python (big)', resources: { ...python.resources, memoryMiB: 4096 } });
    expect(labs.apply({ profiles: [bigger], problems: [] })).toMatchObject({ updated: ['python'], waiting: [] });
    expect(labs.get('python').lab.view).toMatchObject({ title: 'Python (big)', resources: { memoryMiB: 4096 } });
    expect(labs.get('python').lab.profile).toBe(bigger);
  });

  it('a running lab keeps its profile until it is stopped, says so, then takes the new one', async () => {
    const { labs, world, docker } = setup();
    world.answering = true;
    await labs.get('python').lab.open();
    const changed = Profile.parse({ ...python, title: 'Python 2' });
    const change = labs.apply({ profiles: [changed], problems: [] });
    expect(change.updated).toEqual([]);
    expect(change.waiting).toEqual([{ labId: 'python', reason: expect.stringContaining('keeps its current profile until it is stopped') }]);
    const { lab } = labs.get('python');
    expect(lab.profile).toBe(python);
    expect(lab.view).toMatchObject({ phase: 'ready', title: 'Python', reason: expect.stringContaining('runs with the previous settings') });
    expect(docker.get('python')!.calls).toEqual(['start']);
    // The same file read again reports the same wait, nothing else.
    expect(labs.apply({ profiles: [changed], problems: [] }).waiting).toHaveLength(1);
    await lab.stop();
    expect(lab.profile).toBe(changed);
    expect(lab.view).toMatchObject({ phase: 'stopped', title: 'Python 2', reason: null });
  });

  it('a change during a start waits for the start, and a running lab leaves the list only once stopped', async () => {
    const { labs, docker, removed } = setup();
    const hold = deferred();
    docker.get('python')!.holdStart = hold.promise;
    const { lab } = labs.get('python');
    const start = lab.open();
    await until(() => docker.get('python')!.calls.includes('start'));
    const change = labs.apply({ profiles: [], problems: [] });
    expect(change.waiting).toEqual([{ labId: 'python', reason: expect.stringMatching(/is starting: its removal applies once that is done/) }]);
    hold.resolve();
    await until(() => docker.get('python')!.lab === 'running');
    expect(removed).toEqual([]);
    await lab.stop();
    await start.catch(() => undefined);
    expect(removed).toEqual(['python']);
    expect(labs.find('python')).toBeUndefined();
  });

  it('a re-added profile withdraws a waiting removal', async () => {
    const { labs, world, removed } = setup();
    world.answering = true;
    await labs.get('python').lab.open();
    labs.apply({ profiles: [], problems: [] });
    expect(labs.apply({ profiles: [python], problems: [] })).toMatchObject({ added: [], removed: [], waiting: [] });
    expect(labs.get('python').lab.view.reason).toBeNull();
    await labs.get('python').lab.stop();
    expect(removed).toEqual([]);
  });

  it('a file that cannot be read changes nothing; a profile that fails its checks keeps its last good version', () => {
    const { labs } = setup([python, r]);
    const unreadable = { profile: 'catalog.json', field: '(file)', message: 'not valid JSON' };
    expect(labs.apply({ profiles: [], problems: [unreadable] })).toMatchObject({ removed: [], problems: [unreadable] });
    expect(labs.list().labs.map((l) => l.id)).toEqual(['python', 'r']);
    const broken = { profile: 'r', field: 'resources.memoryMiB', message: 'too small' };
    expect(labs.apply({ profiles: [python], problems: [broken] })).toMatchObject({ removed: [], problems: [broken] });
    expect(labs.list()).toEqual({ labs: [expect.objectContaining({ id: 'python' }), expect.objectContaining({ id: 'r' })], problems: [broken] });
  });
});

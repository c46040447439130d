// The Lab's rules, with its Docker port faked (fake-docker.ts): joins, cancels, adoption, refusals, and
// one labs:changed per change.
import { describe, expect, it } from 'vitest';
import { Lab } from '../../../electron/core/labs/lab';
import { codeOf } from '../../support/fixtures';
import { deferred, FakeContainers, FakeWorld, profile, until } from './fake-docker';

function setup() {
  const docker = new FakeContainers();
  const world = new FakeWorld();
  const lab = new Lab(profile, docker, world);
  return { docker, world, lab };
}

describe('Lab: open', () => {
  it('open twice returns the same promise, and starts the containers once', async () => {
    const { docker, world, lab } = setup();
    world.answering = true;
    const first = lab.open();
    const second = lab.open();
    expect(second).toBe(first);
    const view = await first;
    expect(view.phase).toBe('ready');
    expect(view.notebookUrl).toBe('http://127.0.0.1:40001/lab?token=tok');
    expect(docker.calls).toEqual(['start']);
  });

  it('an open while an adoption waits for the notebook joins it (no second start)', async () => {
    const { docker, world, lab } = setup();
    docker.runningElsewhere();
    expect((await lab.refresh()).phase).toBe('starting');
    const adoption = lab.adopt();
    expect(lab.open()).toBe(adoption);
    world.answering = true;
    expect((await adoption).phase).toBe('ready');
    expect(docker.calls).toEqual([]);
  });

  it('a missing image is refused with IMAGE_MISSING, saying what to do, and nothing starts', async () => {
    const { docker, lab } = setup();
    docker.imagePresent = false;
    await lab.refresh();
    expect(lab.view.phase).toBe('image-missing');
    await expect(lab.open()).rejects.toMatchObject({ code: 'IMAGE_MISSING', message: expect.stringContaining('Build it first') });
    expect(docker.calls).toEqual([]);
  });

  it('a container that dies while the notebook starts is an error with its log, and the lab is stopped', async () => {
    const { docker, lab } = setup();
    const started = lab.open();
    await until(() => docker.lab === 'running');
    docker.lab = 'exited';
    docker.exitCode = 1;
    await expect(started).rejects.toMatchObject({ code: 'START_FAILED' });
    expect(lab.view).toMatchObject({ phase: 'error', logTail: ['last line'], notebookUrl: null });
    expect(docker.calls).toEqual(['start', 'stop']);
  });
});

describe('Lab: stop and reset cancel a start', () => {
  it('stop while the containers are being made: the start ends, the lab ends stopped, nothing left running', async () => {
    const { docker, world, lab } = setup();
    const hold = deferred();
    docker.holdStart = hold.promise;
    const start = lab.open();
    await until(() => docker.calls.includes('start'));
    const stop = lab.stop();
    // The start cannot be interrupted inside Docker's calls: it ends right after them.
    hold.resolve();
    await expect(start).rejects.toMatchObject({ code: 'BUSY', message: 'The start was cancelled.' });
    expect((await stop).phase).toBe('stopped');
    expect(docker.calls).toEqual(['start', 'stop']);
    expect({ lab: docker.lab, gate: docker.gate }).toEqual({ lab: 'exited', gate: 'exited' });
    expect(world.answering).toBe(false);
    expect(lab.operation).toBeNull();
  });

  it('stop while waiting for the notebook: the wait ends at once and the lab ends stopped', async () => {
    const { docker, lab } = setup();
    const start = lab.open();
    await until(() => docker.lab === 'running');
    const stopped = await lab.stop();
    await expect(start).rejects.toMatchObject({ code: 'BUSY' });
    expect(stopped).toMatchObject({ phase: 'stopped', notebookUrl: null, reason: null });
    expect(docker.lab).toBe('exited');
  });

  it('reset while starting: the start ends, the containers are removed, the workspace is not touched', async () => {
    const { docker, world, lab } = setup();
    const start = lab.open();
    await until(() => docker.lab === 'running');
    const reset = lab.reset();
    await expect(start).rejects.toMatchObject({ code: 'BUSY' });
    expect((await reset).phase).toBe('stopped');
    expect(docker.calls).toEqual(['start', 'removeContainers']);
    expect(docker.lab).toBe('absent');
    expect(world.views.find((v) => v.phase === 'stopping')?.reason).toContain('the workspace is kept');
  });
});

describe('Lab: adopt', () => {
  it('adopting a lab that stopped meanwhile ends stopped, not in error', async () => {
    const { docker, lab } = setup();
    docker.runningElsewhere();
    await lab.refresh();
    const adoption = lab.adopt();
    await until(() => lab.operation === 'starting');
    docker.lab = 'exited';
    docker.gate = 'exited';
    docker.exitCode = 0;
    const view = await adoption;
    expect(view).toMatchObject({ phase: 'stopped', reason: null, notebookUrl: null });
    expect(docker.calls).toEqual([]);
  });

  it('an adoption whose notebook answers ends ready with the address of the running lab', async () => {
    const { docker, world, lab } = setup();
    docker.runningElsewhere();
    await lab.refresh();
    const adoption = lab.adopt();
    world.answering = true;
    expect(await adoption).toMatchObject({ phase: 'ready', notebookUrl: 'http://127.0.0.1:40002/lab?token=other' });
  });
});

describe('Lab: the phase rule refuses with BUSY', () => {
  it('prepare is refused while the lab runs, and builds nothing', async () => {
    const { docker, world, lab } = setup();
    world.answering = true;
    await lab.open();
    expect(await codeOf(lab.prepare())).toBe('BUSY');
    await expect(lab.prepare()).rejects.toThrow(/ready; stop it before rebuilding/);
    expect(world.prepared).toBe(0);
    expect(docker.lab).toBe('running');
  });

  it('prepare twice joins the same build; open and stop during a build are BUSY', async () => {
    const { world, lab } = setup();
    const hold = deferred();
    world.holdPrepare = hold.promise;
    const build = lab.prepare();
    expect(lab.prepare()).toBe(build);
    expect(await codeOf(lab.open())).toBe('BUSY');
    expect(await codeOf(lab.stop())).toBe('BUSY');
    hold.resolve();
    expect((await build).phase).toBe('stopped');
    expect(world.prepared).toBe(1);
    expect(world.progressEvents.at(-1)).toMatchObject({ done: true, error: null, fraction: 1 });
  });

  it('stop of a stopped lab is refused after Docker is read again', async () => {
    const { docker, lab } = setup();
    await expect(lab.stop()).rejects.toMatchObject({ code: 'BUSY', message: expect.stringContaining('nothing to stop') });
    expect(docker.calls).toEqual([]);
  });

  it('a refusal reads Docker first: a lab started elsewhere can be stopped though its view was stale', async () => {
    const { docker, world, lab } = setup();
    docker.runningElsewhere();
    world.answering = true;
    expect(lab.view.phase).toBe('stopped');
    expect((await lab.stop()).phase).toBe('stopped');
    expect(docker.calls).toEqual(['stop']);
  });
});

describe('Lab: views', () => {
  it('every phase change emits one labs:changed view, and a refresh that changes nothing emits none', async () => {
    const { world, lab } = setup();
    world.answering = true;
    await lab.open();
    expect(world.phases()).toEqual(['starting', 'ready']);
    await lab.refresh();
    expect(world.phases()).toEqual(['starting', 'ready']);
    await lab.stop();
    expect(world.phases()).toEqual(['starting', 'ready', 'stopping', 'stopped']);
    await lab.reset();
    expect(world.phases()).toEqual(['starting', 'ready', 'stopping', 'stopped', 'stopping', 'stopped']);
    // Each emitted view differs from the one before it.
    for (let i = 1; i < world.views.length; i++) expect(world.views[i]).not.toEqual(world.views[i - 1]);
  });

  it('a running lab whose catalog profile changed says so while it runs, and not after', async () => {
    const { world, lab } = setup();
    world.answering = true;
    await lab.open();
    lab.setCatalogNote('Its profile changed in the catalog.');
    expect(lab.view.reason).toBe('Its profile changed in the catalog.');
    expect(lab.canChangeProfile()).toBe(false);
    await lab.stop();
    expect(lab.view.reason).toBeNull();
    expect(lab.canChangeProfile()).toBe(true);
  });
});

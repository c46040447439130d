// The exercise store on a real temporary folder: an instructor's folder is read as hostile (links and
// oversized files refused), checked whole before anything is written, and a bad folder never replaces a
// good exercise.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExerciseStore } from '../../../electron/core/exercises/store';
import { memoryLogger } from '../../support/docker';

const root = mkdtempSync(path.join(os.tmpdir(), 'classlab-ex-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const spec = { format: 1, title: 'Echo', languages: ['python'], tests: [{ stdin: 'a', expected: 'a', hidden: true }] };

function folder(name: string, json: unknown = spec, statement = '# Echo'): string {
  const dir = path.join(root, 'src', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'exercise.json'), typeof json === 'string' ? json : JSON.stringify(json));
  writeFileSync(path.join(dir, 'statement.md'), statement);
  return dir;
}

describe('ExerciseStore', () => {
  const store = new ExerciseStore(path.join(root, 'data'), memoryLogger());

  it('installs a folder by its name and reads it back', async () => {
    await store.install('python', folder('echo'));
    expect((await store.list('python')).map((e) => e.id)).toEqual(['echo']);
    expect((await store.get('python', 'echo')).tests[0]!.hidden).toBe(true);
    expect(readdirSync(path.join(root, 'data', 'exercises', 'python', 'echo')).sort()).toEqual(['exercise.json', 'statement.md']);
  });

  it('refuses links, oversized files, bad ids and bad exercises, and keeps the installed one', async () => {
    const linked = folder('linked');
    rmSync(path.join(linked, 'statement.md'));
    symlinkSync('/etc/passwd', path.join(linked, 'statement.md'));
    await expect(store.install('python', linked, 'echo')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.install('python', folder('big', spec, 'x'.repeat(300 * 1024)), 'echo')).rejects.toMatchObject({
      message: expect.stringMatching(/larger/),
    });
    await expect(store.install('python', folder('Bad Name'))).rejects.toMatchObject({ code: 'PROFILE_INVALID' });
    await expect(store.install('python', folder('bad', { ...spec, tests: [] }), 'echo')).rejects.toMatchObject({ code: 'PROFILE_INVALID', message: /tests/ });
    await expect(store.install('python', folder('notjson', '{'), 'echo')).rejects.toMatchObject({ code: 'PROFILE_INVALID' });
    await expect(store.install('../x', folder('ok'))).rejects.toThrow();
    expect((await store.get('python', 'echo')).title).toBe('Echo');
    expect(readdirSync(path.join(root, 'data', 'exercises', 'python'))).toEqual(['echo']);
  });

  it('an id that would leave the folder is refused; an unknown one is NOT_FOUND', async () => {
    await expect(store.get('python', '../../etc')).rejects.toThrow();
    await expect(store.get('python', 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('installMany: one bad exercise installs none; a rollback puts back what each replaced', async () => {
    const good = folder('many-good', { ...spec, title: 'Echo 2' });
    await expect(
      store.installMany([
        { lab: 'python', folder: good, id: 'echo' },
        { lab: 'python', folder: folder('many-bad', { ...spec, tests: [{ stdin: '', expected: 'x', hiden: true }] }), id: 'other' },
      ]),
    ).rejects.toMatchObject({ code: 'PROFILE_INVALID', message: /hiden/ });
    expect((await store.get('python', 'echo')).title).toBe('Echo');
    const swap = await store.installMany([
      { lab: 'python', folder: good, id: 'echo' },
      { lab: 'python', folder: good, id: 'fresh' },
    ]);
    expect((await store.get('python', 'echo')).title).toBe('Echo 2');
    await swap.rollback();
    expect((await store.get('python', 'echo')).title).toBe('Echo');
    expect(readdirSync(path.join(root, 'data', 'exercises', 'python'))).toEqual(['echo']);
    const kept = await store.installMany([{ lab: 'python', folder: good, id: 'echo' }]);
    await kept.commit();
    expect((await store.get('python', 'echo')).title).toBe('Echo 2');
    expect(readdirSync(path.join(root, 'data', 'exercises', 'python'))).toEqual(['echo']);
  });
});

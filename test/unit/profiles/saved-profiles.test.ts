// The labs saved in the profile editor: the saved file read as untrusted input, its three layers (bundled
// < installed < saved), the saved labs' own rules, and a damaged file that changes nothing.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLabCatalogs, parseCatalog } from '../../../electron/core/profiles/catalog';
import { SAVED_CATALOG_NAME } from '../../../electron/core/profiles/saved-layer';
import { SavedProfiles } from '../../../electron/core/profiles/saved-profiles';
import { testPolicy } from '../../support/docker';

const python = { id: 'python', title: 'Python', image: 'classlab/python:3', build: { context: 'python' } };
const folders = () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'classlab-saved-'));
  const dirs = { bundled: path.join(root, 'images'), installed: path.join(root, 'data', 'labs'), saved: path.join(root, 'data', 'profiles') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  writeFileSync(path.join(dirs.bundled, 'catalog.json'), JSON.stringify({ schema: 1, labs: [python] }));
  return { root, ...dirs };
};
const write = (dir: string, labs: unknown[]) => writeFileSync(path.join(dir, 'catalog.json'), JSON.stringify({ schema: 1, labs }));
const load = (d: ReturnType<typeof folders>) => loadLabCatalogs(d.bundled, d.installed, testPolicy(), d.saved);

describe('saved labs', () => {
  it('stack over the bundled and installed labs: saved wins, and a lab built on a base gets its image from its list', async () => {
    const d = folders();
    write(d.installed, [{ id: 'stats', title: 'Stats from a pack', image: 'example/stats@sha256:' + 'a'.repeat(64) }]);
    write(d.saved, [
      { ...python, title: 'Python (our course)' },
      { id: 'jq', title: 'JQ', image: 'python:3', build: { base: 'python', packages: ['jq'] } },
    ]);
    const loaded = await load(d);
    expect(loaded.problems).toEqual([]);
    expect(loaded.profiles.map((p) => [p.id, p.title])).toEqual([
      ['stats', 'Stats from a pack'],
      ['python', 'Python (our course)'],
      ['jq', 'JQ'],
    ]);
    // Whatever the file said: the image is named from the base and the list, so it can never be another lab's.
    expect(loaded.profiles.find((p) => p.id === 'jq')?.image).toMatch(/^classlab\/custom-jq:[0-9a-f]{16}$/);
  });

  it('refuses expert lines everywhere but the saved labs', () => {
    const lab = { id: 'x', title: 'X', image: 'a/b:1', build: { base: 'python', lines: ['RUN true'] } };
    expect(parseCatalog({ schema: 1, labs: [lab] }).problems).toEqual([expect.objectContaining({ profile: 'x', field: 'build.lines' })]);
    expect(parseCatalog({ schema: 1, labs: [lab] }, { allowBuildLines: true }).problems).toEqual([]);
  });

  it('refuses hostile saved labs by field; the others still load', async () => {
    const d = folders();
    write(d.saved, [
      { id: 'own-folder', title: 'A bundled Dockerfile under another image', image: 'classlab/python:2', build: { context: 'python' } },
      { id: 'no-base', title: 'On a lab that is not here', image: 'a/b:1', build: { base: 'nothere', packages: ['jq'] } },
      { id: 'gate', title: 'Gate', image: 'classlab/gate:3' },
      { id: 'volume', title: 'Volume', image: 'a/b:1', build: { base: 'python', lines: ['VOLUME /data'] } },
      { id: 'good', title: 'Good', image: 'a/b:1' },
    ]);
    const loaded = await load(d);
    expect(loaded.profiles.map((p) => p.id)).toEqual(['python', 'good']);
    expect(loaded.problems.map((p) => `${p.profile} ${p.field}`)).toEqual([
      'gate image',
      'volume build.lines.0',
      'own-folder build.context',
      'no-base build.base',
    ]);
  });

  it('a damaged saved file is one problem that names it, and the other labs load', async () => {
    const d = folders();
    writeFileSync(path.join(d.saved, 'catalog.json'), '{ not json');
    const loaded = await load(d);
    expect(loaded.profiles.map((p) => p.id)).toEqual(['python']);
    expect(loaded.problems).toEqual([expect.objectContaining({ profile: SAVED_CATALOG_NAME, field: '(file)' })]);
  });

  it('the store writes whole files, and never writes over a damaged one', async () => {
    const d = folders();
    const store = new SavedProfiles(path.join(d.root, 'data'));
    expect(await store.entries()).toEqual([]);
    await store.put({ id: 'a', title: 'A' });
    await store.put({ id: 'b', title: 'B' });
    await store.put({ id: 'a', title: 'A2' });
    expect(await store.entries()).toEqual([
      { id: 'a', title: 'A2' },
      { id: 'b', title: 'B' },
    ]);
    expect(await store.remove('a')).toBe(true);
    expect(await store.remove('a')).toBe(false);
    for (const bad of ['[]', '{"schema": 2, "labs": []}', '{"schema": 1, "labs": [{"id": "../x"}]}', '{"schema":1,"labs":[', '']) {
      writeFileSync(store.file, bad);
      await expect(store.put({ id: 'c', title: 'C' })).rejects.toMatchObject({ code: 'PROFILE_INVALID' });
      expect(readFileSync(store.file, 'utf8')).toBe(bad);
    }
  });
});

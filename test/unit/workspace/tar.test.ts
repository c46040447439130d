import { describe, expect, it, afterAll } from 'vitest';
import { mkdtempSync, promises as fs, readFileSync, existsSync, symlinkSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { extractTarToNewDir, HostileArchiveError, packTar, readTar, TarGuard, type SafeEntry } from '../../../electron/core/workspace/tar';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'classlab-tar-'));
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

type Raw = { name: string; type?: tar.Header['type']; linkname?: string; data?: string; size?: number; mode?: number };

/** A raw tar with exactly these entries: no checks, the way a hostile lab could make one. */
async function rawTar(entries: Raw[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    await new Promise<void>((resolve, reject) =>
      pack.entry(
        {
          name: e.name,
          type: e.type ?? 'file',
          linkname: e.linkname,
          mode: e.mode ?? 0o644,
          size: e.data !== undefined ? Buffer.byteLength(e.data) : (e.size ?? 0),
        },
        e.type === 'file' || e.type === undefined ? (e.data ?? '') : '',
        (err) => (err ? reject(err) : resolve()),
      ),
    );
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

async function collect(buf: Buffer): Promise<{ entries: SafeEntry[]; contents: Record<string, string> }> {
  const entries: SafeEntry[] = [];
  const contents: Record<string, string> = {};
  await readTar(Readable.from([buf]), async (entry, body) => {
    entries.push(entry);
    if (body) {
      const chunks: Buffer[] = [];
      for await (const c of body) chunks.push(c as Buffer);
      if (entry.kind === 'file') contents[entry.path] = Buffer.concat(chunks).toString();
    }
  });
  return { entries, contents };
}

describe('hardened tar reader', () => {
  it('reads plain files and folders, with sanitized modes', async () => {
    const buf = await rawTar([
      { name: 'work/', type: 'directory' },
      { name: 'work/a.txt', data: 'hello' },
      { name: './work/run.sh', data: '#!/bin/sh', mode: 0o4755 },
    ]);
    const { entries, contents } = await collect(buf);
    expect(contents).toEqual({ 'work/a.txt': 'hello', 'work/run.sh': '#!/bin/sh' });
    expect(entries.find((e) => e.path === 'work/run.sh')).toMatchObject({ kind: 'file', mode: 0o755 });
  });

  it.each<[string, Raw[], RegExp]>([
    ['a .. name', [{ name: '../evil', data: 'x' }], /".." part/],
    ['a nested .. name', [{ name: 'work/../../evil', data: 'x' }], /".." part/],
    ['an absolute name', [{ name: '/etc/cron.d/evil', data: 'x' }], /absolute/],
    ['a drive letter', [{ name: 'C:/evil', data: 'x' }], /drive/],
    ['a symlink out (absolute)', [{ name: 'shadow', type: 'symlink', linkname: '/etc/shadow' }], /link pointing outside/],
    ['a symlink out (relative)', [{ name: 'w/up', type: 'symlink', linkname: '../../other-lab' }], /link pointing outside/],
    [
      'a file through a link that points inside',
      [
        { name: 'd/', type: 'directory' },
        { name: 'l', type: 'symlink', linkname: 'd' },
        { name: 'l/x', data: 'x' },
      ],
      /behind the link/,
    ],
    ['a hard link to outside', [{ name: 'h', type: 'link', linkname: '/etc/shadow' }], /hard link/],
    ['a hard link to a file not in the archive', [{ name: 'h', type: 'link', linkname: 'nothere' }], /not in the archive/],
    ['a device file', [{ name: 'sda', type: 'block-device' }], /block-device/],
    ['a character device', [{ name: 'null', type: 'character-device' }], /character-device/],
    ['a fifo', [{ name: 'pipe', type: 'fifo' }], /fifo/],
    [
      'the same name twice',
      [
        { name: 'a', data: '1' },
        { name: 'a', data: '2' },
      ],
      /same name/,
    ],
    [
      'a link then a file of the same name',
      [
        { name: 'x', type: 'symlink', linkname: 'y' },
        { name: 'x', data: 'overwrite' },
      ],
      /same name/,
    ],
    [
      'a file used as a folder',
      [
        { name: 'f', data: '1' },
        { name: 'f/g', data: '2' },
      ],
      /is a file/,
    ],
  ])('refuses %s', async (_label, entries, reason) => {
    const buf = await rawTar(entries);
    const err = await collect(buf).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HostileArchiveError);
    expect((err as Error).message).toMatch(reason);
  });

  it('skips links that stay inside, and reports them', async () => {
    const buf = await rawTar([
      { name: 'a.txt', data: 'A' },
      { name: 'b', type: 'symlink', linkname: 'a.txt' },
      { name: 'c', type: 'link', linkname: 'a.txt' },
    ]);
    const summary = await readTar(Readable.from([buf]), async (_e, body) => {
      body?.resume();
    });
    expect(summary.files).toBe(1);
    expect(summary.skipped.map((s) => s.path)).toEqual(['b', 'c']);
  });

  it('caps entries, file sizes and the total', () => {
    const g = new TarGuard({ maxEntries: 2, maxFileBytes: 10, maxTotalBytes: 15 });
    expect(() => g.check({ name: 'big', size: 11 })).toThrow(/larger than 10/);
    const g2 = new TarGuard({ maxEntries: 10, maxFileBytes: 10, maxTotalBytes: 15 });
    g2.check({ name: 'a', size: 10 });
    expect(() => g2.check({ name: 'b', size: 10 })).toThrow(/more than 15 bytes/);
    const g3 = new TarGuard({ maxEntries: 1, maxFileBytes: 10, maxTotalBytes: 15 });
    g3.check({ name: 'a', size: 1 });
    expect(() => g3.check({ name: 'b', size: 1 })).toThrow(/more than 1 entries/);
  });

  it('refuses names the host cannot hold when a host is given', () => {
    const g = new TarGuard(undefined, 'win32');
    expect(() => g.check({ name: 'work/aux.py', size: 1 })).toThrow(/reserved/);
  });
});

describe('extracting onto the host', () => {
  it('writes files into a new folder and nowhere else', async () => {
    const dest = path.join(tmp, 'ok');
    const buf = await rawTar([
      { name: 'work/', type: 'directory' },
      { name: 'work/sub/a.txt', data: 'hello' },
      { name: 'work/link', type: 'symlink', linkname: 'sub/a.txt' },
    ]);
    const summary = await extractTarToNewDir(Readable.from([buf]), dest);
    expect(readFileSync(path.join(dest, 'work/sub/a.txt'), 'utf8')).toBe('hello');
    expect(existsSync(path.join(dest, 'work/link'))).toBe(false);
    expect(summary.skipped).toHaveLength(1);
  });

  it('removes the new folder again when the archive is hostile part-way', async () => {
    const dest = path.join(tmp, 'bad');
    const buf = await rawTar([
      { name: 'a.txt', data: 'fine' },
      { name: '../../escape.txt', data: 'evil' },
    ]);
    await expect(extractTarToNewDir(Readable.from([buf]), dest)).rejects.toBeInstanceOf(HostileArchiveError);
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(path.join(tmp, '..', 'escape.txt'))).toBe(false);
  });

  it('refuses to extract into a folder that already exists (it might hold links)', async () => {
    const dest = path.join(tmp, 'exists');
    mkdirSync(dest);
    symlinkSync('/etc', path.join(dest, 'etc'));
    const buf = await rawTar([{ name: 'etc/evil', data: 'x' }]);
    await expect(extractTarToNewDir(Readable.from([buf]), dest)).rejects.toThrow(/EEXIST/);
  });
});

describe('tar writer', () => {
  it('makes entries owned by the lab user, lists parents first, and finalizes', async () => {
    const stream = packTar([
      { path: 'a/b/c.txt', kind: 'file', data: 'x' },
      { path: 'a/run.sh', kind: 'file', data: '#!', mode: 0o4777 },
      { path: 'empty', kind: 'directory' },
    ]);
    const extract = tar.extract();
    const seen: { name: string; uid?: number; gid?: number; mode?: number; type?: string | null }[] = [];
    Readable.from(stream).pipe(extract as unknown as NodeJS.WritableStream);
    for await (const e of extract) {
      seen.push({ name: e.header.name, uid: e.header.uid, gid: e.header.gid, mode: e.header.mode, type: e.header.type });
      e.resume();
    }
    expect(seen.map((s) => s.name)).toEqual(['a/', 'a/b/', 'a/b/c.txt', 'a/run.sh', 'empty/']);
    expect(seen.every((s) => s.uid === 1000 && s.gid === 1000)).toBe(true);
    expect(seen.find((s) => s.name === 'a/run.sh')?.mode).toBe(0o755);
  });

  it('ends with an error (never hangs) when a source fails or a name is unsafe', async () => {
    const failing = packTar([
      { path: 'ok.txt', kind: 'file', data: 'x' },
      {
        path: 'broken',
        kind: 'file',
        size: 10,
        open: () =>
          Readable.from(
            (async function* () {
              yield Buffer.from('12');
              throw new Error('disk gone');
            })(),
          ),
      },
    ]);
    await expect(
      (async () => {
        for await (const _ of failing) {
          /* drain */
        }
      })(),
    ).rejects.toThrow(/disk gone/);
    const unsafe = packTar([{ path: '../x', kind: 'file', data: 'x' }]);
    await expect(
      (async () => {
        for await (const _ of unsafe) {
          /* drain */
        }
      })(),
    ).rejects.toThrow(/".." part/);
  });
});

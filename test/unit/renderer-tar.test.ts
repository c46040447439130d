// The browser's upload tar (renderer/src/files/tar.ts), read back by GNU tar and by ClassLab's own
// hardened reader: odd names (unicode, longer than 100 bytes, spaces and a leading dash), an empty file,
// folders before their contents, and the progress arithmetic over its layout.
import { execFile } from 'node:child_process';
import { mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { readTar, type SafeEntry } from '../../electron/core/workspace/tar';
import { buildTar, paxRecord, progressAt, ustarSplit, type TarItem } from '../../renderer/src/files/tar';

const run = promisify(execFile);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'classlab-renderer-tar-'));
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

const MTIME = Date.UTC(2024, 4, 6, 7, 8, 9);
const LONG = `deep/${'x'.repeat(60)}/${'y'.repeat(60)}/${'z'.repeat(90)}.txt`; // > 100 bytes, splits at a '/'
const LONG_LEAF = `${'n'.repeat(130)}.csv`; // > 100 bytes with no '/' to split at: pax
const file = (p: string, text: string | Uint8Array): TarItem => ({ path: p, kind: 'file', body: new Blob([text]), mtimeMs: MTIME });
const folder = (p: string): TarItem => ({ path: p, kind: 'folder', body: null, mtimeMs: MTIME });

const binary = new Uint8Array(70_000).map((_, i) => (i * 31 + 7) % 256);
const items: TarItem[] = [
  folder('data'),
  file('data/a.csv', 'x,y\n1,2\n'),
  file('data/empty.txt', ''),
  folder('données'),
  file('données/漢字 é.ipynb', '{"cells": []}'),
  file('-leading dash and spaces.txt', 'dash'),
  folder('deep'),
  folder(`deep/${'x'.repeat(60)}`),
  folder(`deep/${'x'.repeat(60)}/${'y'.repeat(60)}`),
  file(LONG, 'long'),
  file(LONG_LEAF, 'leaf'),
  file('blob.bin', binary),
];

async function tarBytes(list: TarItem[]): Promise<Buffer> {
  return Buffer.from(await buildTar(list).blob.arrayBuffer());
}

describe('the upload tar built in the browser', () => {
  it('is whole blocks, ends with two zero blocks, and has valid ustar header checksums', async () => {
    const buf = await tarBytes(items);
    expect(buf.length % 512).toBe(0);
    expect(buf.subarray(buf.length - 1024).every((b) => b === 0)).toBe(true);
    // The first header: the folder "data/", ustar magic, mode 0755, typeflag 5, and its checksum.
    const h = buf.subarray(0, 512);
    expect(h.subarray(0, 6).toString()).toBe('data/\0');
    expect(h.subarray(257, 263).toString()).toBe('ustar\0');
    expect(h.subarray(263, 265).toString()).toBe('00');
    expect(h.subarray(100, 108).toString()).toBe('0000755\0');
    expect(String.fromCharCode(h[156]!)).toBe('5');
    expect(h.subarray(136, 148).toString()).toBe(
      `${Math.floor(MTIME / 1000)
        .toString(8)
        .padStart(11, '0')}\0`,
    );
    const sum = [...h].reduce((a, b, i) => a + (i >= 148 && i < 156 ? 32 : b), 0);
    expect(parseInt(h.subarray(148, 154).toString(), 8)).toBe(sum);
    // The second: the file with mode 0644 and its size in octal.
    const f = buf.subarray(512, 1024);
    expect(f.subarray(100, 108).toString()).toBe('0000644\0');
    expect(f.subarray(124, 136).toString()).toBe('00000000010\0');
    expect(buf.subarray(1024, 1032).toString()).toBe('x,y\n1,2\n');
  });

  it('lists in GNU tar with the exact names, kinds, modes, sizes and times', async () => {
    const tarFile = path.join(tmp, 'list.tar');
    await fs.writeFile(tarFile, await tarBytes(items));
    const { stdout } = await run('tar', ['--utc', '-tvf', tarFile], { env: { ...process.env, LC_ALL: 'C.UTF-8' } });
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(items.length);
    lines.forEach((line, i) => {
      const item = items[i]!;
      const size = item.kind === 'file' ? item.body!.size : 0;
      const perms = item.kind === 'folder' ? 'drwxr-xr-x' : '-rw-r--r--';
      const name = item.kind === 'folder' ? `${item.path}/` : item.path;
      expect(line.match(/^(\S+) 0\/0 +(\d+) 2024-05-06 07:08 (.*)$/)?.slice(1)).toEqual([perms, String(size), name]);
    });
  });

  it('extracts with GNU tar to the same bytes under the same names', async () => {
    const tarFile = path.join(tmp, 'extract.tar');
    const out = path.join(tmp, 'out');
    await fs.mkdir(out);
    await fs.writeFile(tarFile, await tarBytes(items));
    await run('tar', ['-xf', tarFile, '-C', out]);
    for (const item of items) {
      const at = path.join(out, item.path);
      const stat = await fs.stat(at);
      expect(stat.isDirectory()).toBe(item.kind === 'folder');
      if (item.kind === 'file') expect(Buffer.compare(await fs.readFile(at), Buffer.from(await item.body!.arrayBuffer()))).toBe(0);
      expect(stat.mtimeMs).toBe(Math.floor(MTIME / 1000) * 1000);
    }
  });

  it("reads back through ClassLab's hardened reader, entry by entry", async () => {
    const seen: { entry: SafeEntry; data: Buffer | null }[] = [];
    await readTar(Readable.from([await tarBytes(items)]), async (entry, body) => {
      const chunks: Buffer[] = [];
      if (body) for await (const c of body) chunks.push(c as Buffer);
      seen.push({ entry, data: body ? Buffer.concat(chunks) : null });
    });
    expect(seen.map((s) => [s.entry.kind, s.entry.path])).toEqual(items.map((i) => [i.kind === 'folder' ? 'directory' : 'file', i.path]));
    for (const [i, s] of seen.entries()) {
      const item = items[i]!;
      if (item.kind === 'file') expect(Buffer.compare(s.data!, Buffer.from(await item.body!.arrayBuffer()))).toBe(0);
    }
  });

  it('splits long ASCII names the ustar way and leaves the rest to pax', () => {
    expect(ustarSplit('a.txt')).toEqual({ prefix: '', name: 'a.txt' });
    expect(ustarSplit(LONG)).toEqual({ prefix: LONG.slice(0, LONG.lastIndexOf('/')), name: LONG.slice(LONG.lastIndexOf('/') + 1) });
    expect(ustarSplit(LONG_LEAF)).toBeNull();
    expect(ustarSplit('é.txt')).toBeNull();
    // A record's length counts its own digits, in bytes.
    expect(paxRecord('path', 'é')).toBe('11 path=é\n');
    expect(paxRecord('path', 'a'.repeat(90))).toBe(`99 path=${'a'.repeat(90)}\n`);
    expect(paxRecord('path', 'a'.repeat(91))).toBe(`101 path=${'a'.repeat(91)}\n`); // 2 digits would make 100: 3 digits
    expect(Buffer.byteLength(paxRecord('path', 'b'.repeat(88)))).toBe(Number(paxRecord('path', 'b'.repeat(88)).split(' ')[0]));
  });

  it('counts bytes and whole files sent from the layout', () => {
    const layout = buildTar(items);
    const total = items.reduce((a, i) => a + (i.body?.size ?? 0), 0);
    const files = items.filter((i) => i.kind === 'file').length;
    expect(progressAt(layout, 0)).toEqual({ bytes: 0, files: 0 });
    expect(progressAt(layout, layout.blob.size)).toEqual({ bytes: total, files });
    // Halfway through the big last file: every other file is done, the big one partly.
    const start = layout.dataStart.at(-1)!;
    expect(progressAt(layout, start + 1000)).toEqual({ bytes: total - binary.length + 1000, files: files - 1 });
  });
});

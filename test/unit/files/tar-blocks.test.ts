// The header stamp of uploads: every entry leaves owned by the lab user with plain modes, file data
// untouched, owner records in pax headers refused, a truncated upload an error.
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import tar from 'tar-stream';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TarFileBody, UploadTarGate, type GateEntry } from '../../../electron/core/files/tar-blocks';
import { readTar } from '../../../electron/core/workspace/tar';

async function packed(build: (pack: tar.Pack) => void): Promise<Buffer> {
  const pack = tar.pack();
  build(pack);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Runs bytes through the stamp in small uneven chunks (headers split across chunks). */
async function stamp(bytes: Buffer, chunk = 333, check: (e: GateEntry) => void = () => undefined): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) parts.push(bytes.subarray(i, i + chunk));
  const out: Buffer[] = [];
  const s = Readable.from(parts).pipe(new UploadTarGate(1000, 1000, check));
  for await (const c of s as AsyncIterable<Buffer>) out.push(c);
  return Buffer.concat(out);
}

async function headers(bytes: Buffer) {
  const extract = tar.extract();
  Readable.from([bytes]).pipe(extract as unknown as NodeJS.WritableStream);
  const out: { name: string; uid: number; gid: number; mode: number; uname: string; body: string }[] = [];
  for await (const e of extract) {
    const chunks: Buffer[] = [];
    for await (const c of e as AsyncIterable<Buffer>) chunks.push(c);
    const h = e.header;
    out.push({ name: h.name, uid: h.uid ?? -1, gid: h.gid ?? -1, mode: h.mode ?? -1, uname: h.uname ?? '', body: Buffer.concat(chunks).toString() });
  }
  return out;
}

describe('UploadTarGate', () => {
  it("makes every entry the lab user's with plain modes, data untouched", async () => {
    const input = await packed((p) => {
      p.entry({ name: 'dir/', type: 'directory', uid: 0, gid: 0, mode: 0o1777, uname: 'root' });
      p.entry({ name: 'dir/setuid', uid: 0, gid: 0, mode: 0o4755, uname: 'root', gname: 'root' }, 'x'.repeat(1000));
      p.entry({ name: 'plain.txt', uid: 4242, gid: 4242, mode: 0o600 }, 'hello');
      p.entry({ name: `${'ü'.repeat(80)}.txt`, uid: 0, gid: 0, mode: 0o644 }, 'long name (pax)');
    });
    const out = await headers(await stamp(input));
    expect(out.map((h) => [h.name, h.uid, h.gid, h.mode & 0o7777, h.uname])).toEqual([
      ['dir/', 1000, 1000, 0o755, ''],
      ['dir/setuid', 1000, 1000, 0o755, ''],
      ['plain.txt', 1000, 1000, 0o644, ''],
      [`${'ü'.repeat(80)}.txt`, 1000, 1000, 0o644, ''],
    ]);
    expect(out.map((h) => h.body)).toEqual(['', 'x'.repeat(1000), 'hello', 'long name (pax)']);
  });

  it('keeps the result a valid tar for the hardened reader', async () => {
    const input = await packed((p) => p.entry({ name: 'a/b.txt', uid: 0, gid: 0, mode: 0o644 }, 'b'));
    const seen: string[] = [];
    await readTar(Readable.from([await stamp(input, 100)]), async (e, body) => {
      seen.push(e.path);
      if (body) {
        body.resume();
        await finished(body);
      }
    });
    expect(seen).toEqual(['a/b.txt']);
  });

  it('refuses an owner in a pax header, a damaged header and a truncated upload', async () => {
    const withOwner = await packed((p) => p.entry({ name: 'x', pax: { uid: '0' } }, 'x'));
    await expect(stamp(withOwner)).rejects.toThrow(/owner in an extended header/);
    const damaged = await packed((p) => p.entry({ name: 'x' }, 'x'));
    damaged[0] = 0x7a;
    await expect(stamp(damaged)).rejects.toThrow(/checksum/);
    const full = await packed((p) => p.entry({ name: 'x' }, 'y'.repeat(5000)));
    await expect(stamp(full.subarray(0, 2048))).rejects.toThrow(/ended in the middle/);
  });
});

describe('UploadTarGate checks', () => {
  it('shows each entry with its full name (ustar prefix, pax path, GNU long name) before its bytes pass', async () => {
    const seen: GateEntry[] = [];
    const long = `${'d'.repeat(120)}/${'f'.repeat(120)}.txt`;
    const input = await packed((p) => {
      p.entry({ name: 'a.txt' }, 'aaa');
      p.entry({ name: long }, 'long');
      p.entry({ name: 'ünï.txt' }, 'u');
      p.entry({ name: 'l', type: 'symlink', linkname: '/etc/passwd' });
    });
    await stamp(input, 200, (e) => void seen.push(e));
    expect(seen.map((e) => [e.name, e.type, e.size, e.linkname])).toEqual([
      ['a.txt', 'file', 3, null],
      [long, 'file', 4, null],
      ['ünï.txt', 'file', 1, null],
      ['l', 'symlink', 0, '/etc/passwd'],
    ]);
  });

  it('a refusal in check ends the stream with that error', async () => {
    const input = await packed((p) => {
      p.entry({ name: 'ok.txt' }, 'ok');
      p.entry({ name: 'bad.txt' }, 'bad');
    });
    await expect(
      stamp(input, 512, (e) => {
        if (e.name === 'bad.txt') throw new Error('not in the plan');
      }),
    ).rejects.toThrow(/not in the plan/);
  });

  it('reads GNU long names (as GNU tar writes them)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gate-'));
    const long = 'n'.repeat(200);
    writeFileSync(path.join(dir, long), 'x');
    const archive = execFileSync('tar', ['--format=gnu', '-cf', '-', '-C', dir, long]);
    const seen: string[] = [];
    const out = await stamp(archive, 100, (e) => void seen.push(e.name));
    expect(seen).toEqual([long]);
    expect(out.includes(Buffer.from('././@LongLink'))).toBe(true);
  });
});

describe('TarFileBody', () => {
  async function body(bytes: Buffer, name: string, size: number, chunk = 300): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += chunk) parts.push(bytes.subarray(i, i + chunk));
    const out: Buffer[] = [];
    for await (const c of Readable.from(parts).pipe(new TarFileBody(name, size)) as AsyncIterable<Buffer>) out.push(c);
    return Buffer.concat(out);
  }

  it("passes exactly the file's bytes (a plain name, a pax name, an empty file)", async () => {
    const data = Buffer.from('x'.repeat(1500));
    expect(await body(await packed((p) => p.entry({ name: 'data.bin' }, data)), 'data.bin', 1500)).toEqual(data);
    const long = `${'ü'.repeat(90)}.txt`;
    expect((await body(await packed((p) => p.entry({ name: long }, 'hi')), long, 2)).toString()).toBe('hi');
    expect(await body(await packed((p) => p.entry({ name: 'empty' }, '')), 'empty', 0)).toEqual(Buffer.alloc(0));
  });

  it('refuses a link, another name or size, a folder, and a cut-off archive', async () => {
    await expect(body(await packed((p) => p.entry({ name: 'a', type: 'symlink', linkname: '/etc/passwd' })), 'a', 0)).rejects.toThrow(/not a regular file/);
    await expect(body(await packed((p) => p.entry({ name: 'other' }, 'abc')), 'a', 3)).rejects.toThrow(/not the file that was asked for/);
    await expect(body(await packed((p) => p.entry({ name: 'a' }, 'abcd')), 'a', 3)).rejects.toThrow(/not the file that was asked for/);
    await expect(body(await packed((p) => p.entry({ name: 'd/', type: 'directory' })), 'd', 0)).rejects.toThrow(/not a regular file/);
    const full = await packed((p) => p.entry({ name: 'a' }, 'y'.repeat(5000)));
    await expect(body(full.subarray(0, 3000), 'a', 5000)).rejects.toThrow(/ended before the whole file/);
    await expect(body(Buffer.alloc(0), 'a', 5)).rejects.toThrow(/ended before the whole file/);
  });
});

describe('UploadTarGate agrees with the engine (Go) on every name, and passes no extra metadata', () => {
  /** One raw 512-byte header, with its checksum. */
  function rawHeader(name: string, type: string, size: number, magic: 'posix' | 'gnu' = 'posix', prefix = ''): Buffer {
    const h = Buffer.alloc(512);
    h.write(name, 0, 100, 'utf8');
    h.write('0000644\0', 100, 'latin1');
    h.write('0001750\0', 108, 'latin1');
    h.write('0001750\0', 116, 'latin1');
    h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
    h.write('00000000000\0', 136, 'latin1');
    h.write(type, 156, 'latin1');
    if (magic === 'posix') {
      h.write('ustar\u000000', 257, 'latin1');
      h.write(prefix, 345, 155, 'utf8');
    } else {
      h.write('ustar  \u0000', 257, 'latin1');
      h.write(prefix, 345, 12, 'latin1');
    }
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    return h;
  }
  const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
  const pax = (records: Record<string, string>, type = 'x') => {
    const body = Buffer.from(
      Object.entries(records)
        .map(([k, v]) => {
          const line = ` ${k}=${v}\n`;
          let n = line.length + 1;
          while (`${n}${line}`.length !== n) n += 1;
          return `${n}${line}`;
        })
        .join(''),
    );
    return Buffer.concat([rawHeader('PaxHeaders/x', type, body.length), pad(body)]);
  };
  const end = Buffer.alloc(1024);
  const names = async (bytes: Buffer) => {
    const seen: string[] = [];
    await stamp(bytes, 333, (e) => seen.push(e.name));
    return seen;
  };

  it('refuses extended attributes, sparse maps and other vendor keys in pax headers', async () => {
    const file = Buffer.concat([rawHeader('a.txt', '0', 2), pad(Buffer.from('hi'))]);
    await expect(names(Buffer.concat([pax({ 'SCHILY.xattr.security.capability': 'x' }), file, end]))).rejects.toThrow(/pax record an upload does not need/);
    await expect(names(Buffer.concat([pax({ 'GNU.sparse.name': '../../etc/x' }), file, end]))).rejects.toThrow(/pax record an upload does not need/);
    expect(await names(Buffer.concat([pax({ path: 'long/name.txt', mtime: '1700000000.5' }), file, end]))).toEqual(['long/name.txt']);
  });

  it('refuses a pax global header, two pax headers for one entry, and a GNU long name with a pax path', async () => {
    const file = Buffer.concat([rawHeader('a.txt', '0', 2), pad(Buffer.from('hi'))]);
    await expect(names(Buffer.concat([pax({ path: 'ok.txt' }, 'g'), file, end]))).rejects.toThrow(/global header/);
    await expect(names(Buffer.concat([pax({ path: 'ok.txt' }), pax({ size: '2' }), file, end]))).rejects.toThrow(/more than one extended header/);
    const longName = Buffer.from('evil.txt\0');
    const gnuLong = Buffer.concat([rawHeader('././@LongLink', 'L', longName.length, 'gnu'), pad(longName)]);
    await expect(names(Buffer.concat([gnuLong, pax({ path: 'ok.txt' }), file, end]))).rejects.toThrow(/more than one extended header/);
  });

  it('reads the prefix field only in POSIX headers, as Go does (GNU keeps times there)', async () => {
    const posix = Buffer.concat([rawHeader('b.txt', '0', 0, 'posix', 'dir'), end]);
    expect(await names(posix)).toEqual(['dir/b.txt']);
    const gnu = Buffer.concat([rawHeader('b.txt', '0', 0, 'gnu', 'dir'), end]);
    expect(await names(gnu)).toEqual(['b.txt']);
  });
});

// Files in and out of a real lab, through the bridge's transfer paths as the UI uses them: big and many
// files with checksums both ways, every traversal and link trick refused with the host untouched,
// clashes, cancel, the disk limit, the trash, a stopped lab, odd names and notebooks fetched by URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { startBridge, type Bridge } from '../../electron/bridge/server';
import { labNames } from '../../electron/core/labs/naming';
import { packTar, type TarInput } from '../../electron/core/workspace/tar';
import { apiErrorOf } from '../../electron/api/client';
import { ensureImages, execIn, removeNamespace, testCore, testSettings, uniqueNamespace } from '../support/docker';
import { getToFile, putTar } from '../support/transfer-client';
import { codeOf } from '../support/fixtures';

const ns = uniqueNamespace();
const names = labNames(ns, 'python');
const WS = '/home/student/work';
const USER = '1000:1000';
let core: Awaited<ReturnType<typeof testCore>>;
const settings = testSettings();
let bridge: Bridge;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'classlab-files-'));
const canary = path.join(tmp, 'canary.txt');

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const svc = () => core.service;

/** Plans and sends an upload of `entries` into `dir` as the UI does; returns the PUT's answer. */
async function upload(dir: string, entries: TarInput[], clash = 'keep-both') {
  const plan = await svc()['files:uploadPlan']('python', {
    dir,
    entries: entries.map((e) => ({
      path: e.path,
      kind: e.kind === 'directory' ? ('folder' as const) : ('file' as const),
      size: e.kind === 'file' ? ('data' in e ? Buffer.byteLength(e.data) : e.size) : 0,
    })),
  });
  const res = await putTar(bridge.port, plan.path, packTar(entries), { clash });
  return { plan, res };
}

async function download(p: string, dest: string) {
  const link = await svc()['files:downloadLink']('python', p);
  return { link, res: await getToFile(bridge.port, link.path, dest) };
}

async function labSha(rel: string): Promise<string> {
  const r = await execIn(names.container, ['sha256sum', `${WS}/${rel}`], USER);
  return r.out.split(/\s+/)[0] ?? '';
}

async function incomingLeft(container = names.container): Promise<string> {
  return (await execIn(container, ['sh', '-c', `ls -A ${WS}/.classlab/incoming 2>/dev/null || true`], USER)).out;
}

beforeAll(async () => {
  writeFileSync(canary, 'outside');
  core = await testCore(ns, { settings });
  await ensureImages(core);
  const staticDir = mkdtempSync(path.join(os.tmpdir(), 'classlab-static-'));
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>ClassLab</title>');
  bridge = await startBridge({ core, staticDir, port: 0, log: core.log });
});

afterAll(async () => {
  await bridge?.close();
  await core?.close();
  await removeNamespace(ns);
});

describe('files of a stopped lab', () => {
  it('lists, uploads and makes folders before the lab was ever opened (a helper serves the workspace)', async () => {
    const listing = await svc()['files:list']('python', '');
    expect(listing.viaHelper).toBe(true);
    expect(listing.usage?.limitMiB).toBeGreaterThan(0);
    expect(listing.usage!.totalBytes).toBeGreaterThan(0);
    await svc()['files:mkdir']('python', 'data');
    const { res } = await upload('data', [{ path: 'stopped.txt', kind: 'file', data: 'written while stopped\n' }]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ written: ['stopped.txt'], files: 1 });
    const after = await svc()['files:list']('python', 'data');
    expect(after.entries.map((e) => e.name)).toEqual(['stopped.txt']);
    expect(after.entries[0]).toMatchObject({ kind: 'file', size: 22 });
  });
});

describe('files of a running lab', () => {
  beforeAll(async () => {
    const view = await svc()['labs:open']('python');
    expect(view.phase).toBe('ready');
  });

  it('still has what was uploaded while stopped, owned by the lab user', async () => {
    const r = await execIn(names.container, ['stat', '-c', '%u:%g %a', `${WS}/data/stopped.txt`], USER);
    expect(r.out).toBe('1000:1000 644');
    const listing = await svc()['files:list']('python', '');
    expect(listing.viaHelper).toBe(false);
    expect(listing.entries.find((e) => e.name === 'data')).toMatchObject({ kind: 'folder' });
    // ClassLab's own folder is not shown.
    expect(listing.entries.some((e) => e.name === '.classlab')).toBe(false);
  });

  it('uploads 200 MB and downloads it back with the same sha256', async () => {
    const big = path.join(tmp, 'big.bin');
    const data = randomBytes(200 * 1024 * 1024);
    writeFileSync(big, data);
    const digest = sha(data);
    const { res } = await upload('', [{ path: 'big.bin', kind: 'file', size: data.length, open: () => createReadStream(big) }]);
    expect(res.status).toBe(200);
    expect(await labSha('big.bin')).toBe(digest);
    const back = path.join(tmp, 'big-back.bin');
    const { link, res: got } = await download('big.bin', back);
    expect(link).toMatchObject({ kind: 'file', fileName: 'big.bin' });
    expect(got.status).toBe(200);
    expect(got.headers['content-length']).toBe(String(data.length));
    expect(sha(readFileSync(back))).toBe(digest);
    // A download link works once.
    expect((await getToFile(bridge.port, link.path, path.join(tmp, 'again.bin'))).status).toBe(404);
    await svc()['files:trash']('python', ['big.bin']);
    await svc()['files:emptyTrash']('python');
  });

  it('uploads a folder of 1,000 small files and downloads it as a zip with the same contents', async () => {
    const files: TarInput[] = [{ path: 'many', kind: 'directory' }];
    const sums = new Map<string, string>();
    for (let i = 0; i < 1000; i++) {
      const body = randomBytes(200 + (i % 50) * 40);
      const p = `many/sub${i % 10}/f${i}.dat`;
      if (i < 10) files.push({ path: `many/sub${i}`, kind: 'directory' });
      files.push({ path: p, kind: 'file', data: body });
      sums.set(p, sha(body));
    }
    const { res } = await upload('', files);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ written: ['many'], files: 1000 });
    const inLab = await execIn(names.container, ['sh', '-c', `cd ${WS} && find many -type f -exec sha256sum {} + | sort -k2`], USER);
    const labSums = new Map(inLab.out.split('\n').map((l) => [l.slice(66), l.slice(0, 64)] as [string, string]));
    expect(labSums.size).toBe(1000);
    for (const [p, s] of sums) expect(labSums.get(p)).toBe(s);
    const zip = path.join(tmp, 'many.zip');
    const { link, res: got } = await download('many', zip);
    expect(link).toMatchObject({ kind: 'zip', fileName: 'many.zip' });
    expect(got.status).toBe(200);
    const listed = execFileSync('python3', [
      '-c',
      'import zipfile,hashlib,sys\nz=zipfile.ZipFile(sys.argv[1])\nfor n in z.namelist():\n  print(hashlib.sha256(z.read(n)).hexdigest(), n) if not n.endswith("/") else None',
      zip,
    ])
      .toString()
      .trim()
      .split('\n');
    expect(listed.length).toBe(1000);
    for (const line of listed) expect(sums.get(line.slice(65))).toBe(line.slice(0, 64));
  });

  it('handles odd names: spaces, unicode, a leading dash, a 255-byte name', async () => {
    const long = `${'ä'.repeat(120)}.txt`.slice(0, 127) + '.md'; // 2-byte letters: about 250 bytes
    const odd = ['with space.txt', 'ünïcødé — 漢字.txt', '-rf', '--help.txt', long];
    const { res } = await upload(
      '',
      odd.map((n) => ({ path: n, kind: 'file' as const, data: `content of ${n}` })),
    );
    expect(res.status).toBe(200);
    const listing = await svc()['files:list']('python', '');
    for (const n of odd) expect(listing.entries.map((e) => e.name)).toContain(n);
    for (const n of odd) {
      const dest = path.join(tmp, `odd-${sha(Buffer.from(n)).slice(0, 8)}`);
      const { res: got } = await download(n, dest);
      expect(got.status).toBe(200);
      expect(readFileSync(dest, 'utf8')).toBe(`content of ${n}`);
    }
    // A name made in the lab that no computer's file system should get (a newline) is refused up front,
    // with the reason, for the file and for a folder that holds it.
    await execIn(names.container, ['sh', '-c', `mkdir -p '${WS}/odd dir' && printf x > '${WS}/odd dir/new\nline.txt'`], USER);
    const refusal = await svc()
      ['files:downloadLink']('python', 'odd dir')
      .then(
        () => '',
        (err: unknown) => apiErrorOf(err).message,
      );
    expect(refusal).toMatch(/cannot hold this name: "odd dir\/new\nline.txt" \(a control character\)/);
    await execIn(names.container, ['rm', '-rf', `${WS}/odd dir`], USER);
    await svc()['files:move']('python', '-rf', 'renamed -rf');
    expect((await svc()['files:list']('python', '')).entries.map((e) => e.name)).toContain('renamed -rf');
    // Too long for any file system, or a name with a control character: refused with the reason.
    expect(await codeOf(svc()['files:mkdir']('python', 'x'.repeat(300)))).toBe('PATH_INVALID');
    expect(await codeOf(svc()['files:mkdir']('python', 'bad\nname'))).toBe('PATH_INVALID');
  });

  it('refuses every path that leaves the workspace, and never follows a link made in the lab', async () => {
    await execIn(
      names.container,
      ['sh', '-c', `cd ${WS} && ln -s / root-link && ln -s /etc/passwd passwd-link && mkdir -p real && ln -s ../real inside-link`],
      USER,
    );
    const before = readFileSync(canary, 'utf8');
    const refusals = await Promise.all([
      codeOf(svc()['files:list']('python', '../')),
      codeOf(svc()['files:list']('python', '/etc')),
      codeOf(svc()['files:list']('python', 'C:/Windows')),
      codeOf(svc()['files:list']('python', 'root-link')),
      codeOf(svc()['files:list']('python', 'inside-link')),
      codeOf(svc()['files:mkdir']('python', 'root-link/tmp/x')),
      codeOf(svc()['files:move']('python', 'data', '../../outside')),
      codeOf(svc()['files:move']('python', 'data/stopped.txt', 'root-link/tmp/stolen.txt')),
      codeOf(svc()['files:downloadLink']('python', 'passwd-link')),
      codeOf(svc()['files:downloadLink']('python', 'root-link/etc/passwd')),
      codeOf(svc()['files:uploadPlan']('python', { dir: 'root-link/tmp', entries: [{ path: 'x', kind: 'file', size: 1 }] })),
      codeOf(svc()['files:uploadPlan']('python', { dir: '', entries: [{ path: '../x', kind: 'file', size: 1 }] })),
      codeOf(svc()['files:uploadPlan']('python', { dir: '', entries: [{ path: '.classlab/trash/x', kind: 'file', size: 1 }] })),
      codeOf(svc()['files:trash']('python', ['.classlab'])),
    ]);
    expect(refusals).toEqual([
      'PATH_INVALID',
      'PATH_INVALID',
      'PATH_INVALID',
      'PATH_INVALID',
      'PATH_INVALID',
      'PATH_INVALID',
      'PATH_INVALID',
      'PATH_INVALID',
      'REFUSED',
      'PATH_INVALID',
      'PATH_INVALID',
      'PATH_INVALID',
      'PATH_INVALID',
      'PATH_INVALID',
    ]);
    // The links themselves are listed as links (not followed), and can be deleted.
    const listing = await svc()['files:list']('python', '');
    expect(listing.entries.find((e) => e.name === 'root-link')).toMatchObject({ kind: 'link', linkTarget: '/' });
    await svc()['files:trash']('python', ['root-link', 'passwd-link', 'inside-link']);
    expect(readFileSync(canary, 'utf8')).toBe(before);
    const tmpInLab = await execIn(names.container, ['ls', '/tmp'], USER);
    expect(tmpInLab.out).not.toContain('stolen');
  });

  it('refuses a hostile upload (links, "..", entries not planned, more bytes than planned) and keeps nothing', async () => {
    const plan = await svc()['files:uploadPlan']('python', { dir: '', entries: [{ path: 'ok.txt', kind: 'file', size: 3 }] });
    const hostile = (await import('tar-stream')).default.pack();
    hostile.entry({ name: 'ok.txt', size: 3 }, 'abc');
    hostile.entry({ name: 'evil', type: 'symlink', linkname: '/etc/passwd' });
    hostile.finalize();
    const res = await putTar(bridge.port, plan.path, Readable.from(hostile as AsyncIterable<Buffer>));
    expect(res.status).toBe(422);
    expect((res.body as { code: string }).code).toBe('REFUSED');
    const plan2 = await svc()['files:uploadPlan']('python', { dir: '', entries: [{ path: 'small.txt', kind: 'file', size: 10 }] });
    const liar = await putTar(bridge.port, plan2.path, packTar([{ path: 'small.txt', kind: 'file', data: randomBytes(5000) }]));
    expect((liar.body as { code: string }).code).toBe('REFUSED');
    const plan3 = await svc()['files:uploadPlan']('python', { dir: '', entries: [{ path: 'a.txt', kind: 'file', size: 1 }] });
    const extra = await putTar(
      bridge.port,
      plan3.path,
      packTar([
        { path: 'a.txt', kind: 'file', data: 'a' },
        { path: 'b.txt', kind: 'file', data: 'b' },
      ]),
    );
    expect((extra.body as { code: string }).code).toBe('REFUSED');
    const names_ = (await svc()['files:list']('python', '')).entries.map((e) => e.name);
    for (const n of ['ok.txt', 'evil', 'small.txt', 'a.txt', 'b.txt']) expect(names_).not.toContain(n);
    expect(await incomingLeft()).toBe('');
    // An upload path works once, and only from the bridge's own page.
    expect((await putTar(bridge.port, plan.path, packTar([]))).status).toBe(404);
    const plan4 = await svc()['files:uploadPlan']('python', { dir: '', entries: [{ path: 'c.txt', kind: 'file', size: 1 }] });
    expect((await putTar(bridge.port, plan4.path, packTar([{ path: 'c.txt', kind: 'file', data: 'c' }]), { origin: 'http://evil.example' })).status).toBe(403);
    // An upload that will not be sent is cancelled; its (empty) staging folder goes with it.
    await svc()['files:uploadCancel'](plan4.uploadId);
  });

  it('asks on a clash, then keeps both, replaces (old one to the trash) or skips', async () => {
    await upload('', [{ path: 'clash.txt', kind: 'file', data: 'one' }]);
    const { plan, res } = await upload('', [{ path: 'clash.txt', kind: 'file', data: 'two' }], 'keep-both');
    expect(plan.clashes).toEqual(['clash.txt']);
    expect(res.body).toMatchObject({ renamed: [['clash.txt', 'clash (2).txt']] });
    const skipped = await upload('', [{ path: 'clash.txt', kind: 'file', data: 'three' }], 'skip');
    expect(skipped.res.body).toMatchObject({ skipped: ['clash.txt'], written: [] });
    const replaced = await upload('', [{ path: 'clash.txt', kind: 'file', data: 'four' }], 'replace');
    expect(replaced.res.body).toMatchObject({ replaced: ['clash.txt'] });
    expect((await execIn(names.container, ['cat', `${WS}/clash.txt`], USER)).out).toBe('four');
    expect((await execIn(names.container, ['cat', `${WS}/clash (2).txt`], USER)).out).toBe('two');
    const trash = await svc()['files:trashList']('python');
    const old = trash.find((t) => t.originalPath === 'clash.txt');
    expect(old).toBeTruthy();
    // Restoring beside the new one keeps both.
    const restoredTo = await svc()['files:restore']('python', old!.id);
    expect(restoredTo).toBe('clash (3).txt');
    expect((await execIn(names.container, ['cat', `${WS}/clash (3).txt`], USER)).out).toBe('one');
  });

  it('a cancelled upload leaves nothing under the final name and no staging behind', async () => {
    const size = 64 * 1024 * 1024;
    const plan = await svc()['files:uploadPlan']('python', { dir: '', entries: [{ path: 'cancelled.bin', kind: 'file', size }] });
    const abort = new AbortController();
    let sent = 0;
    const slow = Readable.from(
      (async function* () {
        for (;;) {
          const chunk = randomBytes(1024 * 1024);
          sent += chunk.length;
          if (sent > 16 * 1024 * 1024) {
            abort.abort();
            await new Promise((r) => setTimeout(r, 50));
          }
          yield chunk;
        }
      })(),
    );
    const put = putTar(bridge.port, plan.path, packTar([{ path: 'cancelled.bin', kind: 'file', size, open: () => slow }]), { signal: abort.signal }).catch(
      (e: Error) => e,
    );
    expect(await put).toBeInstanceOf(Error);
    // The server notices the client is gone and cleans up.
    for (let i = 0; i < 50 && (await incomingLeft()) !== ''; i++) await new Promise((r) => setTimeout(r, 200));
    expect(await incomingLeft()).toBe('');
    expect((await svc()['files:list']('python', '')).entries.map((e) => e.name)).not.toContain('cancelled.bin');
    // uploadCancel through the API does the same before any byte was sent.
    const plan2 = await svc()['files:uploadPlan']('python', { dir: '', entries: [{ path: 'never.txt', kind: 'file', size: 1 }] });
    await svc()['files:uploadCancel'](plan2.uploadId);
    expect((await putTar(bridge.port, plan2.path, packTar([{ path: 'never.txt', kind: 'file', data: 'x' }]))).status).toBe(404);
  });

  it('refuses an upload that cannot fit, up front, saying how much is free', async () => {
    const listing = await svc()['files:list']('python', '');
    const tooBig = listing.usage!.freeBytes + 1024 * 1024;
    let message = '';
    try {
      await svc()['files:uploadPlan']('python', { dir: '', entries: [{ path: 'huge.bin', kind: 'file', size: tooBig }] });
    } catch (err) {
      expect(apiErrorOf(err).code).toBe('DISK_FULL');
      message = apiErrorOf(err).message;
    }
    expect(message).toMatch(/free \(limit \d+ MiB\)/);
  });

  it('moves to the trash, restores where it was, and empties the trash for good', async () => {
    await svc()['files:mkdir']('python', 'keep');
    await upload('keep', [{ path: 'note.txt', kind: 'file', data: 'note' }]);
    await svc()['files:trash']('python', ['keep/note.txt']);
    expect((await svc()['files:list']('python', 'keep')).entries).toEqual([]);
    const [item] = await svc()['files:trashList']('python');
    expect(item).toMatchObject({ name: 'note.txt', originalPath: 'keep/note.txt', kind: 'file', size: 4 });
    expect(await svc()['files:restore']('python', item!.id)).toBe('keep/note.txt');
    await svc()['files:trash']('python', ['keep']);
    expect((await svc()['files:list']('python', '')).trashCount).toBeGreaterThan(0);
    await svc()['files:emptyTrash']('python');
    expect(await svc()['files:trashList']('python')).toEqual([]);
    expect(await codeOf(svc()['files:restore']('python', item!.id))).toBe('NOT_FOUND');
  });

  it('opens a notebook from a URL: fetched, size-capped, checked to be a notebook; a local address only when this machine trusts it', async () => {
    const nb = JSON.stringify({
      cells: [{ cell_type: 'code', source: 'print(6*7)', metadata: {}, outputs: [], execution_count: null }],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    });
    const server = http.createServer((req, res) => {
      if (req.url === '/course/intro.ipynb') res.end(nb);
      else if (req.url === '/redirect') res.writeHead(302, { Location: '/course/intro.ipynb' }).end();
      else if (req.url === '/to-file') res.writeHead(302, { Location: 'file:///etc/passwd' }).end();
      else if (req.url === '/page.html') res.end('<html>not a notebook</html>');
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      // A course server on this computer is refused until the machine trusts it (`classlab trust local add`).
      expect(await codeOf(svc()['files:importUrl']('python', '', `${base}/course/intro.ipynb`))).toBe('REFUSED');
      settings.update({ trust: { ...settings.get().trust, localAddresses: [`${base}/`] } });
      const first = await svc()['files:importUrl']('python', '', `${base}/course/intro.ipynb`);
      expect(first).toEqual({ path: 'intro.ipynb', bytes: nb.length });
      expect(await labSha('intro.ipynb')).toBe(sha(Buffer.from(nb)));
      expect((await svc()['files:importUrl']('python', '', `${base}/redirect`)).path).toBe('intro (2).ipynb');
      expect(await codeOf(svc()['files:importUrl']('python', '', `${base}/page.html`))).toBe('REFUSED');
      expect(await codeOf(svc()['files:importUrl']('python', '', `${base}/to-file`))).toBe('BAD_REQUEST');
      expect(await codeOf(svc()['files:importUrl']('python', '', 'file:///etc/passwd'))).toBe('BAD_REQUEST');
      expect(await codeOf(svc()['files:importUrl']('python', '', `${base}/missing.ipynb`))).toBe('NOT_FOUND');
    } finally {
      server.close();
    }
  });

  it('runs file operations through one agent shell in the lab, as the lab user', async () => {
    await svc()['files:list']('python', '');
    // The owners of the processes whose command line names the agent (the grep itself is not one).
    const ps = await execIn(
      names.container,
      ['sh', '-c', 'for f in $(grep -l -a classlab-agent /proc/[0-9]*/cmdline 2>/dev/null); do stat -c %u "${f%/cmdline}" 2>/dev/null; done'],
      USER,
    );
    const owners = ps.out.split('\n').filter(Boolean);
    expect(owners.length).toBeGreaterThanOrEqual(1);
    expect(new Set(owners)).toEqual(new Set(['1000']));
  });

  it('the notebook server serves an uploaded notebook from the workspace', async () => {
    const view = (await svc()['labs:list']()).labs.find((l) => l.id === 'python')!;
    const url = new URL(view.notebookUrl!);
    const res = await fetch(`${url.origin}/api/contents/intro.ipynb`, { headers: { Authorization: `token ${url.searchParams.get('token')}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { type: string }).type).toBe('notebook');
  });

  it('nothing of this reached the host outside the download folder', () => {
    expect(readFileSync(canary, 'utf8')).toBe('outside');
    expect(statSync(tmp).isDirectory()).toBe(true);
  });
});

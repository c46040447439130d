// A lab pack's course bundle against real git (issue #11; no Docker): bundleCourse writes exactly the one
// branch of a real remote (file:// trusted by this machine, or http with a token that never reaches a
// log); a cancel leaves no file; checkBundle refuses every hostile bundle made here with plain git (not a
// bundle, extra refs, thin, truncated, damaged, a `.GIT` path, a tag in the branch's place, a link); and a
// first copy fetches from the bundle with the course address unreachable, after which syncs use the address.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundleCourse, checkBundle, CourseBundleError, courseBundlePath } from '../../electron/core/git/course-bundle';
import { isFirstCopy, syncCourse, type CourseSyncOptions } from '../../electron/core/git/course-sync';
import { GitCredentialStore } from '../../electron/core/git/credentials';
import { credentialOrigin, prepareGitSupport } from '../../electron/core/git/git-runner';
import { LabGit } from '../../electron/core/git/lab-git';
import { Profile } from '../../electron/core/profiles/schema';
import { EncryptedFileSecretStore } from '../../electron/core/secrets/aes-cipher';
import { MachineTrust } from '../../electron/core/trust/machine-trust';
import { memoryLogger } from '../support/docker';
import { pythonCourseLab } from '../support/fixtures';
import { git, initRemote, readTree, startGitHttpServer, tempRoot, type CourseRemote } from '../support/git-remote';

const TOKEN = 'ghp_BundleTokenThatMustNeverLeak1234567890';

let root: string;
let remote: CourseRemote;
let out: string;
let head: string;
const log = memoryLogger();
const trusted = () => MachineTrust.parse({ localAddresses: [remote.url] });
/** Everything in a folder (to see that no scratch folder or half-written file is left). */
const entries = (dir: string) => readdirSync(dir).sort();

/** Plain git's bundle of `revs` from the instructor's clone, written to `name` in the test folder. */
function plainBundle(name: string, ...revs: string[]): string {
  const file = path.join(root, 'made', name);
  mkdirSync(path.dirname(file), { recursive: true });
  git(remote.clone, ['bundle', 'create', '-q', file, ...revs]);
  return file;
}

/** The error checkBundle throws for `file` (it must throw). */
async function refusal(file: string, branch = 'main'): Promise<CourseBundleError> {
  const err = await checkBundle(file, branch).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CourseBundleError);
  expect((err as CourseBundleError).code).toBe('REFUSED');
  return err as CourseBundleError;
}

beforeEach(() => {
  root = tempRoot('bundle');
  remote = initRemote(path.join(root, 'course'));
  remote.publish({ 'lesson.py': 'print(1)\n', 'docs/readme.md': 'read me\n' }, 'first');
  head = remote.publish({ 'lesson.py': 'print(2)\n' }, 'second');
  // Other branches and a tag on the remote: none of them may reach the bundle.
  git(remote.clone, ['branch', 'solutions']);
  git(remote.clone, ['push', '-q', 'origin', 'solutions']);
  git(remote.clone, ['tag', 'v1']);
  git(remote.clone, ['push', '-q', 'origin', 'v1']);
  out = path.join(root, 'export');
  mkdirSync(out);
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('bundleCourse', () => {
  it('writes a bundle of exactly refs/heads/<branch> with its whole history, and checkBundle accepts it', async () => {
    const file = path.join(out, 'python.bundle');
    const made = await bundleCourse({ url: remote.url, branch: 'main', trust: trusted(), outFile: file, log });
    expect(made).toEqual({ commit: head, bytes: statSync(file).size });
    expect(git(root, ['bundle', 'list-heads', file]).trim()).toBe(`${head} refs/heads/main`);
    expect(readFileSync(file).subarray(0, 16).toString()).toBe('# v2 git bundle\n');
    // Nothing but the bundle is left in the folder (no scratch repository, no temporary file).
    expect(entries(out)).toEqual(['python.bundle']);
    expect(await checkBundle(file, 'main')).toEqual({ commit: head });
    expect(entries(out)).toEqual(['python.bundle']);
    // The whole history: a clone from it has both commits and the files.
    git(root, ['clone', '-q', '--branch', 'main', file, path.join(root, 'from-bundle')]);
    expect(git(path.join(root, 'from-bundle'), ['rev-list', '--count', 'HEAD']).trim()).toBe('2');
    expect(readFileSync(path.join(root, 'from-bundle', 'lesson.py'), 'utf8')).toBe('print(2)\n');
  });

  it('uses the course address rules: an untrusted local address, a missing branch or an option-like branch write nothing', async () => {
    const file = path.join(out, 'x.bundle');
    await expect(bundleCourse({ url: remote.url, branch: 'main', trust: MachineTrust.parse({}), outFile: file, log })).rejects.toMatchObject({
      code: 'GIT_URL_REFUSED',
    });
    await expect(bundleCourse({ url: `ext::sh -c touch% ${root}/pwned`, branch: 'main', trust: trusted(), outFile: file, log })).rejects.toMatchObject({
      code: 'GIT_URL_REFUSED',
    });
    await expect(bundleCourse({ url: remote.url, branch: 'nope', trust: trusted(), outFile: file, log })).rejects.toMatchObject({
      code: 'GIT_BRANCH_MISSING',
    });
    await expect(bundleCourse({ url: remote.url, branch: '--upload-pack=touch', trust: trusted(), outFile: file, log })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    expect(entries(out)).toEqual([]);
    expect(existsSync(path.join(root, 'pwned'))).toBe(false);
  });

  it('fetches over http with a token answered only for its host, never in the log', async () => {
    const http = await startGitHttpServer(path.join(root, 'course'), 'student', TOKEN);
    try {
      const url = http.url('remote.git');
      const trust = MachineTrust.parse({ localAddresses: [url] });
      const file = path.join(out, 'http.bundle');
      // Without the token the server refuses; a token saved for another host is not sent; with it the bundle is made.
      await expect(bundleCourse({ url, branch: 'main', trust, outFile: file, log })).rejects.toMatchObject({ code: 'GIT_AUTH_FAILED' });
      const elsewhere = { username: 'student', token: TOKEN, origin: 'http://127.0.0.2:1' };
      await expect(bundleCourse({ url, branch: 'main', trust, credentials: elsewhere, outFile: file, log })).rejects.toMatchObject({ code: 'GIT_AUTH_FAILED' });
      expect(http.requests.some((r) => r.authorized)).toBe(false);
      const credentials = { username: 'student', token: TOKEN, origin: credentialOrigin(url) };
      expect((await bundleCourse({ url, branch: 'main', trust, credentials, outFile: file, log })).commit).toBe(head);
      expect(log.lines.join('\n')).not.toContain(TOKEN);
      expect(entries(out)).toEqual(['http.bundle']);
    } finally {
      await http.close();
    }
  });

  it('a cancel while git fetches stops it at once and leaves no file and no scratch folder', async () => {
    // The server holds every authorized request back for 5 s; the cancel comes as soon as git asks.
    const http = await startGitHttpServer(path.join(root, 'course'), 'student', TOKEN, 5000);
    try {
      const url = http.url('remote.git');
      const credentials = { username: 'student', token: TOKEN, origin: credentialOrigin(url) };
      const file = path.join(out, 'cancelled.bundle');
      const abort = new AbortController();
      let abortedAt = 0;
      const watch = setInterval(() => {
        if (!abortedAt && http.requests.some((r) => r.authorized)) {
          abortedAt = Date.now();
          abort.abort();
        }
      }, 10);
      const made = bundleCourse({
        url,
        branch: 'main',
        trust: MachineTrust.parse({ localAddresses: [url] }),
        credentials,
        outFile: file,
        signal: abort.signal,
        log,
      });
      await expect(made).rejects.toMatchObject({ code: 'CANCELLED' });
      clearInterval(watch);
      expect(abortedAt).toBeGreaterThan(0);
      expect(Date.now() - abortedAt).toBeLessThan(2500);
      expect(entries(out)).toEqual([]);
    } finally {
      await http.close();
    }
  });
});

describe('LabGit.exportCourseBundle', () => {
  it("bundles a lab's course with the lab's saved token and this machine's trust, as its sync would fetch", async () => {
    const http = await startGitHttpServer(path.join(root, 'course'), 'student', TOKEN);
    const data = path.join(root, 'data');
    const labGit = (trust: string[]) =>
      new LabGit({
        dataDir: data,
        credentials,
        log,
        profile: () => Profile.parse(pythonCourseLab(http.url('remote.git'))),
        target: () => {
          throw new Error('a bundle needs no running lab');
        },
        emit: () => undefined,
        trust: () => MachineTrust.parse({ localAddresses: trust }),
      });
    const credentials = new GitCredentialStore(() => EncryptedFileSecretStore.open(path.join(data, 'secrets.bin'), path.join(data, 'secrets.key')));
    try {
      const file = path.join(out, 'python.bundle');
      // http:// on this PC is a local address: only this machine's trust allows it.
      await expect(labGit([]).exportCourseBundle('python', file)).rejects.toMatchObject({ code: 'GIT_URL_REFUSED' });
      await expect(labGit([http.url('')]).exportCourseBundle('python', file)).rejects.toMatchObject({ code: 'GIT_AUTH_FAILED' });
      await credentials.set(http.url('remote.git'), 'student', TOKEN);
      expect((await labGit([http.url('')]).exportCourseBundle('python', file)).commit).toBe(head);
      expect(await checkBundle(file, 'main')).toEqual({ commit: head });
      expect(log.lines.join('\n')).not.toContain(TOKEN);
    } finally {
      await http.close();
    }
  });
});

describe('checkBundle refuses hostile bundles', () => {
  it('a file that is not a bundle: text, random bytes, an empty file, a bare git pack, a folder, a link', async () => {
    const made = path.join(root, 'made');
    mkdirSync(made);
    writeFileSync(path.join(made, 'text.bundle'), 'hello, I am a course\n');
    writeFileSync(path.join(made, 'random.bundle'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    writeFileSync(path.join(made, 'empty.bundle'), '');
    const good = plainBundle('good.bundle', 'main');
    const bytes = readFileSync(good);
    writeFileSync(path.join(made, 'pack.bundle'), bytes.subarray(bytes.indexOf('PACK')));
    for (const name of ['text', 'random', 'empty', 'pack']) {
      expect((await refusal(path.join(made, `${name}.bundle`))).message, name).toMatch(/not a git bundle/);
    }
    mkdirSync(path.join(made, 'dir.bundle'));
    expect((await refusal(path.join(made, 'dir.bundle'))).message).toMatch(/not a plain file/);
    symlinkSync(good, path.join(made, 'link.bundle'));
    expect((await refusal(path.join(made, 'link.bundle'))).message).toMatch(/not a plain file/);
    expect((await refusal(path.join(made, 'missing.bundle'))).message).toMatch(/not there/);
  });

  it('extra refs, another branch, HEAD beside the branch, a tag in it', async () => {
    for (const [name, revs] of [
      ['two', ['main', 'solutions']],
      ['head', ['HEAD', 'main']],
      ['tag', ['main', 'v1']],
      ['other', ['solutions']],
    ] as const) {
      const err = await refusal(plainBundle(`${name}.bundle`, ...revs));
      expect(err.message, name).toMatch(/must hold exactly the branch main/);
    }
  });

  it('a thin bundle (it needs commits it does not carry)', async () => {
    const err = await refusal(plainBundle('thin.bundle', 'main~1..main'));
    expect(err.message).toMatch(/thin bundle/);
  });

  it('truncated anywhere, or a byte changed in its pack', async () => {
    const good = readFileSync(plainBundle('good.bundle', 'main'));
    const packAt = good.indexOf('PACK');
    const cut = (n: number, name: string) => {
      const file = path.join(root, 'made', name);
      writeFileSync(file, good.subarray(0, n));
      return file;
    };
    expect((await refusal(cut(30, 'in-header.bundle'))).message).toMatch(/header does not end/);
    expect((await refusal(cut(packAt, 'no-pack.bundle'))).message).toMatch(/no git pack/);
    expect((await refusal(cut(packAt + 40, 'early.bundle'))).message).toMatch(/truncated or damaged/);
    expect((await refusal(cut(good.length - 1, 'last-byte.bundle'))).message).toMatch(/truncated or damaged/);
    const flipped = Buffer.from(good);
    flipped[packAt + 60] = flipped[packAt + 60]! ^ 0xff;
    writeFileSync(path.join(root, 'made', 'flipped.bundle'), flipped);
    expect((await refusal(path.join(root, 'made', 'flipped.bundle'))).message).toMatch(/truncated or damaged/);
    // Each refusal cleaned its scratch repository up.
    expect(entries(path.join(root, 'made')).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('a tree holding a name git takes as .git (git 2.39 fetches it from a bundle without fsck; checkBundle does not)', async () => {
    const blob = git(remote.clone, ['hash-object', '-w', '--stdin'], { input: 'evil\n' }).trim();
    const inner = git(remote.clone, ['mktree'], { input: `100644 blob ${blob}\tconfig\n` }).trim();
    const tree = git(remote.clone, ['mktree'], { input: `040000 tree ${inner}\t.GIT\n100644 blob ${blob}\tlesson.py\n` }).trim();
    const commit = git(remote.clone, ['commit-tree', '-m', 'evil', tree]).trim();
    git(remote.clone, ['update-ref', 'refs/heads/evil', commit]);
    const file = path.join(root, 'made', 'dotgit.bundle');
    mkdirSync(path.dirname(file), { recursive: true });
    git(remote.clone, ['bundle', 'create', '-q', file, 'refs/heads/evil']);
    // Control: plain git (with transfer.fsckObjects) takes it from the bundle.
    git(root, ['init', '-q', '--bare', 'control.git']);
    git(root, ['--git-dir', 'control.git', '-c', 'transfer.fsckObjects=true', 'fetch', '-q', file, 'refs/heads/evil:refs/heads/evil']);
    expect(git(root, ['--git-dir', 'control.git', 'rev-parse', 'refs/heads/evil']).trim()).toBe(commit);
    expect((await refusal(file, 'evil')).message).toMatch(/names or entries git refuses/);
  });

  it('an annotated tag in the branch’s place (not a commit)', async () => {
    // git refuses to write a tag into refs/heads/, so the header of a tag's bundle is renamed by hand.
    git(remote.clone, ['tag', '-a', '-m', 'a tag', 'annotated']);
    const bytes = readFileSync(plainBundle('tag.bundle', 'refs/tags/annotated'));
    const renamed = Buffer.from(bytes.toString('latin1').replace('refs/tags/annotated', 'refs/heads/tagged'), 'latin1');
    writeFileSync(path.join(root, 'made', 'tagged.bundle'), renamed);
    const err = await refusal(path.join(root, 'made', 'tagged.bundle'), 'tagged');
    expect(err.message).toMatch(/does not name a commit/);
  });

  it('the branch asked for must be the one it holds', async () => {
    expect((await refusal(plainBundle('main.bundle', 'refs/heads/main'), 'solutions')).message).toMatch(
      /exactly the branch solutions, and it holds refs\/heads\/main/,
    );
  });
});

describe('the first copy from a bundle', () => {
  let opts: CourseSyncOptions;
  let work: string;
  let bundle: string;

  beforeEach(async () => {
    work = path.join(root, 'lab', 'course');
    mkdirSync(work, { recursive: true });
    bundle = courseBundlePath(path.join(root, 'data'), 'python');
    mkdirSync(path.dirname(bundle), { recursive: true });
    await bundleCourse({ url: remote.url, branch: 'main', trust: trusted(), outFile: bundle, log });
    opts = {
      support: await prepareGitSupport(path.join(root, 'data', 'git-support')),
      gitDir: path.join(root, 'data', 'course.git'),
      workTree: work,
      // The address is unreachable: the first copy needs only the bundle.
      url: 'https://127.0.0.1:1/course.git',
      branch: 'main',
      backupRoot: path.join(root, 'lab'),
      folderName: 'course',
    };
  });

  it('copies from the bundle with no network, then syncs from the address as usual', async () => {
    expect(bundle).toBe(path.join(root, 'data', 'labs', 'courses', 'python.bundle'));
    const { commit } = await checkBundle(bundle, 'main');
    expect(await isFirstCopy(opts)).toBe(true);
    const { report } = await syncCourse({ ...opts, bundle: { file: bundle, commit } });
    expect(report).toMatchObject({ outcome: 'cloned', commit: head });
    expect(readTree(work)).toEqual({ 'lesson.py': 'print(2)\n', 'docs/readme.md': 'read me\n' });
    expect(await isFirstCopy(opts)).toBe(false);
    // Only the branch came in: no other ref of the remote is in the course git dir.
    expect(git(root, ['--git-dir', opts.gitDir, 'for-each-ref', '--format=%(refname)']).trim().split('\n').sort()).toEqual([
      'refs/classlab/upstream',
      'refs/heads/course',
    ]);

    // A second copy from the bundle is refused: later syncs use the address.
    await expect(syncCourse({ ...opts, bundle: { file: bundle, commit } })).rejects.toBeInstanceOf(CourseBundleError);
    // The address unreachable: a network error, the folder unchanged.
    writeFileSync(path.join(work, 'lesson.py'), 'print(2)  # mine\n');
    await expect(syncCourse(opts)).rejects.toMatchObject({ code: 'GIT_NETWORK' });
    expect(readTree(work)).toEqual({ 'lesson.py': 'print(2)  # mine\n', 'docs/readme.md': 'read me\n' });

    // Reachable again (the real remote): the bundled commit is an ancestor, so it merges.
    const third = remote.publish({ 'docs/readme.md': 'read me again\n' }, 'third');
    const { report: next } = await syncCourse({ ...opts, url: remote.url, allowLocal: true });
    expect(next).toMatchObject({ outcome: 'synced', commit: third, previousCommit: head, updated: ['docs/readme.md'] });
    expect(readTree(work)).toEqual({ 'lesson.py': 'print(2)  # mine\n', 'docs/readme.md': 'read me again\n' });
  });

  it('refuses a bundle that changed after it was checked, and touches nothing', async () => {
    const { commit } = await checkBundle(bundle, 'main');
    remote.publish({ 'lesson.py': 'print(3)\n' }, 'third');
    await bundleCourse({ url: remote.url, branch: 'main', trust: trusted(), outFile: bundle, log });
    const err = await syncCourse({ ...opts, bundle: { file: bundle, commit } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CourseBundleError);
    expect((err as CourseBundleError).message).toMatch(/changed after it was checked/);
    expect(readdirSync(work)).toEqual([]);
    expect(await isFirstCopy(opts)).toBe(true);
  });
});

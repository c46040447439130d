// Credentials over real HTTP: `git http-backend` behind Basic auth on 127.0.0.1 (made here, no Docker).
// A wrong token is a clear GIT_AUTH_FAILED with the folder unchanged; the right one works; the token is
// never in any process's command line while git runs, and never in the log.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syncCourse } from '../../electron/core/git/course-sync';
import { GitError } from '../../electron/core/git/errors';
import { credentialOrigin, prepareGitSupport, type GitCredentials, type GitSupport } from '../../electron/core/git/git-runner';
import { commitWorkspace, pushWorkspace, workspaceStatus, type WorkspaceRepoOptions } from '../../electron/core/git/workspace-repo';
import { fileLogger } from '../../electron/core/log';
import { git, initRemote, readTree, startGitHttpServer, tempRoot, type GitHttpServer } from '../support/git-remote';

const USER = 'student';
const TOKEN = 'ghp_S3cretT0kenThatMustNeverLeak1234567890';

let root: string;
let server: GitHttpServer;
let support: GitSupport;

/** Credentials saved for the test server's address. */
const saved = (token: string): GitCredentials => ({ username: USER, token, origin: credentialOrigin(server.url('x')) });

/** Every command line of every process on the machine that mentions git, sampled until `until` settles. */
async function watchCommandLines<T>(until: Promise<T>): Promise<{ result: T; gitSeen: number; leaks: string[] }> {
  const leaks: string[] = [];
  let gitSeen = 0;
  let done = false;
  const settled = until.finally(() => {
    done = true;
  });
  while (!done) {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let argv: string[];
      try {
        argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      } catch {
        continue;
      }
      if (/^(git|git-remote-https?|askpass\.sh)$/.test(path.basename(argv[0] ?? ''))) gitSeen++;
      const cmd = argv.join(' ');
      if (cmd.includes(TOKEN)) leaks.push(cmd);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  return { result: await settled, gitSeen, leaks };
}

beforeEach(async () => {
  root = tempRoot('cred');
  const remote = initRemote(path.join(root, 'r'));
  remote.publish({ 'lesson.py': 'print(1)\n' }, 'first');
  git(root, ['init', '-q', '--bare', '--initial-branch=main', path.join(root, 'r', 'ws.git')]);
  // Every authorized request waits a little, so the sampler sees git's processes while they run.
  server = await startGitHttpServer(path.join(root, 'r'), USER, TOKEN, 150);
  support = await prepareGitSupport(path.join(root, 'data', 'git-support'));
});

afterEach(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

describe('git credentials (real http-backend with Basic auth)', () => {
  it('the command-line watcher does see a token in argv (control)', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 300)', TOKEN]);
    const { leaks } = await watchCommandLines(new Promise((resolve) => child.on('exit', resolve)));
    expect(leaks.length).toBeGreaterThan(0);
  });

  it('a wrong token: GIT_AUTH_FAILED, the folder unchanged, the token never in argv or the log', async () => {
    const work = path.join(root, 'lab', 'course');
    mkdirSync(work, { recursive: true });
    writeFileSync(path.join(work, 'mine.txt'), 'mine\n');
    const logFile = path.join(root, 'data', 'classlab.log');
    const logger = fileLogger(logFile);
    const base = { support, gitDir: path.join(root, 'data', 'course.git'), workTree: work, url: server.url('remote.git'), branch: 'main', allowLocal: true, backupRoot: path.join(root, 'lab'), folderName: 'course', logger };

    const wrong = saved(`${TOKEN}-wrong`);
    const err = await syncCourse({ ...base, credentials: wrong }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitError);
    expect((err as GitError).code).toBe('GIT_AUTH_FAILED');
    expect((err as GitError).message).toMatch(/did not accept/);
    expect(readTree(work)).toEqual({ 'mine.txt': 'mine\n' });
    // What a caller would log about the failure.
    logger.error('sync failed', { code: (err as GitError).code, message: (err as GitError).message, detail: (err as GitError).detail, url: base.url });

    const { result, gitSeen, leaks } = await watchCommandLines(syncCourse({ ...base, credentials: saved(TOKEN) }));
    expect(result.report.outcome).toBe('cloned');
    expect(readTree(work)).toEqual({ 'mine.txt': 'mine\n', 'lesson.py': 'print(1)\n' });
    expect(gitSeen).toBeGreaterThan(0);
    expect(leaks).toEqual([]);
    expect(server.requests.some((r) => r.authorized)).toBe(true);

    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain('course synced');
    expect(log).not.toContain(TOKEN);
    // Nothing of the token is stored in ClassLab's git dir or support folder either.
    const stored = [path.join(root, 'data', 'course.git', 'config'), support.askpass].map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(stored).not.toContain(TOKEN);
  });

  it('workspace repo: status, commit and push with a token that never reaches a command line', async () => {
    const work = path.join(root, 'lab', 'project');
    mkdirSync(path.join(work, 'src'), { recursive: true });
    writeFileSync(path.join(work, 'src', 'main.py'), 'print("hi")\n');
    writeFileSync(path.join(work, 'notes.md'), 'notes\n');
    const opts: WorkspaceRepoOptions = { support, gitDir: path.join(root, 'data', 'project.git'), workTree: work, branch: 'main' };
    const remote = { url: server.url('ws.git'), allowLocal: true, credentials: saved(TOKEN) };

    const before = await workspaceStatus(opts, remote);
    expect(before.changed).toEqual([
      { path: 'notes.md', change: 'added' },
      { path: 'src/main.py', change: 'added' },
    ]);
    expect(before.remoteKnown).toBe(false);

    const { commit, files } = await commitWorkspace(opts, 'First version', { name: 'Ada Student', email: 'ada@example.org' });
    expect(files).toBe(2);
    expect((await commitWorkspace(opts, 'nothing', { name: 'Ada Student', email: 'ada@example.org' })).commit).toBeNull();
    expect((await workspaceStatus(opts)).ahead).toBe(1);

    const wrong = await pushWorkspace(opts, { ...remote, credentials: saved('nope') }).catch((e: unknown) => e);
    expect((wrong as GitError).code).toBe('GIT_AUTH_FAILED');

    const { result, gitSeen, leaks } = await watchCommandLines(pushWorkspace(opts, remote));
    expect(result.commit).toBe(commit);
    expect(gitSeen).toBeGreaterThan(0);
    expect(leaks).toEqual([]);
    expect(git(root, ['--git-dir', path.join(root, 'r', 'ws.git'), 'rev-parse', 'refs/heads/main']).trim()).toBe(commit);
    expect(git(root, ['--git-dir', path.join(root, 'r', 'ws.git'), 'log', '-1', '--format=%an <%ae> %s']).trim()).toBe('Ada Student <ada@example.org> First version');

    writeFileSync(path.join(work, 'notes.md'), 'more notes\n');
    const after = await workspaceStatus(opts, remote);
    expect(after).toMatchObject({ changed: [{ path: 'notes.md', change: 'modified' }], ahead: 0, behind: 0, remoteKnown: true });
    // The work tree never gets a .git of ours.
    expect(existsSync(path.join(work, '.git'))).toBe(false);
  });

  it('a push the remote refuses (it has commits we lack) is GIT_PUSH_REJECTED', async () => {
    const work = path.join(root, 'lab', 'project');
    mkdirSync(work, { recursive: true });
    writeFileSync(path.join(work, 'a.txt'), 'a\n');
    const opts: WorkspaceRepoOptions = { support, gitDir: path.join(root, 'data', 'project.git'), workTree: work, branch: 'main' };
    // Someone else pushed to the same branch first.
    const other = initRemote(path.join(root, 'other'));
    git(other.clone, ['remote', 'set-url', 'origin', path.join(root, 'r', 'ws.git')]);
    other.publish({ 'theirs.txt': 'x\n' });
    await commitWorkspace(opts, 'mine', { name: 'Ada', email: 'ada@example.org' });
    const err = await pushWorkspace(opts, { url: server.url('ws.git'), allowLocal: true, credentials: saved(TOKEN) }).catch((e: unknown) => e);
    expect((err as GitError).code).toBe('GIT_PUSH_REJECTED');
    const status = await workspaceStatus(opts, { url: server.url('ws.git'), allowLocal: true, credentials: saved(TOKEN) });
    expect(status).toMatchObject({ ahead: 1, behind: 1 });
  });
});

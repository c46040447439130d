// Credentials over real HTTP: `git http-backend` behind Basic auth on 127.0.0.1 (made here, no Docker).
// A wrong token is a clear GIT_AUTH_FAILED with the folder unchanged; the right one works; the token is
// never in any process's command line while git runs, and never in the log. Issue #9: a token is only ever
// sent to the host it was saved for — git follows no redirect (a redirecting listener made here, with a
// control that plain git told to follow does reach the other server), and the askpass script answers no
// prompt but the saved host's.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syncCourse } from '../../electron/core/git/course-sync';
import { GitError } from '../../electron/core/git/errors';
import { credentialOrigin, gitEnv, prepareGitSupport, type GitCredentials, type GitSupport } from '../../electron/core/git/git-runner';
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
    const base = {
      support,
      gitDir: path.join(root, 'data', 'course.git'),
      workTree: work,
      url: server.url('remote.git'),
      branch: 'main',
      allowLocal: true,
      backupRoot: path.join(root, 'lab'),
      folderName: 'course',
      logger,
    };

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
    expect(git(root, ['--git-dir', path.join(root, 'r', 'ws.git'), 'log', '-1', '--format=%an <%ae> %s']).trim()).toBe(
      'Ada Student <ada@example.org> First version',
    );

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

  it('never follows a redirect: the token stays with the host it was saved for', async () => {
    // "Elsewhere": another git server (another port, so another origin) that would take the token.
    const elsewhere = await startGitHttpServer(path.join(root, 'r'), USER, TOKEN);
    const seen: string[] = [];
    const redirector = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ? 'with credentials' : 'without credentials'}`);
      req.resume();
      res.writeHead(302, { Location: elsewhere.url(`ws.git${(req.url ?? '/').replace(/^\/ws\.git/, '')}`) }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/ws.git`;
    try {
      // Control: plain git told to follow redirects does reach the other server.
      // (Asynchronously: the servers answer from this very process.) It asks for credentials there and has none.
      await promisify(execFile)('git', ['-c', 'http.followRedirects=true', 'ls-remote', url], {
        env: { PATH: process.env.PATH, HOME: root, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0' },
      }).catch(() => undefined);
      expect(elsewhere.requests.length).toBeGreaterThan(0);
      elsewhere.requests.length = 0;
      seen.length = 0;

      const opts: WorkspaceRepoOptions = { support, gitDir: path.join(root, 'data', 'redirect.git'), workTree: path.join(root, 'lab'), branch: 'main' };
      mkdirSync(opts.workTree, { recursive: true });
      const credentials: GitCredentials = { username: USER, token: TOKEN, origin: credentialOrigin(url) };
      const { result: err, leaks } = await watchCommandLines(workspaceStatus(opts, { url, allowLocal: true, credentials }).catch((e: unknown) => e));
      expect(err).toBeInstanceOf(GitError);
      expect(leaks).toEqual([]);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((s) => s.endsWith('without credentials'))).toBe(true);
      expect(elsewhere.requests).toEqual([]);
      const push = await pushWorkspace(opts, { url, allowLocal: true, credentials }).catch((e: unknown) => e);
      expect(push).toBeInstanceOf(GitError);
      expect(elsewhere.requests).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => redirector.close(() => resolve()));
      await elsewhere.close();
    }
  });

  it('the askpass script answers only the host the token was saved for', async () => {
    // Real git against the real server with a token saved for another address: git asks about the
    // server, the script gives nothing, and the server never sees the token.
    const work = path.join(root, 'lab', 'p');
    mkdirSync(work, { recursive: true });
    const opts: WorkspaceRepoOptions = { support, gitDir: path.join(root, 'data', 'p.git'), workTree: work, branch: 'main' };
    const foreign: GitCredentials = { username: USER, token: TOKEN, origin: 'http://127.0.0.1:1' };
    const err = await workspaceStatus(opts, { url: server.url('ws.git'), allowLocal: true, credentials: foreign }).catch((e: unknown) => e);
    expect((err as GitError).code).toBe('GIT_AUTH_FAILED');
    expect(server.requests.length).toBeGreaterThan(0);
    expect(server.requests.some((r) => r.authorized)).toBe(false);

    // The script itself, as git runs it (the prompt is its one argument).
    const mine = saved(TOKEN);
    const env = gitEnv({ support, credentials: mine });
    const ask = (prompt: string) => spawnSync(support.askpass, [prompt], { env, encoding: 'utf8' });
    const host = mine.origin.replace(/^http:\/\//, '');
    expect(ask(`Username for 'http://${host}': `)).toMatchObject({ status: 0, stdout: `${USER}\n` });
    expect(ask(`Password for 'http://${USER}@${host}': `)).toMatchObject({ status: 0, stdout: `${TOKEN}\n` });
    for (const prompt of [
      `Password for 'http://${USER}@evil.example': `,
      `Password for 'https://${USER}@${host}': `,
      `Password for 'http://${USER}@${host}.evil.example': `,
      `Username for 'http://127.0.0.1:1': `,
      `${USER}@${host.split(':')[0]}'s password: `,
      '',
    ]) {
      const r = ask(prompt);
      expect(r.status, prompt).toBe(1);
      expect(r.stdout, prompt).toBe('');
    }
  });
});

// A student's or instructor's own remote for a workspace folder: status, commit, push. Same host-side
// model as course sync: the git dir lives in ClassLab's data folder, the work tree is a host copy of
// the folder that the caller fills from the lab first (commit and status read it; nothing here writes
// into it). A folder inside that copy holding its own `.git` is stored as a reference to it, never read
// as a repository of ours. The remote's state is remembered in refs/classlab/remote/<branch>, updated by
// every fetch and push, so ahead/behind can be shown without the network.
import { GitError } from './errors';
import { initRepo, revParse, updateRef } from './git-objects';
import { runGit, type GitCredentials, type GitRunOptions, type GitSupport } from './git-runner';
import { checkBranchName, credentialFreeUrl } from './remote-url';
import { keepRepoConfig } from './repo-config';
import { recoverRepo, withRepoLock } from './repo-guard';

export interface WorkspaceRepoOptions {
  support: GitSupport;
  gitDir: string;
  workTree: string;
  /** The branch commits go on and are pushed to. */
  branch: string;
  signal?: AbortSignal;
  stallMs?: number;
  deadlineMs?: number;
}

export interface WorkspaceRemote {
  url: string;
  credentials?: GitCredentials;
  allowLocal?: boolean;
}

export type FileChange = 'added' | 'modified' | 'deleted';

export interface WorkspaceStatus {
  branch: string;
  /** Files that differ from the last commit. */
  changed: { path: string; change: FileChange }[];
  /** Commits here that the remote does not have, and the other way round (as of the last fetch or push). */
  ahead: number;
  behind: number;
  /** False until a fetch or push has told us anything about the remote. */
  remoteKnown: boolean;
  lastCommit: string | null;
}

export interface Author {
  name: string;
  email: string;
}

const remoteRef = (branch: string) => `refs/classlab/remote/${branch}`;

function gitOpts(opts: WorkspaceRepoOptions, remote?: WorkspaceRemote): GitRunOptions {
  const g: GitRunOptions = { support: opts.support, gitDir: opts.gitDir, workTree: opts.workTree, allowLocal: remote?.allowLocal ?? false };
  if (remote?.credentials) g.credentials = remote.credentials;
  if (opts.signal) g.signal = opts.signal;
  if (opts.stallMs) g.stallMs = opts.stallMs;
  if (opts.deadlineMs) g.deadlineMs = opts.deadlineMs;
  return g;
}

function checkedRemote(remote: WorkspaceRemote): string {
  return credentialFreeUrl(remote.url, { allowLocal: remote.allowLocal ?? false });
}

/** Runs `fn` on a ready repository: locked, recovered after a crash, created when missing. */
async function withRepo<T>(opts: WorkspaceRepoOptions, fn: (g: GitRunOptions, branch: string) => Promise<T>, remote?: WorkspaceRemote): Promise<T> {
  const branch = checkBranchName(opts.branch);
  return withRepoLock(opts.gitDir, async () => {
    const g = gitOpts(opts, remote);
    await initRepo(g, opts.gitDir, branch);
    const recovered = await recoverRepo(opts.gitDir);
    if (recovered.headName) await runGit(g, ['symbolic-ref', 'HEAD', recovered.headName]);
    // Only plain core keys in our config (no driver, include or worktree), and not bare: it has a work tree.
    await keepRepoConfig(g, opts.gitDir, false);
    await runGit(g, ['symbolic-ref', 'HEAD', `refs/heads/${branch}`]);
    if (recovered.operations.length) await resetIndex(g);
    return fn(g, branch);
  });
}

/** Index = last commit (or empty): clears conflict entries an abandoned merge left behind. */
async function resetIndex(g: GitRunOptions): Promise<void> {
  if (await revParse(g, 'HEAD')) await runGit(g, ['read-tree', 'HEAD']);
  else await runGit(g, ['read-tree', '--empty']);
}

/** Parses `git status --porcelain=v1 -z`. Pure. */
export function parsePorcelain(out: string): { path: string; change: FileChange }[] {
  const changed: { path: string; change: FileChange }[] = [];
  const records = out.split('\0');
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.length < 4) continue;
    const xy = r.slice(0, 2);
    const p = r.slice(3);
    if (xy.includes('R') || xy.includes('C')) i++; // the next record is the old name
    const change: FileChange = xy.includes('D') ? 'deleted' : xy === '??' || xy.includes('A') ? 'added' : 'modified';
    changed.push({ path: p, change });
  }
  return changed.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** What changed since the last commit, and how this branch stands against the remote (fetched first when `fetchFrom` is given). */
export async function workspaceStatus(opts: WorkspaceRepoOptions, fetchFrom?: WorkspaceRemote): Promise<WorkspaceStatus> {
  const url = fetchFrom ? checkedRemote(fetchFrom) : null;
  return withRepo(
    opts,
    async (g, branch) => {
      if (url) {
        try {
          await runGit(g, ['fetch', '--no-tags', '--no-write-fetch-head', '--', url, `+refs/heads/${branch}:${remoteRef(branch)}`]);
        } catch (err) {
          // A new, empty remote has no branch yet: that is "nothing there", not a failure.
          if (!(err instanceof GitError && err.code === 'GIT_BRANCH_MISSING')) throw err;
        }
      }
      const changed = parsePorcelain(await runGit(g, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames', '--ignore-submodules=all']));
      const head = await revParse(g, 'HEAD');
      const remote = await revParse(g, remoteRef(branch));
      let ahead = 0;
      let behind = 0;
      if (head && remote) {
        const [a = '0', b = '0'] = (await runGit(g, ['rev-list', '--left-right', '--count', `${head}...${remote}`])).trim().split(/\s+/);
        ahead = Number(a);
        behind = Number(b);
      } else if (head) {
        ahead = Number((await runGit(g, ['rev-list', '--count', head])).trim());
      }
      return { branch, changed, ahead, behind, remoteKnown: remote !== null, lastCommit: head };
    },
    fetchFrom,
  );
}

function checkAuthor(author: Author): void {
  // eslint-disable-next-line no-control-regex
  const bad = /[<>\u0000-\u001f\u007f]/;
  if (!author.name.trim() || bad.test(author.name) || author.name.length > 200)
    throw new GitError('BAD_REQUEST', 'The author name is empty or holds < > or control characters.');
  if (!/^[^\s<>@]+@[^\s<>@]+$/.test(author.email) || author.email.length > 200) throw new GitError('BAD_REQUEST', 'The author e-mail address is not valid.');
}

/** Commits every change in the folder. Returns the new commit, or null when nothing changed. */
export async function commitWorkspace(opts: WorkspaceRepoOptions, message: string, author: Author): Promise<{ commit: string | null; files: number }> {
  // eslint-disable-next-line no-control-regex
  if (!message.trim() || message.length > 10_000 || /\u0000/.test(message))
    throw new GitError('BAD_REQUEST', 'A commit needs a message (up to 10,000 characters).');
  checkAuthor(author);
  return withRepo(opts, async (g) => {
    await runGit(g, ['add', '-A', '--', '.']);
    await refuseGitlinks(g);
    const staged = (await runGit(g, ['diff', '--cached', '--name-only', '-z', '--no-renames', '--no-textconv', '--no-ext-diff', '--ignore-submodules=none']))
      .split('\0')
      .filter((p) => p !== '');
    if (staged.length === 0) return { commit: null, files: 0 };
    await runGit({ ...g, author }, ['commit', '-q', '--no-verify', '--no-gpg-sign', '-m', message]);
    return { commit: await revParse(g, 'HEAD'), files: staged.length };
  });
}

/**
 * A gitlink (a submodule entry) in the index means git took a folder of the work tree as a repository,
 * which the copy out of the lab never lets through (git-names.ts): refuse rather than commit one.
 */
async function refuseGitlinks(g: GitRunOptions): Promise<void> {
  const links = (await runGit(g, ['ls-files', '-s', '-z'])).split('\0').filter((r) => r.startsWith('160000 '));
  if (links.length) {
    await resetIndex(g);
    throw new GitError(
      'BAD_REQUEST',
      `ClassLab does not commit a repository inside the folder (${links.map((r) => r.slice(r.indexOf('\t') + 1)).join(', ')}).`,
    );
  }
}

/** Pushes the branch to the remote. A remote with commits this folder lacks refuses it (GIT_PUSH_REJECTED). */
export async function pushWorkspace(opts: WorkspaceRepoOptions, remote: WorkspaceRemote): Promise<{ commit: string }> {
  const url = checkedRemote(remote);
  return withRepo(
    opts,
    async (g, branch) => {
      const head = await revParse(g, 'HEAD');
      if (!head) throw new GitError('BAD_REQUEST', 'There is nothing to push yet: commit first.');
      await runGit(g, ['push', '--porcelain', '--no-verify', '--', url, `${head}:refs/heads/${branch}`]);
      await updateRef(g, remoteRef(branch), head);
      return { commit: head };
    },
    remote,
  );
}

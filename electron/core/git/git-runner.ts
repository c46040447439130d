// The one place that starts git. Every git process ClassLab runs gets:
// - a minimal environment: no system or global config (a user's ~/.gitconfig could name a credential
//   helper, a pager, an fsmonitor, url rewrites), an empty HOME, no terminal prompts, C locale (so
//   errors.ts can read the messages), and a ceiling so git never discovers a repository above our folders;
// - `-c` settings that close the doors git opens by itself: hooks off, only the protocols we allow
//   (ext:: and friends never), no symlinks written on the host, no fsmonitor, no submodule recursion;
// - credentials only through GIT_ASKPASS: a fixed script in ClassLab's data folder prints the token
//   from an environment variable of the git process. The token is never in argv (readable by every
//   user in /proc/<pid>/cmdline), never in a URL, never in a log.
// - a stall timeout (no output for a while) and an overall deadline, both also reachable by an
//   AbortSignal from the caller.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { simpleGit, type SimpleGit, type SimpleGitOptions } from 'simple-git';
import { classifyGitFailure, GitError } from './errors';

export interface GitCredentials {
  /** Most hosts accept any user name with a token; defaults to "git". */
  username?: string;
  token: string;
}

/** ClassLab's support files for git (askpass script, empty home, empty global config). */
export interface GitSupport {
  dir: string;
  askpass: string;
  home: string;
  emptyConfig: string;
}

export interface GitRunOptions {
  support: GitSupport;
  /** The host git dir (GIT_DIR). Absent for commands that need no repository (merge-file, ls-remote). */
  gitDir?: string;
  /** The host work tree (GIT_WORK_TREE). Absent when git only needs objects and refs. */
  workTree?: string;
  /** Allow file:// and local paths, and http:// (remote-url.ts only lets http through for loopback). */
  allowLocal?: boolean;
  credentials?: GitCredentials;
  /** Commit author/committer. */
  author?: { name: string; email: string };
  /** Kill git when it prints nothing for this long (ms). */
  stallMs?: number;
  /** Kill git after this long in all (ms). */
  deadlineMs?: number;
  signal?: AbortSignal;
  /** Bytes for git's stdin (for --batch and --stdin commands). */
  input?: Buffer | string;
}

export const DEFAULT_STALL_MS = 60_000;
export const DEFAULT_DEADLINE_MS = 10 * 60_000;

/** The names of the environment variables the askpass script reads. Not GIT_*: git ignores them. */
export const ASKPASS_USER_VAR = 'CLASSLAB_GIT_USERNAME';
export const ASKPASS_TOKEN_VAR = 'CLASSLAB_GIT_TOKEN';

// git asks "Username for 'https://host': " and then "Password for 'https://user@host': ".
const ASKPASS_SCRIPT = `#!/bin/sh
# Written by ClassLab: answers git's credential prompts from the environment of the git process.
case "$1" in
  Username*) printf '%s\\n' "$${ASKPASS_USER_VAR}" ;;
  *) printf '%s\\n' "$${ASKPASS_TOKEN_VAR}" ;;
esac
`;

/**
 * Writes (or checks) the support files in `dir`, which belongs to ClassLab's data folder. The askpass
 * script is rewritten when its content or mode is not ours, so a changed script is never run.
 */
export async function prepareGitSupport(dir: string): Promise<GitSupport> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const support: GitSupport = {
    dir,
    askpass: path.join(dir, 'askpass.sh'),
    home: path.join(dir, 'home'),
    emptyConfig: path.join(dir, 'empty.gitconfig'),
  };
  await fs.mkdir(support.home, { recursive: true, mode: 0o700 });
  const current = await fs.readFile(support.askpass, 'utf8').catch(() => null);
  const mode = current === null ? null : (await fs.stat(support.askpass)).mode & 0o777;
  if (current !== ASKPASS_SCRIPT || mode !== 0o700) {
    const tmp = `${support.askpass}.${process.pid}.tmp`;
    await fs.writeFile(tmp, ASKPASS_SCRIPT, { mode: 0o700 });
    await fs.chmod(tmp, 0o700);
    await fs.rename(tmp, support.askpass);
  }
  await fs.writeFile(support.emptyConfig, '', { mode: 0o600 });
  return support;
}

/** The `-c` settings for every git process. Pure. */
export function gitConfigArgs(allowLocal: boolean): string[] {
  return [
    'core.hooksPath=/dev/null',
    'core.fsmonitor=false',
    'core.symlinks=false',
    'core.protectNTFS=true',
    'core.protectHFS=true',
    'credential.helper=',
    'submodule.recurse=false',
    'fetch.recurseSubmodules=false',
    'transfer.fsckObjects=true',
    'protocol.allow=never',
    'protocol.https.allow=always',
    'protocol.ssh.allow=always',
    `protocol.http.allow=${allowLocal ? 'always' : 'never'}`,
    `protocol.file.allow=${allowLocal ? 'always' : 'never'}`,
    'protocol.ext.allow=never',
    'gc.auto=0',
    'advice.detachedHead=false',
    'init.defaultBranch=course',
  ];
}

/** The whole environment of a git process. Pure: the caller's env is only read for PATH-like keys. */
export function gitEnv(opts: GitRunOptions, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  // Only what git, ssh and the askpass script need to start: where programs are and the OS basics.
  for (const key of ['PATH', 'SystemRoot', 'SYSTEMROOT', 'TEMP', 'TMP', 'TMPDIR', 'ComSpec', 'PATHEXT', 'WINDIR', 'SSH_AUTH_SOCK']) {
    const value = base[key];
    if (value !== undefined) env[key] = value;
  }
  Object.assign(env, {
    HOME: opts.support.home,
    XDG_CONFIG_HOME: opts.support.home,
    LC_ALL: 'C',
    LANG: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: opts.support.emptyConfig,
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: opts.support.askpass,
    SSH_ASKPASS: opts.support.askpass,
    // ssh never prompts (BatchMode) and trusts a server's key the first time it sees it.
    GIT_SSH_COMMAND: 'ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new',
    GIT_CEILING_DIRECTORIES: path.dirname(opts.support.home),
    GIT_LITERAL_PATHSPECS: '1',
    GIT_OPTIONAL_LOCKS: '0',
  });
  if (opts.gitDir) env.GIT_DIR = opts.gitDir;
  if (opts.workTree) env.GIT_WORK_TREE = opts.workTree;
  if (opts.credentials) {
    env[ASKPASS_USER_VAR] = opts.credentials.username ?? 'git';
    env[ASKPASS_TOKEN_VAR] = opts.credentials.token;
  }
  if (opts.author) {
    env.GIT_AUTHOR_NAME = opts.author.name;
    env.GIT_AUTHOR_EMAIL = opts.author.email;
    env.GIT_COMMITTER_NAME = opts.author.name;
    env.GIT_COMMITTER_EMAIL = opts.author.email;
  }
  return env;
}

/** A simple-git instance with the environment and settings above. */
export function createGit(opts: GitRunOptions): SimpleGit {
  const env = gitEnv(opts);
  const deadline = AbortSignal.timeout(opts.deadlineMs ?? DEFAULT_DEADLINE_MS);
  const options: Partial<SimpleGitOptions> = {
    baseDir: opts.support.home,
    config: gitConfigArgs(opts.allowLocal ?? false),
    abort: opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline,
    timeout: { block: opts.stallMs ?? DEFAULT_STALL_MS },
    allowEnvironment: Object.keys(env).filter((k) => /^git_/i.test(k) || k === 'SSH_ASKPASS'),
    // We set these on purpose, to the fixed values above; simple-git blocks them by default.
    unsafe: {
      allowUnsafeAskPass: true,
      allowUnsafeConfigPaths: true,
      allowUnsafeSshCommand: true,
      allowUnsafeHooksPath: true,
      allowUnsafeProtocolOverride: true,
      allowUnsafeCredentialHelper: true,
      allowUnsafeFsMonitor: true,
    },
  };
  if (opts.input !== undefined) {
    const input = opts.input;
    options.input = () => input;
  }
  return simpleGit(options).env(env);
}

/** git's message without anything secret: URLs lose their user info, the token is masked. */
export function scrubGitText(text: string, credentials?: GitCredentials): string {
  let out = text.replace(/([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^@/\s'"]*@/g, '$1');
  if (credentials?.token) out = out.split(credentials.token).join('***');
  return out.trim();
}

/** Turns whatever simple-git threw into a GitError with a plain message. */
export function toGitError(err: unknown, credentials?: GitCredentials): GitError {
  if (err instanceof GitError) return err;
  const raw = err instanceof Error ? err.message : String(err);
  const detail = scrubGitText(raw, credentials);
  const { code, message } = classifyGitFailure(detail);
  return new GitError(code, message, detail);
}

/** Runs `git <args>` and returns stdout; failures become GitError. */
export async function runGit(opts: GitRunOptions, args: string[]): Promise<string> {
  try {
    return await createGit(opts).raw(args);
  } catch (err) {
    throw toGitError(err, opts.credentials);
  }
}

/** Runs `git <args>` and returns stdout as bytes (blobs are not text). */
export async function runGitBuffer(opts: GitRunOptions, args: string[]): Promise<Buffer> {
  if (args[0] !== 'cat-file') throw new Error('runGitBuffer runs cat-file only');
  try {
    return (await createGit(opts).binaryCatFile(args.slice(1))) as Buffer;
  } catch (err) {
    throw toGitError(err, opts.credentials);
  }
}

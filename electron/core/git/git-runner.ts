// The one place that starts git, and the reason git on the host runs no program a lab wrote. Every git
// process ClassLab runs gets:
// - config from nowhere but here: no system config (GIT_CONFIG_NOSYSTEM), an empty global config
//   (GIT_CONFIG_GLOBAL), HOME and XDG_CONFIG_HOME in ClassLab's own empty folder (so no user config, no
//   $XDG_CONFIG_HOME/git/attributes), no system attributes (GIT_ATTR_NOSYSTEM), and a repository config
//   that repo-config.ts keeps to a few plain core keys. Attributes in the work tree can NAME a filter,
//   textconv, diff or merge driver, but a driver is a program only if config defines it, and no config
//   git reads here defines one;
// - an explicit GIT_DIR and GIT_WORK_TREE (never discovered), with GIT_CEILING_DIRECTORIES at the work
//   tree and ClassLab's support folder, so no git below can climb up out of them;
// - `-c` settings (gitConfigArgs) that also switch off, one by one, everything `git help config` lists
//   as running a program or reaching further: hooks (an empty hooks folder), fsmonitor, ssh and proxy
//   commands, external diff, pager, editor, gpg, submodules, credential helpers, every protocol but
//   https/ssh (and file/http for addresses this machine trusts), redirects. What cannot be named one by
//   one (filter/diff/merge drivers, url rewrites, aliases, includes) can only come from a config file,
//   and git reads none but ours;
// - credentials only through GIT_ASKPASS: a fixed script in ClassLab's data folder that prints the token
//   from an environment variable of the git process, and only when git's prompt names the address the
//   token was saved for (any other host, e.g. after a redirect, gets nothing). The token is never in
//   argv (readable by every user in /proc/<pid>/cmdline), never in a URL, never in a log;
// - a stall timeout (no output for a while) and an overall deadline, both also reachable by an
//   AbortSignal from the caller.
// The work tree itself never holds a repository (exportFolder leaves out every name git takes as .git,
// git-names.ts): that, and not these settings, is what keeps git from running `git status` inside a
// repository a student made.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { simpleGit, type SimpleGit, type SimpleGitOptions } from 'simple-git';
import { classifyGitFailure, GitError } from './errors';

export interface GitCredentials {
  /** Most hosts accept any user name with a token; defaults to "git". */
  username?: string;
  token: string;
  /**
   * The address the token was saved for, as scheme://host[:port] (credentialOrigin): the askpass script
   * answers only prompts for it.
   */
  origin: string;
}

/** scheme://host[:port] of an http(s) URL as git shows it in its prompts (the URL as parseRemoteUrl gives it). */
export function credentialOrigin(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
}

/** The exact prompts git writes for `credentials` (git's credential_describe: protocol://[user@]host). */
export function expectedPrompts(credentials: GitCredentials): { user: string; pass: string } {
  const [scheme = '', host = ''] = credentials.origin.split('//');
  const user = credentials.username ?? 'git';
  return { user: `Username for '${scheme}//${host}': `, pass: `Password for '${scheme}//${user}@${host}': ` };
}

/** ClassLab's support files for git (askpass script, empty home, empty global config, empty hooks folder). */
export interface GitSupport {
  dir: string;
  askpass: string;
  home: string;
  emptyConfig: string;
  emptyHooks: string;
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
export const ASKPASS_USER_PROMPT_VAR = 'CLASSLAB_GIT_USER_PROMPT';
export const ASKPASS_PASS_PROMPT_VAR = 'CLASSLAB_GIT_PASS_PROMPT';

// git asks "Username for 'https://host': " and then "Password for 'https://user@host': ". The script
// compares the whole prompt with the two git writes for the saved address (never a pattern), so a prompt
// for another host — a redirect, an ssh password prompt through SSH_ASKPASS — gets no answer.
export const ASKPASS_SCRIPT = `#!/bin/sh
# Written by ClassLab: answers git's credential prompts from the environment of the git process,
# only for the address the token was saved for. Anything else gets no answer.
if [ -n "$${ASKPASS_USER_PROMPT_VAR}" ] && [ "$1" = "$${ASKPASS_USER_PROMPT_VAR}" ]; then
  printf '%s\\n' "$${ASKPASS_USER_VAR}"
elif [ -n "$${ASKPASS_PASS_PROMPT_VAR}" ] && [ "$1" = "$${ASKPASS_PASS_PROMPT_VAR}" ]; then
  printf '%s\\n' "$${ASKPASS_TOKEN_VAR}"
else
  echo "ClassLab has no token for this address." >&2
  exit 1
fi
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
    emptyHooks: path.join(dir, 'no-hooks'),
  };
  await fs.mkdir(support.home, { recursive: true, mode: 0o700 });
  // Both must stay empty: git would read a config or an attributes file in the home, run a hook in the hooks folder.
  await emptyFolder(support.home);
  await emptyFolder(support.emptyHooks);
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

/** A folder that exists and holds nothing (made, or emptied when something is in it). */
async function emptyFolder(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  for (const name of await fs.readdir(dir)) await fs.rm(path.join(dir, name), { recursive: true, force: true });
}

/** How git starts ssh (GIT_SSH_COMMAND and core.sshCommand alike): never prompts, trusts a server's key the first time. */
export const SSH_COMMAND = 'ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new';

/**
 * The `-c` settings for every git process. Pure. The command scope overrides every file git reads; most
 * of these name a program git would otherwise take from a config (see `git help config`), set here to
 * "none" so that even a config we did not foresee reaching git could not name one.
 */
export function gitConfigArgs(allowLocal: boolean, support: Pick<GitSupport, 'askpass' | 'emptyHooks'>): string[] {
  return [
    // Programs git runs on its own.
    `core.hooksPath=${support.emptyHooks}`,
    'core.fsmonitor=false',
    `core.sshCommand=${SSH_COMMAND}`,
    'core.gitProxy=none',
    'core.askPass=' + support.askpass,
    'core.editor=:',
    'sequence.editor=:',
    'core.pager=cat',
    'core.alternateRefsCommand=',
    'diff.external=',
    'commit.gpgSign=false',
    'tag.gpgSign=false',
    'log.showSignature=false',
    // Attributes: only the repository's own info/attributes (none) and the work tree's, which name drivers no config defines.
    'core.attributesFile=',
    // Submodules: never entered (`git status` would run git inside one), never fetched or pushed.
    'submodule.recurse=false',
    'diff.ignoreSubmodules=all',
    'status.submoduleSummary=false',
    'fetch.recurseSubmodules=false',
    'push.recurseSubmodules=no',
    // Credentials: no helper of anyone's (the empty value clears the list); only ClassLab's askpass.
    'credential.helper=',
    // Never follow a redirect: a token is only ever sent to the host it was saved for.
    'http.followRedirects=false',
    'core.symlinks=false',
    'core.protectNTFS=true',
    'core.protectHFS=true',
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
    GIT_SSH_COMMAND: SSH_COMMAND,
    GIT_ATTR_NOSYSTEM: '1',
    GIT_EDITOR: ':',
    GIT_PAGER: 'cat',
    GIT_NO_REPLACE_OBJECTS: '1',
    // Neither our support folder nor a work tree is ever left upwards looking for a repository.
    GIT_CEILING_DIRECTORIES: [opts.support.dir, ...(opts.workTree ? [opts.workTree] : [])].join(path.delimiter),
    GIT_LITERAL_PATHSPECS: '1',
    GIT_OPTIONAL_LOCKS: '0',
  });
  if (opts.gitDir) env.GIT_DIR = opts.gitDir;
  if (opts.workTree) env.GIT_WORK_TREE = opts.workTree;
  if (opts.credentials) {
    env[ASKPASS_USER_VAR] = opts.credentials.username ?? 'git';
    env[ASKPASS_TOKEN_VAR] = opts.credentials.token;
    const prompts = expectedPrompts(opts.credentials);
    env[ASKPASS_USER_PROMPT_VAR] = prompts.user;
    env[ASKPASS_PASS_PROMPT_VAR] = prompts.pass;
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
    config: gitConfigArgs(opts.allowLocal ?? false, opts.support),
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
      allowUnsafeGitProxy: true,
      allowUnsafeEditor: true,
      allowUnsafePager: true,
      allowUnsafeDiffExternal: true,
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

// The parsers and classifiers around git's output, and the runner's environment: pure parts.
import { describe, expect, it } from 'vitest';
import { classifyGitFailure } from '../../../electron/core/git/errors';
import { parseCatFileBatch, parseLsTree } from '../../../electron/core/git/git-objects';
import {
  ASKPASS_PASS_PROMPT_VAR,
  ASKPASS_TOKEN_VAR,
  ASKPASS_USER_PROMPT_VAR,
  credentialOrigin,
  gitConfigArgs,
  gitEnv,
  scrubGitText,
  type GitSupport,
} from '../../../electron/core/git/git-runner';
import { parsePorcelain } from '../../../electron/core/git/workspace-repo';

describe('git failures in plain words', () => {
  it.each([
    ["fatal: Authentication failed for 'https://github.com/x/y.git/'", 'GIT_AUTH_FAILED'],
    ["fatal: could not read Username for 'https://github.com': terminal prompts disabled", 'GIT_AUTH_FAILED'],
    ['git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.', 'GIT_AUTH_FAILED'],
    ["fatal: unable to access 'https://x/': The requested URL returned error: 403", 'GIT_AUTH_FAILED'],
    ["fatal: couldn't find remote ref refs/heads/nope", 'GIT_BRANCH_MISSING'],
    ["fatal: repository 'https://github.com/x/nope.git/' not found", 'GIT_REPO_NOT_FOUND'],
    ["fatal: '/srv/x.git' does not appear to be a git repository", 'GIT_REPO_NOT_FOUND'],
    ["fatal: unable to access 'https://nohost.invalid/x/': Could not resolve host: nohost.invalid", 'GIT_NETWORK'],
    ["fatal: unable to access 'https://127.0.0.1:9/x/': Failed to connect to 127.0.0.1 port 9: Connection refused", 'GIT_NETWORK'],
    [' ! [rejected]        main -> main (fetch first)\nerror: failed to push some refs', 'GIT_PUSH_REJECTED'],
    ['block timeout reached', 'GIT_TIMEOUT'],
    ['fatal: something else entirely', 'GIT_FAILED'],
  ])('%s', (text, code) => {
    expect(classifyGitFailure(text).code).toBe(code);
  });
});

describe('git output parsers', () => {
  it('reads ls-tree -r -z, leaving out submodules', () => {
    const out = ['100644 blob aaa\ta.txt', '100755 blob bbb\tbin/run me.sh', '160000 commit ccc\tvendor/lib', '120000 blob ddd\tlink', ''].join('\0');
    expect([...parseLsTree(out)]).toEqual([
      ['a.txt', { oid: 'aaa', mode: '100644' }],
      ['bin/run me.sh', { oid: 'bbb', mode: '100755' }],
      ['link', { oid: 'ddd', mode: '120000' }],
    ]);
  });

  it('reads cat-file --batch, binary-safe', () => {
    const body = Buffer.from([0, 10, 255, 10]);
    const out = Buffer.concat([Buffer.from(`aaa blob ${body.length}\n`), body, Buffer.from('\nbbb missing\nccc blob 2\nhi\n')]);
    const map = parseCatFileBatch(out);
    expect([...map.get('aaa')!]).toEqual([0, 10, 255, 10]);
    expect(map.get('ccc')?.toString()).toBe('hi');
    expect(map.has('bbb')).toBe(false);
  });

  it('reads status --porcelain -z', () => {
    expect(parsePorcelain('?? new file.txt\0 M changed.py\0 D gone.md\0A  staged.txt\0R  to.txt\0from.txt\0')).toEqual([
      { path: 'changed.py', change: 'modified' },
      { path: 'gone.md', change: 'deleted' },
      { path: 'new file.txt', change: 'added' },
      { path: 'staged.txt', change: 'added' },
      { path: 'to.txt', change: 'modified' },
    ]);
  });
});

describe('the git runner environment', () => {
  const support: GitSupport = {
    dir: '/data/git',
    askpass: '/data/git/askpass.sh',
    home: '/data/git/home',
    emptyConfig: '/data/git/empty.gitconfig',
    emptyHooks: '/data/git/no-hooks',
  };

  it('keeps nothing of the caller but PATH-like basics, and no global or system config', () => {
    const env = gitEnv(
      { support, gitDir: '/data/c.git' },
      { PATH: '/usr/bin', HOME: '/home/u', GIT_DIR: '/evil', EDITOR: 'vim', GIT_SSH_COMMAND: 'evil', SECRET: 'x' },
    );
    expect(env).toMatchObject({
      PATH: '/usr/bin',
      HOME: '/data/git/home',
      GIT_DIR: '/data/c.git',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/data/git/empty.gitconfig',
      GIT_TERMINAL_PROMPT: '0',
      GIT_ASKPASS: '/data/git/askpass.sh',
      GIT_CEILING_DIRECTORIES: '/data/git',
      GIT_ATTR_NOSYSTEM: '1',
    });
    expect(env.EDITOR).toBeUndefined();
    expect(env.SECRET).toBeUndefined();
    expect(env.GIT_SSH_COMMAND).toMatch(/BatchMode=yes/);
    expect(env.GIT_WORK_TREE).toBeUndefined();
    expect(gitEnv({ support, gitDir: '/data/c.git', workTree: '/data/tmp/w' }).GIT_CEILING_DIRECTORIES).toBe('/data/git:/data/tmp/w');
  });

  it('puts the token only in the environment variable the askpass script reads, with the prompts of its own host', () => {
    const env = gitEnv({ support, credentials: { token: 'tok', origin: 'https://git.example.org:8443' } });
    expect(env[ASKPASS_TOKEN_VAR]).toBe('tok');
    expect(
      Object.entries(env)
        .filter(([, v]) => v.includes('tok'))
        .map(([k]) => k),
    ).toEqual([ASKPASS_TOKEN_VAR]);
    expect(env[ASKPASS_USER_PROMPT_VAR]).toBe("Username for 'https://git.example.org:8443': ");
    expect(env[ASKPASS_PASS_PROMPT_VAR]).toBe("Password for 'https://git@git.example.org:8443': ");
    expect(credentialOrigin('https://Git.Example.org:443/a/b.git')).toBe('https://git.example.org');
  });

  it('turns hooks, drivers, helpers, submodules, redirects and foreign protocols off; file and http only for trusted local addresses', () => {
    const args = gitConfigArgs(false, support);
    expect(args).toEqual(
      expect.arrayContaining([
        'core.hooksPath=/data/git/no-hooks',
        'core.fsmonitor=false',
        'core.gitProxy=none',
        'diff.external=',
        'core.attributesFile=',
        'credential.helper=',
        'submodule.recurse=false',
        'diff.ignoreSubmodules=all',
        'http.followRedirects=false',
        'protocol.allow=never',
        'protocol.ext.allow=never',
        'protocol.file.allow=never',
        'protocol.http.allow=never',
        'core.symlinks=false',
      ]),
    );
    expect(gitConfigArgs(true, support)).toEqual(
      expect.arrayContaining(['protocol.file.allow=always', 'protocol.http.allow=always', 'protocol.ext.allow=never']),
    );
  });

  it('scrubs user info and the token from git text', () => {
    expect(scrubGitText("fatal: unable to access 'https://ada:tok123@host/x.git/': nope", { token: 'tok123', origin: 'https://host' })).toBe(
      "fatal: unable to access 'https://host/x.git/': nope",
    );
    expect(scrubGitText('remote said tok123', { token: 'tok123', origin: 'https://host' })).toBe('remote said ***');
  });
});

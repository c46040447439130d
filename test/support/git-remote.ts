// Real git remotes for tests: a bare repository in a temp folder, an instructor's clone that publishes
// commits to it, and an HTTP server in front of `git http-backend` with Basic auth. The test side runs
// git directly (not through ClassLab's runner) with its own clean environment.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function tempRoot(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `classlab-${prefix}-`));
}

const testEnv = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: tmpdir(),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Instructor',
  GIT_AUTHOR_EMAIL: 'instructor@example.org',
  GIT_COMMITTER_NAME: 'Instructor',
  GIT_COMMITTER_EMAIL: 'instructor@example.org',
  LC_ALL: 'C',
});

/** Runs plain git (not ClassLab's runner); `input` goes to its stdin (mktree, hash-object --stdin). */
export function git(cwd: string, args: string[], opts: { input?: string } = {}): string {
  if (opts.input !== undefined) return execFileSync('git', args, { cwd, env: testEnv(), encoding: 'utf8', input: opts.input });
  return execFileSync('git', args, { cwd, env: testEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A bare remote plus the instructor's clone of it, on branch `main`. */
export class CourseRemote {
  readonly bare: string;
  readonly clone: string;
  constructor(readonly root: string) {
    this.bare = path.join(root, 'remote.git');
    this.clone = path.join(root, 'instructor');
    mkdirSync(root, { recursive: true });
    git(root, ['init', '-q', '--bare', '--initial-branch=main', this.bare]);
    git(root, ['init', '-q', '--initial-branch=main', this.clone]);
  }

  get url(): string {
    return `file://${this.bare}`;
  }

  /** Writes (string) or deletes (null) files, commits and pushes. Returns the commit id. */
  publish(files: Record<string, string | Buffer | null>, message = 'update', opts: { force?: boolean } = {}): string {
    for (const [rel, content] of Object.entries(files)) {
      const p = path.join(this.clone, rel);
      if (content === null) rmSync(p, { force: true });
      else {
        mkdirSync(path.dirname(p), { recursive: true });
        writeFileSync(p, content);
      }
    }
    git(this.clone, ['add', '-A']);
    git(this.clone, ['commit', '-q', '--allow-empty', '-m', message]);
    git(this.clone, ['push', '-q', ...(opts.force ? ['--force'] : []), 'origin', 'HEAD:refs/heads/main']);
    return git(this.clone, ['rev-parse', 'HEAD']).trim();
  }

  /** Replaces the whole history with one new commit holding `files` (a force-push). */
  rewrite(files: Record<string, string>): string {
    git(this.clone, ['checkout', '-q', '--orphan', `rewrite-${Date.now()}`]);
    git(this.clone, ['rm', '-rq', '--cached', '--ignore-unmatch', '.']);
    for (const entry of readdirSync(this.clone)) if (entry !== '.git') rmSync(path.join(this.clone, entry), { recursive: true, force: true });
    return this.publish(files, 'new history', { force: true });
  }
}

export function initRemote(root: string): CourseRemote {
  const remote = new CourseRemote(root);
  git(remote.clone, ['remote', 'add', 'origin', remote.bare]);
  return remote;
}

/** Every file below `root` with its text, for comparing folders. */
export function readTree(root: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(path.join(root, rel))) {
    const child = rel === '' ? name : `${rel}/${name}`;
    const st = statSync(path.join(root, child));
    if (st.isDirectory()) Object.assign(out, readTree(root, child));
    else out[child] = readFileSync(path.join(root, child), 'utf8');
  }
  return out;
}

export interface GitHttpServer {
  url: (repo: string) => string;
  close: () => Promise<void>;
  /** Requests seen, with whether they carried the right credentials. */
  requests: { path: string; authorized: boolean }[];
}

/**
 * `git http-backend` behind Basic auth on 127.0.0.1. Every request must carry user:token. `delayMs`
 * holds each authorized request back a little, so a test can look at running processes meanwhile.
 */
export async function startGitHttpServer(projectRoot: string, user: string, token: string, delayMs = 0): Promise<GitHttpServer> {
  const expected = `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;
  const requests: GitHttpServer['requests'] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const authorized = req.headers.authorization === expected;
    requests.push({ path: url.pathname, authorized });
    if (!authorized) {
      req.resume();
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="classlab-test"' }).end('unauthorized');
      return;
    }
    setTimeout(() => {
      const cgi = spawn('git', ['http-backend'], {
        env: {
          PATH: process.env.PATH,
          GIT_PROJECT_ROOT: projectRoot,
          GIT_HTTP_EXPORT_ALL: '1',
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_CONFIG_GLOBAL: '/dev/null',
          REQUEST_METHOD: req.method ?? 'GET',
          PATH_INFO: url.pathname,
          QUERY_STRING: url.search.slice(1),
          CONTENT_TYPE: req.headers['content-type'] ?? '',
          HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
          HTTP_GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
          REMOTE_USER: user,
          REMOTE_ADDR: '127.0.0.1',
        },
      });
      req.pipe(cgi.stdin);
      let head = Buffer.alloc(0);
      let headersDone = false;
      cgi.stdout.on('data', (chunk: Buffer) => {
        if (headersDone) {
          res.write(chunk);
          return;
        }
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        headersDone = true;
        let status = 200;
        for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
          const colon = line.indexOf(':');
          const name = line.slice(0, colon).trim();
          const value = line.slice(colon + 1).trim();
          if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
          else res.setHeader(name, value);
        }
        res.writeHead(status);
        res.write(head.subarray(end + 4));
      });
      cgi.stdout.on('end', () => res.end());
      cgi.on('error', () => res.destroy());
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (repo) => `http://127.0.0.1:${port}/${repo}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

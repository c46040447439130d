// The admin lock on the real `classlab` command (dist/cli.js), as a script and a person use it: admin
// commands refused with exit 12 without the PIN, the first PIN set from CLASSLAB_ADMIN_PIN, a real admin
// action (an image build) with it, wrong PINs and the wait that outlives each process, the PIN asked on a
// terminal without echo, and the way out (`classlab admin forget-pin`).
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinFilePath } from '../../electron/core/admin/pin-file';
import { docker, REPO, removeNamespace, uniqueNamespace } from '../support/docker';
import { CLI } from '../support/serve';

const ns = uniqueNamespace('cladmin');
const IMAGE = `classlab-test/${ns}:1`;
const home = mkdtempSync(path.join(os.tmpdir(), 'classlab-admin-cli-'));
const catalog = mkdtempSync(path.join(os.tmpdir(), 'classlab-admin-catalog-'));
const PIN = '2468';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `classlab ARGS` as this test's desktop user: its own data folder, namespace and catalog. stdin is not a terminal. */
function classlab(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: REPO, timeout: 180_000, env: { ...process.env, CLASSLAB_HOME: home, CLASSLAB_NAMESPACE: ns, CLASSLAB_CATALOG: catalog, ...env } },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(() => {
  // A lab whose image builds in a second from the local base: a real admin action, cheap on a shared machine.
  mkdirSync(path.join(catalog, 'tiny'));
  writeFileSync(path.join(catalog, 'tiny', 'Dockerfile'), 'FROM debian:bookworm-slim\nLABEL classlab.test=admin-lock\n');
  writeFileSync(
    path.join(catalog, 'catalog.json'),
    JSON.stringify({
      schema: 1,
      labs: [{ id: 'tiny', title: 'Tiny lab', image: IMAGE, build: { context: 'tiny' }, resources: { memoryMiB: 256, cpus: 1, pids: 64 } }],
    }),
  );
});

afterAll(async () => {
  await docker
    .getImage(IMAGE)
    .remove({ force: true })
    .catch(() => undefined);
  await removeNamespace(ns);
  rmSync(home, { recursive: true, force: true });
  rmSync(catalog, { recursive: true, force: true });
}, 120_000);

describe('the admin lock on the command line', () => {
  it('refuses an admin command with exit 12 when it has no terminal and no CLASSLAB_ADMIN_PIN, saying how to pass it', async () => {
    for (const args of [['audit'], ['build', 'tiny']]) {
      const r = await classlab(args);
      expect(r.code, r.stderr).toBe(12);
      expect(r.stderr).toContain(`classlab ${args[0]} is an admin command and needs the admin PIN`);
      expect(r.stderr).toContain('CLASSLAB_ADMIN_PIN environment variable (never as an argument)');
    }
    expect((await classlab(['audit', '--json'])).stdout).toContain('"code":"LOCKED"');
    // Never from an argument.
    expect((await classlab(['audit', '--pin', PIN])).code).toBe(2);
    // A student command needs no PIN.
    expect((await classlab(['list'])).code).toBe(0);
  });

  it('sets the first PIN from CLASSLAB_ADMIN_PIN and runs the admin command with it: a real image build', async () => {
    const r = await classlab(['build', 'tiny', '--json'], { CLASSLAB_ADMIN_PIN: PIN });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('this computer had no admin PIN; it is now the one in CLASSLAB_ADMIN_PIN');
    expect(JSON.parse(r.stdout)).toMatchObject({ id: 'tiny', phase: 'stopped' });
    expect((await docker.getImage(IMAGE).inspect()).Config.Labels).toMatchObject({ 'classlab.test': 'admin-lock' });
    // Only a hash, in a file only this user can read.
    const file = pinFilePath(home);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).not.toContain(PIN);
    expect(readFileSync(path.join(home, 'logs', 'classlab.log'), 'utf8')).not.toContain(PIN);
    const settings = path.join(home, 'settings.json');
    if (existsSync(settings)) expect(readFileSync(settings, 'utf8')).not.toContain(PIN);
    const status = await classlab(['admin', 'status', '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ pinSet: true, lockMinutes: 10, retryAfterSeconds: 0 });
  }, 240_000);

  it('runs again with the right PIN, and refuses a wrong one with exit 12 and "Wrong PIN."', async () => {
    const right = await classlab(['build', 'tiny'], { CLASSLAB_ADMIN_PIN: PIN });
    expect(right.code, right.stderr).toBe(0);
    const wrong = await classlab(['build', 'tiny'], { CLASSLAB_ADMIN_PIN: '1357' });
    expect(wrong.code).toBe(12);
    expect(wrong.stderr.trim()).toBe('classlab: Wrong PIN.');
  }, 240_000);

  it('asks for the PIN on a terminal without echoing it, and takes it', async () => {
    // `script` gives the command a terminal of its own (a pseudo-terminal), as a person's shell would.
    const child = spawn('script', ['-qfec', `${process.execPath} ${CLI} audit no-such-lab`, '/dev/null'], {
      cwd: REPO,
      env: { ...process.env, CLASSLAB_HOME: home, CLASSLAB_NAMESPACE: ns, CLASSLAB_CATALOG: catalog },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (screen += d));
    const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
    // Typed only once the prompt is there: before that the terminal still echoes.
    await expect.poll(() => screen, { timeout: 30_000 }).toContain('Admin PIN: ');
    child.stdin.write(`${PIN}\r`);
    const code = await exited;
    // Past the lock: the lab does not exist (exit 4), and the PIN never appeared on the screen.
    expect(code, screen).toBe(4);
    expect(screen).toContain('no-such-lab');
    expect(screen).not.toContain(PIN);
  }, 120_000);

  it('after five wrong PINs makes every process wait, even with the right PIN', async () => {
    // (A lab that does not exist: should the lock let a call through, it ends at once with exit 4.)
    for (let i = 0; i < 5; i++) expect((await classlab(['audit', 'no-such-lab'], { CLASSLAB_ADMIN_PIN: `000${i}` })).code).toBe(12);
    const waiting = await classlab(['audit', 'no-such-lab'], { CLASSLAB_ADMIN_PIN: PIN });
    expect(waiting.code).toBe(12);
    expect(waiting.stderr).toMatch(/^classlab: Too many wrong PINs\. Try again in (2\d|30) s\.$/m);
    const status = JSON.parse((await classlab(['admin', '--json'])).stdout) as { retryAfterSeconds: number };
    expect(status.retryAfterSeconds).toBeGreaterThan(0);
  }, 120_000);

  it('forgets the PIN with `classlab admin forget-pin`, the desktop user’s own way out; the next admin command sets a new one', async () => {
    const forget = await classlab(['admin', 'forget-pin']);
    expect(forget.code).toBe(0);
    expect(forget.stdout).toContain('The admin PIN is forgotten.');
    expect(JSON.parse((await classlab(['admin', 'status', '--json'])).stdout)).toMatchObject({ pinSet: false, retryAfterSeconds: 0 });
    const again = await classlab(['build', 'tiny'], { CLASSLAB_ADMIN_PIN: '9753' });
    expect(again.code, again.stderr).toBe(0);
    expect((await classlab(['build', 'tiny'], { CLASSLAB_ADMIN_PIN: PIN })).code).toBe(12);
  }, 240_000);
});

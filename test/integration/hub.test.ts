// Labs on a JupyterHub (issue #16): a real JupyterHub (Debian 13's jupyterhub 5.2 with
// configurable-http-proxy, real single-user servers) in a container on this computer's loopback, and
// ClassLab's hub client, store and gate against it: adding it with a broad token keeps a narrow one of
// ClassLab's own; the list; Open with the hub's progress events; print(6*7) in a kernel through the hub
// gate; what the gate refuses a page; the culler's stop explained; Stop; a wrong token, a failing spawn
// and a hub that goes away, each with a clear error; and the `classlab hub` commands.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUB_SCOPES, HubClient } from '../../electron/core/hub/hub-client';
import { HubLabs, STOPPED_BY_HUB, type HubLabView } from '../../electron/core/hub/hub-labs';
import { signInToHub } from '../../electron/core/hub/hub-sign-in';
import { hubLabId, HubStore } from '../../electron/core/hub/hub-store';
import { MemorySecretStore } from '../../electron/core/secrets/secret-store';
import { memoryLogger, REPO, testSettings, uniqueNamespace } from '../support/docker';
import { codeOf } from '../support/fixtures';
import { TestHub } from '../support/jupyterhub';
import { runInKernel } from '../support/kernel';

const run = promisify(execFile);

describe('labs on a JupyterHub', () => {
  const hub = new TestHub(uniqueNamespace('clhub'));
  const log = memoryLogger();
  const secrets = new MemorySecretStore();
  const store = new HubStore(testSettings(), async () => secrets);
  const changes: HubLabView[] = [];
  const labs = new HubLabs(store, { log, changed: (v) => changes.push(v) });
  let broadToken = '';
  let keptToken = '';

  beforeAll(async () => {
    await hub.start();
  }, 600_000);
  afterAll(async () => {
    await labs.close();
    await hub.remove();
  });

  it('adds the hub with a broad token and keeps a narrow one of its own', async () => {
    // What the hub's token page makes by default: every permission of the user (tokens too).
    broadToken = await hub.userToken('student', ['inherit']);
    const signIn = await signInToHub(`${hub.url}hub/home`, broadToken);
    expect(signIn.entry).toMatchObject({ url: hub.url, owner: 'student', version: '5.2.1' });
    expect(signIn.narrowed).toBe(true);
    expect(signIn.broader).toEqual([]);
    expect(signIn.token).not.toBe(broadToken);
    const owner = await new HubClient({ url: hub.url, token: signIn.token }).owner();
    expect(owner.scopes?.every((s) => /^(servers|read:servers|delete:servers|access:servers|read:users:name|read:users:groups)!user=student$/.test(s))).toBe(
      true,
    );
    expect(owner.scopes).toContain('access:servers!user=student');
    await store.add(signIn.entry, signIn.token);
    keptToken = signIn.token;
    expect(await secrets.get(`hub:http/127.0.0.1_${hub.port}/`)).toBe(keptToken);
    expect(JSON.stringify(store.list())).not.toContain(keptToken);
  });

  it('lists the hub lab, opens it with the hub progress, and runs print(6*7) through the hub gate', async () => {
    const id = hubLabId(hub.url);
    const [listed] = await labs.list();
    expect(listed).toMatchObject({ id, hubUrl: hub.url, owner: 'student', phase: 'stopped', notebookUrl: null });
    changes.length = 0;
    const view = await labs.open(id);
    expect(view.phase).toBe('ready');
    const progress = changes.filter((c) => c.phase === 'starting' && c.progress);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.some((c) => /Server ready/.test(c.progress?.message ?? ''))).toBe(true);
    expect(progress.at(-1)?.progress?.fraction).toBe(1);
    const page = new URL(view.notebookUrl!);
    expect(page.hostname).toBe('127.0.0.1');
    expect(page.pathname).toBe('/user/student/lab');
    expect(view.notebookUrl).not.toContain(keptToken);
    // The JupyterLab page itself, with ClassLab's policy instead of the hub's.
    const res = await fetch(view.notebookUrl!);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('JupyterLab');
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'self'.*connect-src 'self'.*frame-ancestors 'self' http:\/\/127\.0\.0\.1:\*/);
    expect(await runInKernel(view.notebookUrl!, 'print(6*7)')).toBe('42\n');
    expect(log.lines.join('\n')).not.toContain(keptToken);
  }, 180_000);

  it("refuses a page what the lab's own server does not need", async () => {
    const page = new URL((await labs.status(hubLabId(hub.url))).notebookUrl!);
    const origin = page.origin;
    // The gate's key, as the page's address carries it (later requests carry it as a cookie).
    const key = page.searchParams.get('token')!;
    const get = (p: string, headers: Record<string, string> = {}) =>
      fetch(`${origin}${p}`, { headers: { Authorization: `token ${key}`, ...headers }, redirect: 'manual' });
    // Without the gate's key, a process on this computer gets nothing (the gate adds the hub token only for it).
    expect((await get('/user/student/api/status', { Authorization: '' })).status).toBe(403);
    // The hub's own API and pages are not reachable with ClassLab's token, nor another user's server.
    expect((await get('/hub/api/user')).status).toBe(403);
    expect((await get('/hub/api/users/student/tokens')).status).toBe(403);
    expect((await get('/user/other/api/status')).status).toBe(403);
    expect((await get('/user/student/../../hub/api/user')).status).toBe(403);
    expect((await get('/user/student/%2e%2e/%2e%2e/hub/api/user')).status).toBe(403);
    // Another origin, another page, a service worker.
    expect((await get('/user/student/api/status', { Origin: 'http://127.0.0.1:1' })).status).toBe(403);
    expect((await get('/user/student/api/status', { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'cors', 'Sec-Fetch-Dest': 'empty' })).status).toBe(403);
    expect((await get('/user/student/api/status', { 'Service-Worker': 'script' })).status).toBe(403);
    const own = await get('/user/student/api/status', { Origin: origin, 'Sec-Fetch-Site': 'same-origin' });
    expect(own.status).toBe(200);
    expect(own.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("explains a server the hub's culler stopped", async () => {
    const id = hubLabId(hub.url);
    await hub.cull('student');
    const view = await labs.status(id);
    expect(view).toMatchObject({ phase: 'stopped', reason: STOPPED_BY_HUB, notebookUrl: null });
    // And opens again.
    expect((await labs.open(id)).phase).toBe('ready');
  }, 120_000);

  it('stops the server', async () => {
    const id = hubLabId(hub.url);
    const view = await labs.stop(id);
    expect(view).toMatchObject({ phase: 'stopped', reason: null, notebookUrl: null });
    const model = (await (await hub.admin('GET', 'users/student')).json()) as { servers: Record<string, unknown> };
    expect(model.servers).toEqual({});
  }, 60_000);

  it('says clearly when the token is wrong or lacks a scope', async () => {
    const wrong = new HubClient({ url: hub.url, token: 'not-a-token' });
    expect(await codeOf(wrong.owner())).toBe('UNAUTHORIZED');
    await expect(signInToHub(hub.url, 'not-a-token')).rejects.toThrow(/refused the token.*hub\/token.*classlab hub add/);
    // A token that may only read its name: no servers.
    const nameOnly = await hub.userToken('student', ['read:users:name!user']);
    await expect(new HubClient({ url: hub.url, token: nameOnly }).server('student')).rejects.toThrow(
      /may not read its servers.*servers!user access:servers!user/,
    );
    await expect(new HubClient({ url: hub.url, token: nameOnly }).start('student')).rejects.toThrow(/refused the token when asked to start your server/);
    // A token revoked on the hub after it was added: the lab says so.
    const otherSecrets = new MemorySecretStore();
    const other = new HubStore(testSettings(), async () => otherSecrets);
    const doomed = await hub.userToken('student', [...HUB_SCOPES]);
    const signIn = await signInToHub(hub.url, doomed);
    await other.add(signIn.entry, signIn.token);
    const tokens = (await (await hub.admin('GET', 'users/student/tokens')).json()) as { api_tokens: Array<{ id: string; note: string }> };
    for (const t of tokens.api_tokens) await hub.admin('DELETE', `users/student/tokens/${t.id}`);
    const [revoked] = await new HubLabs(other, { log }).list();
    expect(revoked).toMatchObject({ phase: 'error' });
    expect(revoked!.reason).toMatch(/refused the token/);
    // Put a kept token back for the tests after this one.
    keptToken = await hub.userToken('student', [...HUB_SCOPES]);
    await store.add(store.list()[0]!, keptToken);
  });

  it('says clearly when a spawn fails', async () => {
    const token = await hub.userToken('broken', [...HUB_SCOPES]);
    const ownSecrets = new MemorySecretStore();
    const own = new HubStore(testSettings(), async () => ownSecrets);
    const signIn = await signInToHub(hub.url, token);
    await own.add(signIn.entry, signIn.token);
    const brokenLabs = new HubLabs(own, { log });
    const err = await brokenLabs.open(hubLabId(hub.url)).then(
      () => null,
      (e: unknown) => e as Error & { code: string },
    );
    expect(err?.code).toBe('START_FAILED');
    expect(err?.message).toMatch(/^The hub could not start your server: .+/);
    // The hub itself still says "pending" for a while after such a failure (measured: its http_timeout);
    // the list keeps showing the failure meanwhile, not "starting".
    const [view] = await brokenLabs.list();
    expect(view).toMatchObject({ phase: 'error', notebookUrl: null });
    expect(view!.reason).toMatch(/^The hub could not start your server: Spawner failed to start/);
  }, 120_000);

  it('says clearly when the hub goes away, and works again when it is back', async () => {
    const id = hubLabId(hub.url);
    await hub.stopContainer();
    try {
      const [view] = await labs.list();
      expect(view).toMatchObject({ phase: 'error' });
      expect(view!.reason).toMatch(/^The hub at http:\/\/127\.0\.0\.1:\d+\/ cannot be reached \(connection refused\)\. Is it up/);
      expect(await codeOf(labs.open(id))).toBe('DISCONNECTED');
    } finally {
      await hub.startContainer();
    }
    // Docker may publish it on a new port: the test points the entry there, as an admin would re-add it.
    if (store.list()[0]!.url !== hub.url) {
      await store.remove(store.list()[0]!.url);
      const signIn = await signInToHub(hub.url, await hub.userToken('student', [...HUB_SCOPES]));
      await store.add(signIn.entry, signIn.token);
    }
    expect((await labs.open(hubLabId(hub.url))).phase).toBe('ready');
    await labs.stop(hubLabId(hub.url));
  }, 180_000);

  it('classlab hub add (token from the environment, behind the admin PIN), list --json, remove', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'classlab-hub-cli-'));
    const token = await hub.userToken('student', ['inherit']);
    const cli = (args: string[], env: Record<string, string> = {}) =>
      run('node', [path.join(REPO, 'bin', 'classlab.js'), ...args], { env: { ...process.env, CLASSLAB_HOME: home, ...env } }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
    const noPin = await cli(['hub', 'add', hub.url], { CLASSLAB_HUB_TOKEN: token });
    expect(noPin.code).toBe(12);
    const added = await cli(['hub', 'add', hub.url, '--json'], { CLASSLAB_HUB_TOKEN: token, CLASSLAB_ADMIN_PIN: '4711' });
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ url: hub.url, owner: 'student', narrowed: true, broaderScopes: [] });
    const listed = await cli(['hub', 'list', '--json']);
    expect(JSON.parse(listed.stdout)).toEqual([{ id: hubLabId(hub.url), url: hub.url, owner: 'student', phase: 'stopped', reason: null }]);
    // Neither token is in any file of ClassLab's in clear (settings, logs).
    for (const f of readdirSync(home, { recursive: true, withFileTypes: true }).filter((d) => d.isFile())) {
      const text = readFileSync(path.join(f.parentPath, f.name), 'latin1');
      expect(text).not.toContain(token);
    }
    const removed = await cli(['hub', 'remove', hub.url], { CLASSLAB_ADMIN_PIN: '4711' });
    expect(removed.code).toBe(0);
    expect(JSON.parse((await cli(['hub', 'list', '--json'])).stdout)).toEqual([]);
    const badUrl = await cli(['hub', 'add', 'ftp://hub.example.edu/'], { CLASSLAB_HUB_TOKEN: token, CLASSLAB_ADMIN_PIN: '4711' });
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/Not a hub address/);
  }, 120_000);
});

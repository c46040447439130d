// A real JupyterHub for the hub tests (issue #16): Debian 13's jupyterhub 5.2 with configurable-http-proxy
// and real single-user servers (test/support/jupyterhub/), built once by tag and run on this computer's
// loopback only. The hub's admin token is made here at random for each hub (never written in code or a
// file) and handed in through the container's environment; the student's own narrowly scoped tokens are
// made with it through the hub's REST API, as a user does on the hub's token page.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import tar from 'tar-fs';
import { docker, REPO } from './docker';

export const HUB_IMAGE = 'classlab-test/jupyterhub:2';
const CONTEXT = path.join(REPO, 'test', 'support', 'jupyterhub');

/** Builds the hub's image unless it is there already (CI may build it ahead: .ci/run). */
export async function ensureHubImage(contextDir = CONTEXT): Promise<void> {
  if (
    await docker
      .getImage(HUB_IMAGE)
      .inspect()
      .then(
        () => true,
        () => false,
      )
  )
    return;
  const stream = await docker.buildImage(tar.pack(contextDir) as never, { t: HUB_IMAGE, rm: true, forcerm: true });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string }>) => {
      const failed = err ?? out.find((m) => m.error);
      if (failed) reject(failed instanceof Error ? failed : new Error(failed.error));
      else resolve();
    }),
  );
}

export class TestHub {
  readonly name: string;
  private readonly adminToken = randomBytes(24).toString('hex');
  port = 0;

  /** `contextDir`: the image's folder where this file's own path does not lead there (the bench's bundle). */
  constructor(
    namespace: string,
    private readonly contextDir = CONTEXT,
  ) {
    this.name = `${namespace}-jupyterhub`;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  /** Starts the hub (published on 127.0.0.1 only) and waits until its API answers. */
  async start(): Promise<void> {
    await ensureHubImage(this.contextDir);
    const container = await docker.createContainer({
      name: this.name,
      Image: HUB_IMAGE,
      Env: [`CLASSLAB_TEST_HUB_ADMIN_TOKEN=${this.adminToken}`],
      Labels: { 'classlab.test': 'jupyterhub' },
      HostConfig: { PortBindings: { '8000/tcp': [{ HostIp: '127.0.0.1', HostPort: this.port ? String(this.port) : '' }] }, Memory: 1024 * 1024 * 1024 },
    });
    await container.start();
    const info = await container.inspect();
    this.port = Number(info.NetworkSettings.Ports['8000/tcp']?.[0]?.HostPort);
    await this.waitUp();
  }

  async waitUp(timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const ok = await fetch(`${this.url}hub/api/`, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      if (Date.now() > until) throw new Error(`the test hub did not answer in ${timeoutMs} ms:\n${await this.logs()}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  /** A token of `user`'s own with `scopes` (what the hub's token page makes). */
  async userToken(user: string, scopes: string[], expiresIn?: number): Promise<string> {
    const res = await this.admin('POST', `users/${user}/tokens`, { scopes, note: 'classlab test', ...(expiresIn ? { expires_in: expiresIn } : {}) });
    if (res.status !== 201) throw new Error(`making a token for ${user}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { token: string }).token;
  }

  /** What the hub's idle culler does: stops the user's server through the API, as the hub's own service. */
  async cull(user: string): Promise<void> {
    const res = await this.admin('DELETE', `users/${user}/server`);
    if (res.status !== 204 && res.status !== 202) throw new Error(`stopping ${user}'s server: ${res.status}`);
    for (let i = 0; i < 100; i++) {
      const model = (await (await this.admin('GET', `users/${user}`)).json()) as { servers?: Record<string, unknown>; pending?: string | null };
      if (!model.servers?.[''] && !model.pending) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${user}'s server did not stop`);
  }

  async admin(method: string, apiPath: string, body?: unknown): Promise<Response> {
    return fetch(`${this.url}hub/api/${apiPath}`, {
      method,
      headers: { Authorization: `token ${this.adminToken}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async stopContainer(): Promise<void> {
    await docker.getContainer(this.name).stop({ t: 2 });
  }

  async startContainer(): Promise<void> {
    await docker.getContainer(this.name).start();
    // Docker may publish it on another port of 127.0.0.1 after a restart.
    this.port = Number((await docker.getContainer(this.name).inspect()).NetworkSettings.Ports['8000/tcp']?.[0]?.HostPort);
    await this.waitUp();
  }

  async logs(): Promise<string> {
    const out = await docker
      .getContainer(this.name)
      .logs({ stdout: true, stderr: true, tail: 60 })
      .catch(() => Buffer.from(''));
    return out.toString('utf8');
  }

  async remove(): Promise<void> {
    await docker
      .getContainer(this.name)
      .remove({ force: true })
      .catch(() => undefined);
  }
}

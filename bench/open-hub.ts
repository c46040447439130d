// open-hub: open the user's server on a real JupyterHub (the test hub, test/support/jupyterhub/) until its
// Jupyter server answers, through ClassLab's hub labs (start, the progress stream, the hub gate, then
// api/status through the gate), against the hub's own REST API doing the same with fetch: POST the
// server, read its progress stream until ready, GET api/status with the token. Alternating, the server
// stopped between runs, same hub, same run.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { HubLabs } from '../electron/core/hub/hub-labs';
import { signInToHub } from '../electron/core/hub/hub-sign-in';
import { hubLabId, HubStore } from '../electron/core/hub/hub-store';
import { MemorySecretStore } from '../electron/core/secrets/secret-store';
import { createSettingsStore } from '../electron/core/settings';
import { TestHub } from '../test/support/jupyterhub';
import { REPO } from './lab';
import { figure, type Figure } from './stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

export async function openHub(): Promise<Figure> {
  const hub = new TestHub(`bench-hub-${Math.random().toString(16).slice(2, 8)}`, path.join(REPO, 'test', 'support', 'jupyterhub'));
  await hub.start();
  const labs = await (async () => {
    const store: Record<string, unknown> = {};
    const settings = createSettingsStore({ store, set: (k, v) => void (store[k] = v) });
    const secrets = new MemorySecretStore();
    const hubs = new HubStore(settings, async () => secrets);
    const signIn = await signInToHub(hub.url, await hub.userToken('student', ['inherit']));
    await hubs.add(signIn.entry, signIn.token);
    return new HubLabs(hubs, { log: quiet });
  })();
  const token = await hub.userToken('student', ['servers!user', 'access:servers!user']);
  const id = hubLabId(hub.url);
  const ours: number[] = [];
  const theirs: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      let t0 = performance.now();
      const view = await labs.open(id);
      await untilOk(new URL('api/status', view.notebookUrl!.replace(/lab$/, '')).href, {});
      ours.push(performance.now() - t0);
      await labs.stop(id);

      t0 = performance.now();
      await rawOpen(hub.url, token);
      theirs.push(performance.now() - t0);
      await hub.cull('student');
    }
  } finally {
    await labs.close();
    await hub.remove();
  }
  return figure('open-hub', 'ms', ours, theirs, '≤ 1.10');
}

/** What a script does with the hub's REST API alone. */
async function rawOpen(hubUrl: string, token: string): Promise<void> {
  const headers = { Authorization: `token ${token}` };
  const start = await fetch(`${hubUrl}hub/api/users/student/server`, { method: 'POST', headers });
  if (start.status !== 201 && start.status !== 202) throw new Error(`raw start answered ${start.status}`);
  const progress = await fetch(`${hubUrl}hub/api/users/student/server/progress`, { headers: { ...headers, Accept: 'text/event-stream' } });
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of progress.body as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    if (/"ready": ?true/.test(text)) break;
    if (/"failed": ?true/.test(text)) throw new Error('raw start failed');
  }
  await untilOk(`${hubUrl}user/student/api/status`, headers);
}

async function untilOk(url: string, headers: Record<string, string>): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(url, { headers }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

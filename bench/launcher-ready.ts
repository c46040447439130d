// launcher-ready: from the start of the `classlab serve` process to the first list of labs a browser tab
// gets through the bridge (its hello, then labs:list), as absolute ms; the target is one second. The
// baseline beside it is the raw CLI's own list of containers (`docker ps -a`), started the same way.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { removeNamespace } from '../test/support/docker';
import { startServe } from '../test/support/serve';
import { connectBridge } from './bridge-client';
import { benchNamespace, REPO } from './lab';
import { figure, type Figure } from './stats';

const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

export async function launcherReady(): Promise<Figure> {
  const namespace = benchNamespace();
  const home = path.join(mkdtempSync(path.join(os.tmpdir(), 'classlab-bench-launcher-')), 'home');
  const ours: number[] = [];
  const theirs: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      let t = performance.now();
      const serve = await startServe({ ...process.env, CLASSLAB_HOME: home, CLASSLAB_NAMESPACE: namespace }, path.join(REPO, 'dist', 'cli.js'));
      try {
        const url = new URL(serve.url);
        const api = await connectBridge(Number(url.port), new URLSearchParams(url.hash.slice(1)).get('token') ?? '');
        const listed = await api.invoke('labs:list', []);
        if (!listed.ok) throw new Error(`labs:list failed: ${JSON.stringify(listed.error)}`);
        ours.push(performance.now() - t);
        api.close();
      } finally {
        await serve.stop();
      }
      t = performance.now();
      await run('docker', ['ps', '-a', '--filter', `label=classlab.instance=${namespace}`]);
      theirs.push(performance.now() - t);
    }
  } finally {
    await removeNamespace(namespace);
  }
  return figure('launcher-ready', 'ms', ours, theirs, 'classlab <= 1000 ms');
}

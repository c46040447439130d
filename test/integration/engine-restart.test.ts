// Docker goes away and comes back: ClassLab says so, keeps retrying on its own, and returns to the
// launcher without a restart. The "engine" is the real one, reached through a socket this test controls.
import { afterAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../../electron/core/engine/engine';
import { removeNamespace, testCore, uniqueNamespace } from '../support/docker';
import type { EngineStatus } from '../../electron/api/contract';

const ns = uniqueNamespace();
const socketPath = path.join(mkdtempSync(path.join(os.tmpdir(), 'classlab-engine-')), 'docker.sock');

/** A switchable door to the real engine: while closed, nothing listens on socketPath. */
function engineDoor() {
  let server: net.Server | null = null;
  const sockets = new Set<net.Socket>();
  return {
    open: () =>
      new Promise<void>((resolve) => {
        server = net.createServer((client) => {
          const upstream = net.connect('/var/run/docker.sock');
          sockets.add(client).add(upstream);
          client.pipe(upstream).pipe(client);
          const drop = () => { client.destroy(); upstream.destroy(); };
          client.on('error', drop).on('close', drop);
          upstream.on('error', drop).on('close', drop);
        });
        server.listen(socketPath, resolve);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        sockets.clear();
        if (!server) return resolve();
        server.close(() => resolve());
        server = null;
      }),
  };
}

const door = engineDoor();
afterAll(async () => {
  await door.close();
  await removeNamespace(ns);
});

describe('Docker engine down and back', () => {
  it('reports "down" with what to do, retries on its own, and comes back without a restart', async () => {
    const engine = new Engine([{ kind: 'socket', socketPath, label: 'test' }]);
    const core = await testCore(ns, { engine });
    const statuses: EngineStatus[] = [];
    const off = core.subscribe('engine:changed', (s) => statuses.push(s));
    try {
      const down = await core.service['engine:status']();
      expect(down.state).toBe('down');
      expect(down.hint).toMatch(/Start the Docker engine|Docker Desktop/);
      expect(down.nextCheckAt).toBeGreaterThan(Date.now() - 1000);
      await expect(core.service['labs:open']('python')).rejects.toMatchObject({ code: 'ENGINE_DOWN' });

      await door.open();
      // No call from us: the engine's own retry notices it.
      await expect.poll(() => statuses.at(-1)?.state, { timeout: 15_000, interval: 200 }).toBe('up');
      const { labs } = await core.service['labs:list']();
      expect(labs.find((l) => l.id === 'python')?.phase).toMatch(/stopped|image-missing/);

      await door.close();
      await expect.poll(async () => (await core.service['engine:status']()).state, { timeout: 15_000, interval: 500 }).toBe('down');
    } finally {
      off();
      await core.close();
    }
  });
});

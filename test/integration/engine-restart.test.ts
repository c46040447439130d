// Docker goes away and comes back: ClassLab says so, keeps retrying on its own, and returns to the
// launcher without a restart. The "engine" is the real one, reached through a socket this test controls.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../../electron/core/engine/engine';
import { removeNamespace, testCore, uniqueNamespace } from '../support/docker';
import { engineDoor } from '../support/engine-door';
import type { EngineStatus } from '../../electron/api/contract';

const ns = uniqueNamespace();
const socketPath = path.join(mkdtempSync(path.join(os.tmpdir(), 'classlab-engine-')), 'docker.sock');

const door = engineDoor(socketPath);
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

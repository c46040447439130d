// A ClassLab core of the benchmark's own (its own Docker namespace and data folder), quiet.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { createClassLab } from '../electron/core/classlab';
import { createSettingsStore } from '../electron/core/settings';
import type Docker from 'dockerode';
import { detachNamespaceDisks } from '../electron/core/sandbox/disk';
import type { ClassLabCore } from '../electron/core/types';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const quiet = { info() {}, warn() {}, error() {} };

export function benchNamespace(): string {
  return `clbench-${randomBytes(2).toString('hex')}`;
}

export async function benchCore(namespace: string): Promise<ClassLabCore> {
  const store: Record<string, unknown> = {};
  return createClassLab({
    settings: createSettingsStore({ store, set: (k, v) => void (store[k] = v) }),
    catalogDir: path.join(REPO, 'images'),
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'classlab-bench-')),
    log: quiet,
    namespace,
  });
}

/** The bench namespace's volumes (the workspace, its loop disk detached first): its containers are gone with the lab's reset. */
export async function removeBenchVolumes(docker: Docker, namespace: string): Promise<void> {
  await detachNamespaceDisks(docker, namespace).catch(() => undefined);
  const { Volumes } = await docker.listVolumes({ filters: { label: [`classlab.instance=${namespace}`] } });
  await Promise.all((Volumes ?? []).map((v) => docker.getVolume(v.Name).remove().catch(() => undefined)));
}

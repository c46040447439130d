// A ClassLab core of the benchmark's own (its own Docker namespace and data folder), quiet.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { createClassLab, type ClassLabOptions } from '../electron/core/classlab';
import { createSettingsStore } from '../electron/core/settings';
import type Docker from 'dockerode';
import { removeNamespaceVolumes } from '../electron/core/sandbox/disk';
import { HelperImages } from '../electron/core/images/helper-images';
import type { HostPolicy } from '../electron/core/profiles/mount-policy';
import { defaultHostFolderContext } from '../electron/core/trust/host-folders';
import { NO_TRUST } from '../electron/core/trust/machine-trust';
import type { ClassLabCore } from '../electron/core/types';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const quiet = { info() {}, warn() {}, error() {} };

export function benchNamespace(): string {
  return `clbench-${randomBytes(2).toString('hex')}`;
}

/** A quiet core of the bench's own; `stored` seeds its settings, `extra` its options (a catalog, warm labs). */
export async function benchCore(namespace: string, stored: Record<string, unknown> = {}, extra: Partial<ClassLabOptions> = {}): Promise<ClassLabCore> {
  const store: Record<string, unknown> = { ...stored };
  return createClassLab({
    settings: createSettingsStore({ store, set: (k, v) => void (store[k] = v) }),
    catalogDir: path.join(REPO, 'images'),
    imagesDir: path.join(REPO, 'images'),
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'classlab-bench-')),
    log: quiet,
    namespace,
    ...extra,
  });
}

/** The benchmark's machine: nothing trusted, a data folder of its own. */
export function benchPolicy(): HostPolicy {
  return { trust: () => NO_TRUST, hostFolders: defaultHostFolderContext(mkdtempSync(path.join(os.tmpdir(), 'classlab-bench-'))) };
}

/** The trusted ID of ClassLab's gate image, as the core gets it (a cached build of images/gate). */
export function benchGateImage(docker: Docker): Promise<string> {
  return new HelperImages(() => docker, path.join(REPO, 'images'), mkdtempSync(path.join(os.tmpdir(), 'classlab-bench-'))).gateId();
}

/** The bench namespace's volumes (the workspace, its loop disk detached first): its containers are gone with the lab's reset. */
export async function removeBenchVolumes(docker: Docker, namespace: string): Promise<void> {
  await removeNamespaceVolumes(docker, namespace, await benchGateImage(docker).catch(() => null));
}

/** A catalog folder of the bench's own with these labs (and the python image's build context beside them). */
export function benchCatalog(labs: unknown[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'classlab-bench-catalog-'));
  cpSync(path.join(REPO, 'images', 'python'), path.join(dir, 'python'), { recursive: true });
  writeFileSync(path.join(dir, 'catalog.json'), JSON.stringify({ schema: 1, labs }));
  return dir;
}

/** Everything of the bench's namespace: its containers first (they hold the disks), then volumes and loop disks, then networks. */
export async function removeBenchNamespace(docker: Docker, namespace: string): Promise<void> {
  const filters = { label: [`classlab.instance=${namespace}`] };
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
  await removeBenchVolumes(docker, namespace);
  const networks = await docker.listNetworks({ filters });
  await Promise.all(
    networks.map((n) =>
      docker
        .getNetwork(n.Id)
        .remove()
        .catch(() => undefined),
    ),
  );
}

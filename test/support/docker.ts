// Test helpers for the real Docker engine: a core of its own (own namespace, own data folder), and a
// clean-up that removes everything that namespace made.
import Docker from 'dockerode';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createClassLab, type ClassLabOptions } from '../../electron/core/classlab';
import { createSettingsStore } from '../../electron/core/settings';
import { execCollect } from '../../electron/core/engine/exec';
import { detachNamespaceDisks } from '../../electron/core/sandbox/disk';
import { HelperImages } from '../../electron/core/images/helper-images';
import type { LabDeps } from '../../electron/core/labs/containers';
import type { HostPolicy } from '../../electron/core/profiles/mount-policy';
import { defaultHostFolderContext } from '../../electron/core/trust/host-folders';
import { MachineTrust } from '../../electron/core/trust/machine-trust';
import type { SettingsStore } from '../../electron/core/settings';
import type { ClassLabCore, Logger } from '../../electron/core/types';

export const docker = new Docker({ socketPath: '/var/run/docker.sock' });
export const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

export function uniqueNamespace(prefix = 'cltest'): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** A logger that keeps every line, so tests can check that no secret reached it. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push(JSON.stringify({ level, msg, ...fields }));
  return { lines, info: push('info'), warn: push('warn'), error: push('error') };
}

/** A settings store in memory; `trust` is this test machine's trust (nothing, unless given). */
export function testSettings(trust: Partial<MachineTrust> = {}): SettingsStore {
  const store: Record<string, unknown> = { trust: MachineTrust.parse(trust) };
  return createSettingsStore({
    store,
    set: (k, v) => {
      store[k] = v;
    },
  });
}

/** A test machine's host policy: the given trust, this computer's home folder and a data folder of its own. */
export function testPolicy(trust: Partial<MachineTrust> = {}, dataDir = mkdtempSync(path.join(os.tmpdir(), 'classlab-test-'))): HostPolicy {
  const parsed = MachineTrust.parse(trust);
  return { trust: () => parsed, hostFolders: defaultHostFolderContext(dataDir) };
}

let gateImage: Promise<string> | null = null;
/** The trusted ID of ClassLab's gate image, as a core gets it (a build of images/gate through Docker's cache). */
export function trustedGateImage(): Promise<string> {
  gateImage ??= new HelperImages(() => docker, path.join(REPO, 'images'), mkdtempSync(path.join(os.tmpdir(), 'classlab-test-'))).gateId();
  gateImage.catch(() => (gateImage = null));
  return gateImage;
}

/** What LabContainers needs from the machine, for tests that drive containers without a core. */
export function testLabDeps(trust: Partial<MachineTrust> = {}): LabDeps {
  return { gateImage: trustedGateImage, policy: testPolicy(trust) };
}

export async function testCore(namespace: string, extra: Partial<ClassLabOptions> = {}): Promise<ClassLabCore & { log: ReturnType<typeof memoryLogger> }> {
  const log = memoryLogger();
  const core = await createClassLab({
    settings: testSettings(),
    catalogDir: path.join(REPO, 'images'),
    imagesDir: path.join(REPO, 'images'),
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'classlab-test-')),
    log,
    namespace,
    reconcileEveryMs: 2000,
    ...extra,
  });
  return Object.assign(core, { log });
}

/** Removes everything a namespace made, and what namespaces derived from it made (the sandbox check's `<ns>-a…`). */
export async function removeNamespace(namespace: string): Promise<void> {
  const ours = (labels: Record<string, string> | undefined) => {
    const instance = labels?.['classlab.instance'] ?? '';
    return instance === namespace || instance.startsWith(`${namespace}-`);
  };
  const containers = (await docker.listContainers({ all: true })).filter((c) => ours(c.Labels));
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
  const { Volumes } = await docker.listVolumes();
  const volumes = (Volumes ?? []).filter((v) => ours(v.Labels ?? undefined));
  // Workspaces are loop-attached disk images: detach them before their volumes go.
  const namespaces = new Set([namespace, ...volumes.map((v) => v.Labels?.['classlab.instance'] ?? namespace)]);
  const helper = await trustedGateImage().catch(() => null);
  if (helper) for (const ns of namespaces) await detachNamespaceDisks(docker, ns, helper).catch(() => undefined);
  await Promise.all(
    volumes.map((v) =>
      docker
        .getVolume(v.Name)
        .remove()
        .catch(() => undefined),
    ),
  );
  const networks = (await docker.listNetworks()).filter((n) => ours(n.Labels));
  await Promise.all(
    networks.map((n) =>
      docker
        .getNetwork(n.Id)
        .remove()
        .catch(() => undefined),
    ),
  );
}

export async function containersOf(namespace: string, labId: string) {
  return docker.listContainers({ all: true, filters: { label: [`classlab.instance=${namespace}`, `classlab.lab=${labId}`] } });
}

/** Runs a command in a container as a plain exec (no TTY) and returns its output and exit code. */
export async function execIn(container: string, cmd: string[], user?: string): Promise<{ code: number; out: string }> {
  const { code, out } = await execCollect(docker, container, cmd, user ? { user } : {});
  // Lines without blank ones, as tests compare them.
  return {
    code: code ?? -1,
    out: out
      .split(/\r?\n/)
      .filter((l) => l.length > 0)
      .join('\n'),
  };
}

/** Builds the bundled images that a test needs when they are missing (CI builds them beforehand). */
export async function ensureImages(core: ClassLabCore): Promise<void> {
  const { labs } = await core.service['labs:list']();
  if (labs.find((l) => l.id === 'python')?.phase === 'image-missing') await core.service['images:prepare']('python');
}

/**
 * A catalog folder of a test's own: the bundled labs' Dockerfile folders beside a catalog.json with `labs`.
 * (ClassLab's own gate is never taken from a catalog: it comes from the app's images folder.)
 */
export function testCatalog(labs: unknown[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'classlab-catalog-'));
  for (const d of ['python', 'r', 'octave', 'code']) cpSync(path.join(REPO, 'images', d), path.join(dir, d), { recursive: true });
  writeFileSync(path.join(dir, 'catalog.json'), JSON.stringify({ schema: 1, labs }));
  return dir;
}

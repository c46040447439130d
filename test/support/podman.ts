// Podman for the tests that run ClassLab on Podman's Docker-compatible API: is Debian's podman here, its
// service answering (started here when it is not), the lab images moved over from the Docker engine
// (by ID: nothing rebuilt), and a clean-up of a test namespace on that engine.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { detachNamespaceDisks } from '../../electron/core/sandbox/disk';
import { docker } from './docker';

const run = promisify(execFile);

/** The socket the tests use: CLASSLAB_TEST_PODMAN_SOCKET, or the rootful service's usual place. */
export const PODMAN_SOCKET = process.env.CLASSLAB_TEST_PODMAN_SOCKET ?? '/run/podman/podman.sock';

/** The podman binary, when Debian's package (or another) is installed; null: Podman tests are skipped. */
export const PODMAN_BIN = ['/usr/bin/podman', '/usr/local/bin/podman'].find((p) => existsSync(p)) ?? null;

export const podman = new Docker({ socketPath: PODMAN_SOCKET });

async function answers(client: Docker): Promise<boolean> {
  try {
    await client.ping();
    return true;
  } catch {
    return false;
  }
}

/**
 * Podman's API service on PODMAN_SOCKET: the one already running (CI's .ci/run starts it), or one started
 * here for this test file, returned so that the test stops it again.
 */
export async function ensurePodmanService(): Promise<ChildProcess | null> {
  if (await answers(podman)) return null;
  if (!PODMAN_BIN) throw new Error('podman is not installed');
  await mkdir(path.dirname(PODMAN_SOCKET), { recursive: true });
  const child = spawn(PODMAN_BIN, ['system', 'service', '--time=0', `unix://${PODMAN_SOCKET}`], { stdio: 'ignore', cwd: '/' });
  for (let i = 0; i < 100; i++) {
    if (await answers(podman)) return child;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error(`podman system service did not answer on ${PODMAN_SOCKET}`);
}

/**
 * Makes Podman hold these images of the Docker engine, with the same IDs (`docker save | podman load`;
 * an image's ID is its configuration's digest, which the move keeps). Skipped for images Podman already
 * has by ID. Returns each tag's ID.
 */
export async function imagesFromDocker(tags: string[]): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  const missing: string[] = [];
  for (const tag of tags) {
    const id = (await docker.getImage(tag).inspect()).Id;
    ids[tag] = id;
    const there = await podman
      .getImage(id)
      .inspect()
      .then((i) => i.Id === id)
      .catch(() => false);
    if (!there) missing.push(tag);
  }
  if (missing.length > 0) {
    // Tags as arguments, never spliced into the script.
    await run('/bin/sh', ['-c', 'docker save "$@" | podman load -q', 'load', ...missing], { maxBuffer: 16 * 1024 * 1024, timeout: 900_000 });
  }
  return ids;
}

/** Removes everything a namespace (and its derived namespaces) made on Podman, disks detached first. */
export async function removePodmanNamespace(namespace: string, helperImage: string | null): Promise<void> {
  const ours = (labels: Record<string, string> | null | undefined) => {
    const instance = labels?.['classlab.instance'] ?? '';
    return instance === namespace || instance.startsWith(`${namespace}-`);
  };
  const containers = (await podman.listContainers({ all: true })).filter((c) => ours(c.Labels));
  await Promise.all(
    containers.map((c) =>
      podman
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
  const { Volumes } = await podman.listVolumes();
  const volumes = (Volumes ?? []).filter((v) => ours(v.Labels));
  const namespaces = new Set([namespace, ...volumes.map((v) => v.Labels?.['classlab.instance'] ?? namespace)]);
  if (helperImage) for (const ns of namespaces) await detachNamespaceDisks(podman, ns, helperImage).catch(() => undefined);
  await Promise.all(
    volumes.map((v) =>
      podman
        .getVolume(v.Name)
        .remove()
        .catch(() => undefined),
    ),
  );
  const networks = (await podman.listNetworks()).filter((n) => ours(n.Labels));
  await Promise.all(
    networks.map((n) =>
      podman
        .getNetwork(n.Id)
        .remove()
        .catch(() => undefined),
    ),
  );
}

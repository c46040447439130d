// ClassLab's helper image on the real engine (issue #9 item 2): built only from the app's own Dockerfile,
// run only by the image ID its build reported. Someone moves the tag classlab/gate:N to another image
// (made here from debian:bookworm-slim with a label of its own): the gate and the disk helper still run
// ClassLab's image; a data folder with no record gets the trusted ID from a build through Docker's cache,
// never the tag's image; a catalog's own `gate` folder is never built. The real tag is always put back.
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage } from '../../electron/core/images/images';
import { HELPER_RECORD_FILE, HelperImages } from '../../electron/core/images/helper-images';
import { LabContainers } from '../../electron/core/labs/containers';
import { Profile } from '../../electron/core/profiles/schema';
import { GATE_IMAGE } from '../../electron/core/sandbox/policy';
import { docker, REPO, removeNamespace, testCatalog, testCore, testPolicy, uniqueNamespace } from '../support/docker';

const ns = uniqueNamespace('clhelper');
const DECOY_LABEL = `classlab.test.decoy`;
const [gateRepo, gateTag] = GATE_IMAGE.split(':') as [string, string];
let originalId = '';
let decoyId = '';
const decoyTag = `${ns}/decoy:1`;

const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));
const tagTarget = async () => (await docker.getImage(GATE_IMAGE).inspect()).Id;
const moveTagTo = (id: string) => docker.getImage(id).tag({ repo: gateRepo, tag: gateTag });
/** Puts classlab/gate:N back on the image it named before this test. */
const restoreTag = async () => {
  if (originalId && (await tagTarget().catch(() => '')) !== originalId) await moveTagTo(originalId);
};

/** The image each container of this namespace was created from, by role, from the engine's own events. */
async function createdImages(since: number): Promise<{ role: string; image: string }[]> {
  const stream = (await docker.getEvents({
    since,
    until: Math.ceil(Date.now() / 1000) + 1,
    filters: { type: ['container'], event: ['create'], label: [`classlab.instance=${ns}`] },
  })) as NodeJS.ReadableStream;
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { Actor: { Attributes: Record<string, string> } })
    .map((e) => ({ role: e.Actor.Attributes['classlab.role'] ?? '', image: e.Actor.Attributes.image ?? '' }));
}

beforeAll(async () => {
  // The gate as ClassLab builds it (through the cache when CI built it already).
  await new HelperImages(() => docker, path.join(REPO, 'images'), tmp('classlab-helper-')).gateId();
  originalId = await tagTarget();
  const context = tmp('classlab-decoy-');
  writeFileSync(path.join(context, 'Dockerfile'), `FROM debian:bookworm-slim\nLABEL ${DECOY_LABEL}="${ns}"\nCMD ["sleep", "infinity"]\n`);
  decoyId = (await buildImage(docker, context, decoyTag, { onProgress: () => undefined }))!;
  expect(decoyId).toMatch(/^sha256:/);
  expect(decoyId).not.toBe(originalId);
}, 600_000);

afterAll(async () => {
  await restoreTag();
  expect(await tagTarget()).toBe(originalId);
  await removeNamespace(ns);
  // Only the decoy's own tag: the decoy is never tagged as the gate any more (checked just above).
  await docker
    .getImage(decoyTag)
    .remove()
    .catch(() => undefined);
});

describe("ClassLab's helper image", () => {
  it('runs the gate and the disk helper by the ID its build reported, after the tag was moved to another image', async () => {
    const dataDir = tmp('classlab-helper-');
    const helpers = new HelperImages(() => docker, path.join(REPO, 'images'), dataDir);
    const trusted = await helpers.gateId();
    const info = (await docker.info()) as { ID: string };
    expect(JSON.parse(readFileSync(path.join(dataDir, HELPER_RECORD_FILE), 'utf8')).engines[info.ID][GATE_IMAGE]).toBe(trusted);
    const profile = Profile.parse({
      id: 'by-id',
      title: 'Gate by ID',
      image: 'classlab/python:3',
      resources: { memoryMiB: 256, diskMiB: 32 },
      server: { command: ['sleep', 'infinity'] },
    });
    const lab = new LabContainers(() => docker, profile, ns, { gateImage: () => helpers.gateId(), policy: testPolicy() });
    const since = Math.floor(Date.now() / 1000) - 1;
    try {
      await moveTagTo(decoyId);
      expect(await tagTarget()).toBe(decoyId);
      expect(await helpers.state()).toBe('ready');
      await lab.start();
    } finally {
      await restoreTag();
    }
    const gate = await docker.getContainer(lab.names.gate).inspect();
    expect(gate.Image).toBe(trusted);
    expect(gate.Image).not.toBe(decoyId);
    expect(gate.Config.Labels?.[DECOY_LABEL]).toBeUndefined();
    const created = await createdImages(since);
    const helpersRun = created.filter((c) => c.role === 'gate' || c.role === 'disk-helper');
    expect(helpersRun.map((c) => c.role).sort()).toEqual(expect.arrayContaining(['disk-helper', 'gate']));
    for (const c of helpersRun) expect(c, `${c.role} ran ${c.image}`).toEqual({ role: c.role, image: trusted });
    await lab.removeEverything();
  });

  it("with no record and the tag moved, a build of ClassLab's own Dockerfile gives the trusted ID, never the tag's image", async () => {
    const fresh = new HelperImages(() => docker, path.join(REPO, 'images'), tmp('classlab-helper-'));
    let id: string;
    try {
      await moveTagTo(decoyId);
      expect(await fresh.state()).toBe('unconfirmed');
      id = await fresh.gateId();
    } finally {
      await restoreTag();
    }
    expect(id).toBe(originalId);
    expect(id).not.toBe(decoyId);
    expect(await fresh.state()).toBe('ready');
  });

  it("never builds a catalog's own gate folder (CLASSLAB_CATALOG cannot supply the gate's Dockerfile)", async () => {
    const catalogDir = testCatalog([{ id: 'python', title: 'Python', image: 'classlab/python:3', build: { context: 'python' } }]);
    mkdirSync(path.join(catalogDir, 'gate'));
    writeFileSync(path.join(catalogDir, 'gate', 'Dockerfile'), `FROM debian:bookworm-slim\nLABEL ${DECOY_LABEL}="catalog-${ns}"\n`);
    const dataDir = tmp('classlab-helper-');
    const core = await testCore(ns, { catalogDir, dataDir });
    try {
      await core.service['images:prepare']('python');
    } finally {
      await core.close();
      await restoreTag();
    }
    const info = (await docker.info()) as { ID: string };
    const recorded = JSON.parse(readFileSync(path.join(dataDir, HELPER_RECORD_FILE), 'utf8')).engines[info.ID][GATE_IMAGE];
    expect(recorded).toBe(originalId);
    const fromCatalog = await docker.listImages({ filters: { label: [`${DECOY_LABEL}=catalog-${ns}`] } });
    expect(fromCatalog).toEqual([]);
  }, 600_000);
});

// A lab built on a base keeps the tag it hashes from the base's reference, so when the base's image is
// rebuilt under the same tag the labs on it must be rebuilt too: dropImagesOnOldBase removes ClassLab's
// generated images whose recorded base ID (label classlab.base-image) is not the base's ID now, and
// nothing else. Real engine; tiny images FROM debian:trixie-slim (no packages), all of this test's own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { docker, uniqueNamespace } from '../support/docker';
import { CUSTOM_IMAGE_PREFIX, dropImagesOnOldBase } from '../../electron/core/images/custom-image';
import { imageId } from '../../electron/core/images/images';

const ns = uniqueNamespace('clbase');
const baseLab = `${ns}-base`;
const baseTag = `classlab-test/${ns}-base:1`;
const onOld = `${CUSTOM_IMAGE_PREFIX}${ns}:0000000000000001`;
const onOldInUse = `${CUSTOM_IMAGE_PREFIX}${ns}:0000000000000002`;
const onCurrent = `${CUSTOM_IMAGE_PREFIX}${ns}:0000000000000003`;
const foreign = `classlab-test/${ns}-foreign:1`;
const OLD_ID = `sha256:${'0'.repeat(64)}`;
let currentId = '';
let container = '';

function build(tag: string, labels: Record<string, string>): void {
  const lines = ['FROM debian:trixie-slim', ...Object.entries(labels).map(([k, v]) => `LABEL ${k}="${v}"`), `LABEL classlab.test.tag="${tag}"`];
  execFileSync('docker', ['build', '-q', '-t', tag, '-'], { input: lines.join('\n') + '\n', stdio: ['pipe', 'ignore', 'pipe'] });
}

beforeAll(async () => {
  build(baseTag, { 'classlab.test.base': ns });
  currentId = (await imageId(docker, baseTag))!;
  const on = (id: string) => ({ 'classlab.custom.base-lab': baseLab, 'classlab.base-image': id });
  build(onOld, on(OLD_ID));
  build(onOldInUse, on(OLD_ID));
  build(onCurrent, on(currentId));
  build(foreign, on(OLD_ID));
  container = (await docker.createContainer({ Image: onOldInUse, name: `${ns}-user`, Cmd: ['true'] })).id;
}, 180_000);

afterAll(async () => {
  if (container)
    await docker
      .getContainer(container)
      .remove({ force: true })
      .catch(() => undefined);
  for (const tag of [onOld, onOldInUse, onCurrent, foreign, baseTag])
    await docker
      .getImage(tag)
      .remove({ force: true })
      .catch(() => undefined);
});

describe('images built on a base whose image changed', () => {
  it('removes the generated images built on another base ID, keeps those on the current one, one in use and foreign ones', async () => {
    expect(currentId).toMatch(/^sha256:[a-f0-9]{64}$/);
    const { removed, kept } = await dropImagesOnOldBase(docker, baseLab, currentId);
    expect(removed).toEqual([onOld]);
    expect(kept).toEqual([onOldInUse]);
    expect(await imageId(docker, onOld)).toBeNull();
    for (const tag of [onOldInUse, onCurrent, foreign, baseTag]) expect(await imageId(docker, tag), tag).not.toBeNull();
  });

  it('leaves the images of other base labs alone', async () => {
    const { removed, kept } = await dropImagesOnOldBase(docker, `${ns}-other`, currentId);
    expect({ removed, kept }).toEqual({ removed: [], kept: [] });
    expect(await imageId(docker, onCurrent)).not.toBeNull();
  });
});

// Images of labs built on a base (a profile with `build.base` and no Dockerfile folder of its own): ClassLab
// writes the Dockerfile (dockerfile-lines.ts) FROM the base lab's image, with the profile's extra Debian
// packages and expert lines, and builds it with the same progress as any lab image.
//
// The tag says what went in: classlab/custom-<lab>:<16 hex of SHA-256 over (base image, packages, lines)>.
// The same list gives the same tag, so the image is built once and found again (the launcher's
// "image missing" is simply "no image of that tag"); a changed list is a new tag, so the next start
// builds it, and the old image stays until removed. The base is named by the reference its lab gives
// (classlab/python:3), because the catalog is read before the engine is: the bundled images carry their
// version in the tag. The image ID the base had at build time is kept in the label classlab.base-image.
// A base rebuilt or pulled through ClassLab removes the images on its old ID (dropImagesOnOldBase below).
import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LabError } from '../../api/errors';
import type { Profile } from '../profiles/schema';
import { generatedDockerfile } from './dockerfile-lines';
import { buildImage, imageId, type ImageJob } from './images';
import { imageVolumeProblems } from './image-volumes';

export const CUSTOM_IMAGE_PREFIX = 'classlab/custom-';

/** A build ClassLab writes itself: on a base lab, without a Dockerfile folder. */
export function isGeneratedBuild(profile: Pick<Profile, 'build'>): boolean {
  return Boolean(profile.build && !profile.build.context && profile.build.base);
}

/** The tag of a lab's image built on `baseImage` with these packages and lines (see above). */
export function customImageTag(labId: string, baseImage: string, packages: readonly string[], lines: readonly string[]): string {
  const hash = createHash('sha256')
    .update(JSON.stringify({ v: 1, base: baseImage, packages, lines }))
    .digest('hex')
    .slice(0, 16);
  return `${CUSTOM_IMAGE_PREFIX}${labId}:${hash}`;
}

/** Builds `profile.image` FROM the base lab's image (already on this computer). */
export async function buildOnBase(docker: Docker, profile: Profile, base: Profile, job: ImageJob): Promise<void> {
  const baseId = await imageId(docker, base.image);
  if (!baseId) throw new LabError('BUILD_FAILED', `The image of the base lab ${base.id} (${base.image}) is not on this computer.`);
  const dockerfile = generatedDockerfile({
    baseImage: base.image,
    packages: profile.build?.packages ?? [],
    lines: profile.build?.lines ?? [],
    user: profile.server.user,
    labels: { 'classlab.custom.lab': profile.id, 'classlab.custom.base-lab': base.id, 'classlab.base-image': baseId },
  });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'classlab-custom-'));
  try {
    await writeFile(path.join(dir, 'Dockerfile'), dockerfile, { mode: 0o644 });
    await buildImage(docker, dir, profile.image, job);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * After a lab's image is built or pulled: the images built on that lab as their base (label
 * `classlab.custom.base-lab`) from another image ID than the base has now are removed, so those labs
 * show "image missing" and the next open builds them on the new base. The tag hashes the base's
 * reference, not its ID (see the top of this file), so without this a rebuilt base under the same tag
 * left the labs on it on the old one. An image a container still uses is kept (the engine refuses) and
 * named in the answer; it goes with the next sweep once that lab is reset or removed.
 */
export async function dropImagesOnOldBase(docker: Docker, baseLabId: string, baseImageId: string): Promise<{ removed: string[]; kept: string[] }> {
  const images = await docker.listImages({ filters: JSON.stringify({ label: [`classlab.custom.base-lab=${baseLabId}`] }) });
  const removed: string[] = [];
  const kept: string[] = [];
  for (const image of images) {
    if (image.Labels?.['classlab.base-image'] === baseImageId) continue;
    // Only ClassLab's own generated images: a foreign image that copies the label is not ours to remove.
    const tags = (image.RepoTags ?? []).filter((t) => t.startsWith(CUSTOM_IMAGE_PREFIX));
    if (tags.length === 0) continue;
    try {
      for (const tag of tags) await docker.getImage(tag).remove({ noprune: false });
      removed.push(...tags);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 409) throw err;
      kept.push(...tags);
    }
  }
  return { removed, kept };
}

/**
 * The image's declared volumes that the lab would get without a limit (image-volumes.ts says why), in
 * words; null when the image is not on the engine.
 */
export async function declaredVolumeProblems(docker: Docker, profile: Profile): Promise<string[] | null> {
  let volumes: Record<string, unknown> | undefined;
  try {
    volumes = (await docker.getImage(profile.image).inspect()).Config?.Volumes ?? undefined;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return null;
    throw err;
  }
  return imageVolumeProblems(Object.keys(volumes ?? {}), profile);
}

/**
 * After a build or pull: an image that declares a VOLUME where the lab has no mount of its own is removed
 * again and refused, so the lab stays "image missing" with the reason.
 */
export async function refuseUnlimitedVolumes(docker: Docker, profile: Profile): Promise<void> {
  const problems = await declaredVolumeProblems(docker, profile);
  if (!problems?.length) return;
  await docker
    .getImage(profile.image)
    .remove({ noprune: false })
    .catch(() => undefined);
  throw new LabError('BUILD_FAILED', `The image ${profile.image} was refused and removed: ${problems.join('; ')}.`);
}

// A lab's image, made ready before its first start: built from its bundled Dockerfile folder, or pulled by
// name. A lab built on another lab (`build.base`, such as the R lab on the Python lab's JupyterLab) has its
// base made ready first, and gets the base's image as the build argument BASE_IMAGE, so a Dockerfile says
// `ARG BASE_IMAGE` / `FROM ${BASE_IMAGE}` and never repeats the base's tag.
import type Docker from 'dockerode';
import path from 'node:path';
import { LabError } from '../../api/errors';
import type { Profile } from '../profiles/schema';
import { buildOnBase, dropImagesOnOldBase, refuseUnlimitedVolumes } from './custom-image';
import { buildImage, imageId, imagePresent, pullImage, type ImageJob } from './images';

export interface LabImageSources {
  docker: () => Docker;
  /** The bundled catalog's folder: Dockerfile folders are named relative to it. */
  catalogDir: string;
  /** The profile of a lab by id, as the launcher has it now (for a base). */
  profileOf(id: string): Profile | undefined;
}

/** How deep bases may nest: python ← r is one; a chain past this is a mistake in the catalog. */
const MAX_BASE_DEPTH = 4;

export async function prepareLabImage(profile: Profile, sources: LabImageSources, job: ImageJob, chain: string[] = []): Promise<void> {
  const { build } = profile;
  if (!build) {
    await pullImage(sources.docker(), profile.image, job);
    await refuseUnlimitedVolumes(sources.docker(), profile);
    return sweepLabsOnThis(profile, sources);
  }
  const buildargs: Record<string, string> = {};
  let base: Profile | null = null;
  if (build.base) {
    base = baseOf(profile, build.base, sources, chain);
    if (!(await imagePresent(sources.docker(), base.image))) {
      await prepareLabImage(base, sources, { ...job, onProgress: (s) => job.onProgress({ ...s, step: `Base lab ${base?.id}: ${s.step ?? '…'}` }) }, [
        ...chain,
        profile.id,
      ]);
    }
    buildargs.BASE_IMAGE = base.image;
  }
  // A lab built on a base without a folder of its own: ClassLab writes its Dockerfile (custom-image.ts).
  if (build.context) await buildImage(sources.docker(), path.join(sources.catalogDir, build.context), profile.image, job, buildargs);
  else if (base) await buildOnBase(sources.docker(), profile, base, job);
  else throw new LabError('BUILD_FAILED', `The lab ${profile.id} names neither a Dockerfile folder nor a base lab.`);
  await refuseUnlimitedVolumes(sources.docker(), profile);
  await sweepLabsOnThis(profile, sources);
}

/** Labs built on this one were built on its old image if its ID changed: they are rebuilt on their next open. */
async function sweepLabsOnThis(profile: Profile, sources: LabImageSources): Promise<void> {
  const id = await imageId(sources.docker(), profile.image);
  if (id) await dropImagesOnOldBase(sources.docker(), profile.id, id);
}

function baseOf(profile: Profile, baseId: string, sources: LabImageSources, chain: string[]): Profile {
  if (baseId === profile.id || chain.includes(baseId)) {
    throw new LabError('BUILD_FAILED', `The lab ${profile.id} is built on ${baseId}, which is built on ${profile.id}: a base cannot be built on its own lab.`);
  }
  if (chain.length >= MAX_BASE_DEPTH) throw new LabError('BUILD_FAILED', `The lab ${profile.id} sits on more than ${MAX_BASE_DEPTH} bases.`);
  const base = sources.profileOf(baseId);
  if (!base) throw new LabError('BUILD_FAILED', `The lab ${profile.id} is built on the lab ${baseId}, which this computer does not have.`);
  return base;
}

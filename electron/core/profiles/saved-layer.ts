// The labs saved in the profile editor, as the third layer of the catalog: bundled < installed from packs
// < saved. A saved lab replaces a lab of the same id below it (an instructor's edit of a bundled lab is a
// saved copy; deleting it brings the bundled one back). Pure: catalog.ts reads the files.
//
// Rules on top of the profile schema, for whatever the editor (or anyone who can write the data folder)
// saved:
// - A saved lab with a Dockerfile folder (`build.context`) must name a folder AND the image of a lab
//   below it, exactly: it is that lab edited or duplicated, sharing its image. A folder of its own would
//   let a saved file build any bundled Dockerfile under any image name.
// - A lab built on a base (build.base, no folder) gets its image name from what goes into it
//   (images/custom-image.ts), whatever its file says: its name cannot be another lab's image, so its
//   build can never overwrite one.
import type { ProfileProblem } from '../../api/contract';
import { customImageTag, isGeneratedBuild } from '../images/custom-image';
import type { Profile } from './schema';

interface Layer {
  profiles: Profile[];
  problems: ProfileProblem[];
}

/** How the saved labs' file is named in a problem (never "catalog.json", which stops a reload: labs.ts). */
export const SAVED_CATALOG_NAME = 'saved labs (profiles/catalog.json in the data folder)';

export function withSavedLabs<T extends Layer>(below: T, saved: Layer): T {
  const problems: ProfileProblem[] = saved.problems.map((p) => (p.profile === 'catalog.json' ? { ...p, profile: SAVED_CATALOG_NAME } : p));
  const accepted: Profile[] = [];
  for (const profile of saved.profiles) {
    const problem = savedRuleProblem(profile, below.profiles);
    if (problem) problems.push(problem);
    else accepted.push(profile);
  }
  const replaced = new Set(accepted.map((p) => p.id));
  return {
    ...below,
    profiles: [...below.profiles.filter((p) => !replaced.has(p.id)), ...accepted],
    problems: [...below.problems.filter((p) => !replaced.has(p.profile)), ...problems],
  };
}

/** The saved-only rule above, or null when the profile keeps it. */
export function savedRuleProblem(profile: Profile, below: readonly Profile[]): ProfileProblem | null {
  const context = profile.build?.context;
  if (!context) return null;
  if (below.some((p) => p.build?.context === context && p.image === profile.image)) return null;
  return {
    profile: profile.id,
    field: 'build.context',
    message: `a saved lab may use the Dockerfile folder "${context}" only with the image of the bundled lab it comes from; build on a base lab instead`,
  };
}

/** Names the image of every lab built on a base (see above); one whose base is not here is a problem and is left out. */
export function withGeneratedImages<T extends Layer>(catalog: T): T {
  const byId = new Map(catalog.profiles.map((p) => [p.id, p]));
  const problems = [...catalog.problems];
  const profiles: Profile[] = [];
  for (const profile of catalog.profiles) {
    if (!isGeneratedBuild(profile)) {
      profiles.push(profile);
      continue;
    }
    const image = generatedImageOf(profile, byId);
    if (typeof image === 'string') profiles.push({ ...profile, image });
    else problems.push(image);
  }
  return { ...catalog, profiles, problems };
}

/** The image name of a lab built on a base, or the problem when its base is missing. */
export function generatedImageOf(profile: Profile, labs: ReadonlyMap<string, Profile>): string | ProfileProblem {
  const baseId = profile.build?.base as string;
  const base = labs.get(baseId);
  if (!base || baseId === profile.id)
    return { profile: profile.id, field: 'build.base', message: `the base lab "${baseId}" is not on this computer; choose one of its labs as the base` };
  return customImageTag(profile.id, base.image, profile.build?.packages ?? [], profile.build?.lines ?? []);
}

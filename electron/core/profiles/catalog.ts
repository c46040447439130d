// Loads the catalog of lab profiles from catalog.json. A profile that fails validation, or names a mount
// this machine does not allow (mount-policy.ts), is reported by name and field and left out; the others
// still load. A broken file is one problem, not a crash.
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ProfileProblem } from '../../api/contract';
import { mountProblems, type HostPolicy } from './mount-policy';
import { withGeneratedImages, withSavedLabs } from './saved-layer';
import { CatalogFile, Profile } from './schema';

export interface LoadedCatalog {
  profiles: Profile[];
  problems: ProfileProblem[];
  /** The folder that holds catalog.json and the Dockerfile folders. */
  dir: string;
}

export async function loadCatalog(dir: string, policy: HostPolicy, opts: ParseOptions = {}): Promise<LoadedCatalog> {
  const file = path.join(dir, 'catalog.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    const why = err instanceof SyntaxError ? `not valid JSON: ${err.message}` : `cannot be read: ${(err as Error).message}`;
    return { profiles: [], problems: [{ profile: 'catalog.json', field: '(file)', message: why }], dir };
  }
  return { ...(await withMountChecks(parseCatalog(raw, opts), policy)), dir };
}

/**
 * The labs of this computer: the bundled catalog, then the labs installed from lab packs (a catalog.json
 * in ClassLab's data folder, packs/installed-labs.ts). An installed lab replaces a bundled one of the same
 * id (a pack brings the instructor's newer version of it). The installed catalog is optional: before the
 * first import there is none, and that is no problem. Its own file problems name it, so they never read as
 * the bundled catalog's (which stops a reload, labs.ts).
 */
export async function loadLabCatalogs(bundledDir: string, installedDir: string, policy: HostPolicy, savedDir?: string): Promise<LoadedCatalog> {
  const packed = await loadBundledAndInstalled(bundledDir, installedDir, policy);
  // The labs saved in the editor come last and replace both (saved-layer.ts); they alone may have Dockerfile lines.
  const saved = savedDir && (await exists(path.join(savedDir, 'catalog.json'))) ? await loadCatalog(savedDir, policy, { allowBuildLines: true }) : null;
  return withGeneratedImages(saved ? withSavedLabs(packed, saved) : packed);
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

async function loadBundledAndInstalled(bundledDir: string, installedDir: string, policy: HostPolicy): Promise<LoadedCatalog> {
  const bundled = await loadCatalog(bundledDir, policy);
  let installed: LoadedCatalog;
  try {
    await access(path.join(installedDir, 'catalog.json'));
    installed = await loadCatalog(installedDir, policy);
  } catch {
    return bundled;
  }
  const replaced = new Set(installed.profiles.map((p) => p.id));
  return {
    dir: bundled.dir,
    profiles: [...bundled.profiles.filter((p) => !replaced.has(p.id)), ...installed.profiles],
    problems: [
      ...bundled.problems.filter((p) => !replaced.has(p.profile)),
      ...installed.problems.map((p) => (p.profile === 'catalog.json' ? { ...p, profile: INSTALLED_CATALOG_NAME } : p)),
    ],
  };
}

/** How the installed labs' file is named in a problem. */
export const INSTALLED_CATALOG_NAME = 'installed labs (labs/catalog.json in the data folder)';

/** Leaves out the profiles whose mounts this machine does not allow, each refused mount a problem by field. */
export async function withMountChecks(parsed: Omit<LoadedCatalog, 'dir'>, policy: HostPolicy): Promise<Omit<LoadedCatalog, 'dir'>> {
  const profiles: Profile[] = [];
  const problems = [...parsed.problems];
  for (const profile of parsed.profiles) {
    const refused = await mountProblems(profile, policy);
    if (refused.length) problems.push(...refused);
    else profiles.push(profile);
  }
  return { profiles, problems };
}

export interface ParseOptions {
  /** Expert Dockerfile lines (build.lines) are accepted only from the profiles saved in the editor. */
  allowBuildLines?: boolean;
}

export function parseCatalog(raw: unknown, opts: ParseOptions = {}): Omit<LoadedCatalog, 'dir'> {
  const file = CatalogFile.safeParse(raw);
  if (!file.success) {
    const issue = file.error.issues[0];
    return {
      profiles: [],
      problems: [{ profile: 'catalog.json', field: issue?.path.join('.') || '(file)', message: issue?.message ?? 'invalid' }],
    };
  }
  const profiles: Profile[] = [];
  const problems: ProfileProblem[] = [];
  const seen = new Set<string>();
  file.data.labs.forEach((entry, index) => {
    const name = profileName(entry, index);
    const parsed = Profile.safeParse(entry);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push({ profile: name, field: issue.path.join('.') || '(profile)', message: issue.message });
      }
      return;
    }
    if (!opts.allowBuildLines && parsed.data.build?.lines?.length) {
      problems.push({
        profile: name,
        field: 'build.lines',
        message: 'Dockerfile lines come only from the profile editor on this computer, never from a catalog or a lab pack',
      });
      return;
    }
    if (seen.has(parsed.data.id)) {
      problems.push({ profile: name, field: 'id', message: `another profile already uses the id ${parsed.data.id}` });
      return;
    }
    seen.add(parsed.data.id);
    profiles.push(parsed.data);
  });
  return { profiles, problems };
}

function profileName(entry: unknown, index: number): string {
  if (entry && typeof entry === 'object' && 'id' in entry && typeof entry.id === 'string' && entry.id.length <= 60) return entry.id;
  return `labs[${index}]`;
}

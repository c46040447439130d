// The profiles area of the methods table: the profile editor (profiles:*), every method an admin one.
// A draft from the editor is untrusted like any catalog: it goes through the very parse the catalog uses
// (parseCatalog, the mount checks against this machine's approved folders, the saved labs' own rules in
// saved-layer.ts), is saved into the data folder (saved-profiles.ts), and the catalog is reloaded, so the
// launcher has the lab at once (labs:changed). Deleting a saved lab keeps its workspace unless asked;
// asked, the workspace is backed up first (host/backups.ts), the backup read back and checked against its
// checksum, and only then deleted.
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import type { BackupInfo, ProfileCheck, ProfileDetails, ProfileDraft, ProfileEntry, ProfileList, ProfileProblem } from '../../api/contract';
import { LabError } from '../../api/errors';
import type { Backups } from '../host/backups';
import { CUSTOM_IMAGE_PREFIX, isGeneratedBuild } from '../images/custom-image';
import type { Labs } from '../labs/labs';
import type { Logger } from '../log';
import { loadCatalog, parseCatalog, withMountChecks } from '../profiles/catalog';
import type { HostPolicy } from '../profiles/mount-policy';
import { generatedImageOf, savedRuleProblem } from '../profiles/saved-layer';
import type { SavedProfiles } from '../profiles/saved-profiles';
import type { Profile } from '../profiles/schema';
import type { CoreService } from '../types';

export type ProfileMethods = Pick<
  CoreService,
  'profiles:list' | 'profiles:get' | 'profiles:check' | 'profiles:save' | 'profiles:duplicate' | 'profiles:delete'
>;

export interface ProfileEditorDeps {
  saved: SavedProfiles;
  /** The bundled catalog's folder and the installed labs' folder (catalog.ts). */
  catalogDir: string;
  installedDir: string;
  policy: HostPolicy;
  labs: Labs;
  /** Reloads the live catalog (labs/live-catalog.ts): what the launcher shows. */
  reload(): Promise<unknown>;
  backups: Pick<Backups, 'backup'>;
  log: Logger;
}

/** A syntactically valid image for a draft built on a base: its real name is computed once the draft parses. */
const PENDING_IMAGE = `${CUSTOM_IMAGE_PREFIX}pending:unbuilt`;

interface Below {
  bundled: Profile[];
  installed: Profile[];
}

export class ProfileEditor {
  constructor(private readonly deps: ProfileEditorDeps) {}

  async list(): Promise<ProfileList> {
    const below = await this.below();
    const saved = new Set((await this.deps.saved.entries()).map((e) => e.id));
    const profiles = this.deps.labs.all().map((e) => this.entry(e.lab.profile, below, saved));
    return { profiles, courseFolders: [...this.deps.policy.trust().mountFolders] };
  }

  async get(id: string): Promise<ProfileDetails> {
    const profile = this.deps.labs.get(id).lab.profile;
    const saved = new Set((await this.deps.saved.entries()).map((e) => e.id));
    return { ...this.entry(profile, await this.below(), saved), profile: { ...profile } };
  }

  /** The checks of a save, nothing saved: every problem by field, and the image the lab would have. */
  async check(draft: ProfileDraft, create: boolean): Promise<ProfileCheck & { profile: Profile | null }> {
    const input = isGeneratedBuild(draft as Pick<Profile, 'build'>) ? { ...draft, image: PENDING_IMAGE } : draft;
    const parsed = parseCatalog({ schema: 1, labs: [input] }, { allowBuildLines: true });
    const problems: ProfileProblem[] = parsed.problems.map((p) => ({ ...p, profile: String(draft.id ?? p.profile) }));
    let profile = parsed.profiles[0] ?? null;
    if (profile) {
      const exists = this.deps.labs.find(profile.id);
      if (create && exists)
        problems.push({ profile: profile.id, field: 'id', message: `there is a lab "${profile.id}" already (${exists.lab.profile.title}); choose another id` });
      if (!create && !exists) problems.push({ profile: profile.id, field: 'id', message: `there is no lab "${profile.id}" to change` });
      const below = await this.below();
      const rule = savedRuleProblem(profile, [...below.bundled, ...below.installed]);
      if (rule) problems.push(rule);
      if (isGeneratedBuild(profile)) {
        const others = new Map(this.deps.labs.all().map((e) => [e.lab.profile.id, e.lab.profile] as const));
        others.delete(profile.id);
        const image = generatedImageOf(profile, others);
        if (typeof image === 'string') profile = { ...profile, image };
        else problems.push(image);
      }
      problems.push(...(await withMountChecks({ profiles: [profile], problems: [] }, this.deps.policy)).problems);
    }
    return { problems, image: profile && profile.image !== PENDING_IMAGE ? profile.image : null, profile: problems.length ? null : profile };
  }

  async save(draft: ProfileDraft, create: boolean): Promise<ProfileDetails> {
    const { problems, profile } = await this.check(draft, create);
    if (!profile || problems.length) {
      const said = problems
        .slice(0, 5)
        .map((p) => `${p.field}: ${p.message}`)
        .join('; ');
      throw new LabError('PROFILE_INVALID', `The lab was not saved: ${said || 'it is not a profile'}.`);
    }
    await this.deps.saved.put({ ...profile });
    await this.deps.reload();
    this.deps.log.info('profile saved', { lab: profile.id, create });
    return this.get(profile.id);
  }

  async duplicate(id: string, newId: string, title: string): Promise<ProfileDetails> {
    const { profile } = await this.get(id);
    return this.save({ ...profile, id: newId, title }, true);
  }

  async delete(
    id: string,
    deleteWorkspace: boolean,
  ): Promise<{ labId: string; backup: BackupInfo | null; workspaceDeleted: boolean; restored: 'bundled' | 'installed' | null }> {
    const saved = await this.deps.saved.entries();
    if (!saved.some((e) => e.id === id)) {
      const known = this.deps.labs.find(id);
      throw new LabError(
        known ? 'NOT_SUPPORTED' : 'LAB_NOT_FOUND',
        known
          ? `${known.lab.profile.title} comes with ClassLab or a lab pack: only labs saved in the editor can be deleted.`
          : `There is no saved lab "${id}".`,
      );
    }
    const entry = this.deps.labs.find(id);
    let backup: BackupInfo | null = null;
    if (entry) {
      // A lab leaves the launcher stopped (a running one would otherwise stay until it stops).
      if (!['stopped', 'image-missing', 'error'].includes(entry.lab.view.phase)) await entry.lab.stop();
      if (deleteWorkspace) {
        backup = await this.deps.backups.backup(id);
        await verifyBackup(backup);
        await entry.containers.removeEverything();
        this.deps.log.info('workspace deleted after a verified backup', { lab: id, backup: backup.file });
      }
    }
    await this.deps.saved.remove(id);
    await this.deps.reload();
    const below = await this.below();
    const restored = below.installed.some((p) => p.id === id) ? 'installed' : below.bundled.some((p) => p.id === id) ? 'bundled' : null;
    this.deps.log.info('profile deleted', { lab: id, workspaceDeleted: deleteWorkspace && Boolean(entry), restored });
    return { labId: id, backup, workspaceDeleted: deleteWorkspace && Boolean(entry), restored };
  }

  private async below(): Promise<Below> {
    const bundled = await loadCatalog(this.deps.catalogDir, this.deps.policy);
    const installed = await loadCatalog(this.deps.installedDir, this.deps.policy);
    return { bundled: bundled.profiles, installed: installed.profiles };
  }

  private entry(profile: Profile, below: Below, saved: Set<string>): ProfileEntry {
    const inInstalled = below.installed.some((p) => p.id === profile.id);
    const bundled = below.bundled.find((p) => p.id === profile.id);
    const origin = saved.has(profile.id) ? 'saved' : inInstalled ? 'installed' : 'bundled';
    return {
      id: profile.id,
      title: profile.title,
      origin,
      replaces: origin !== 'saved' ? null : inInstalled ? 'installed' : bundled ? 'bundled' : null,
      base: origin === 'bundled' && Boolean(bundled?.build?.context),
      image: profile.image,
    };
  }
}

/** Reads the backup back: its size and SHA-256 must be those its manifest says, or nothing is deleted. */
export async function verifyBackup(backup: BackupInfo): Promise<void> {
  const size = (await fs.stat(backup.file)).size;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(backup.file)) hash.update(chunk as Buffer);
  if (size !== backup.bytes || hash.digest('hex') !== backup.sha256)
    throw new LabError('BACKUP_INVALID', `The backup ${backup.file} does not read back as written: the workspace was not deleted.`);
}

export function profileHandlers(editor: ProfileEditor): ProfileMethods {
  return {
    'profiles:list': () => editor.list(),
    'profiles:get': async (id) => editor.get(id),
    'profiles:check': async (draft, { create }) => {
      const { problems, image } = await editor.check(draft, create);
      return { problems, image };
    },
    'profiles:save': (draft, { create }) => editor.save(draft, create),
    'profiles:duplicate': (id, newId, title) => editor.duplicate(id, newId, title),
    'profiles:delete': (id, { deleteWorkspace }) => editor.delete(id, deleteWorkspace),
  };
}

// The settings area of the methods table: the admin area's settings screen reads and changes this
// machine's settings (core/settings.ts). A patch is checked as a whole before anything is saved: its
// shape and ranges by the contract's schema, each trust change by the same code as `classlab trust …`
// (trust/trust-changes.ts). The theme is also every view's (settings:appearance, settings:changed).
import { SettingsPatch, type Appearance, type MachineSettings } from '../../api/contract';
import { LabError } from '../../api/errors';
import type { Settings, SettingsStore } from '../settings';
import type { HostFolderContext } from '../trust/host-folders';
import { applyTrustChanges } from '../trust/trust-changes';
import { parseDockerHost } from '../engine/discovery';
import type { CoreService } from '../types';

export type SettingsMethods = Pick<CoreService, 'settings:get' | 'settings:update' | 'settings:appearance'>;

export interface SettingsDeps {
  settings: SettingsStore;
  hostFolders: HostFolderContext;
  /** The appearance changed: settings:changed to every view. */
  changed(appearance: Appearance): void;
  /** The admin lock's idle minutes changed: every view's admin indicator shows the new ones. */
  lockMinutesChanged(): void;
  /** Which labs are kept warm, or when, changed: the warm labs are looked at again now. */
  warmLabsChanged?(): void;
  /** The engine setting changed: the engine looks there from now on. */
  engineChanged?(): void;
}

function view(s: Settings): MachineSettings {
  return {
    trust: s.trust,
    adminLockMinutes: s.adminLockMinutes,
    backupsKeep: s.backupsKeep,
    quickRuns: s.quickRuns,
    theme: s.theme,
    maxRunningLabs: s.maxRunningLabs,
    newLabResources: s.newLabResources,
    warmLabs: s.warmLabs,
    engineHost: s.engineHost,
  };
}

/** The settings as a patch would leave them, or a BAD_REQUEST that says what was refused (nothing saved). */
export async function patchedSettings(current: Settings, patch: unknown, hostFolders: HostFolderContext): Promise<Partial<Settings>> {
  const parsed = SettingsPatch.safeParse(patch);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LabError('BAD_REQUEST', issue ? `${issue.path.join('.') || 'settings'}: ${issue.message}` : 'These settings are not valid.');
  }
  const { trust: changes, quickRuns, newLabResources, ...plain } = parsed.data;
  const next: Partial<Settings> = { ...plain };
  if (quickRuns) next.quickRuns = { ...current.quickRuns, ...quickRuns };
  if (newLabResources) next.newLabResources = { ...current.newLabResources, ...newLabResources };
  if (plain.engineHost && !parseDockerHost(plain.engineHost)) {
    throw new LabError(
      'BAD_REQUEST',
      'engineHost: not an engine address ClassLab can use. Write ssh://user@host or ssh://user@host:port (an IPv6 address in brackets), tcp://host:port or unix:///path/to/docker.sock.',
    );
  }
  if (changes?.length) {
    const result = await applyTrustChanges(current.trust, changes, hostFolders);
    if (!result.ok) throw new LabError('BAD_REQUEST', result.why);
    next.trust = result.trust;
  }
  return next;
}

export function settingsHandlers(deps: SettingsDeps): SettingsMethods {
  // One update at a time: each reads, checks and writes the whole settings.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    'settings:get': async () => view(deps.settings.get()),
    'settings:appearance': async () => ({ theme: deps.settings.get().theme }),
    'settings:update': (patch) => {
      const run = async () => {
        const before = deps.settings.get();
        const saved = deps.settings.update(await patchedSettings(before, patch, deps.hostFolders));
        if (saved.theme !== before.theme) deps.changed({ theme: saved.theme });
        if (saved.adminLockMinutes !== before.adminLockMinutes) deps.lockMinutesChanged();
        if (JSON.stringify(saved.warmLabs) !== JSON.stringify(before.warmLabs)) deps.warmLabsChanged?.();
        if (saved.engineHost !== before.engineHost) deps.engineChanged?.();
        return view(saved);
      };
      const next = queue.then(run, run);
      queue = next.catch(() => undefined);
      return next;
    },
  };
}

// Settings behind one interface: electron-store in the app, its engine `conf` without Electron (same
// author, same file format). Both are handed in as a KeyValueBacking; this module owns the shape.
import { z } from 'zod';
import { MachineTrust, NO_TRUST } from './trust/machine-trust';
import { HubEntry, MAX_HUBS } from './hub/hub-store';
import {
  ADMIN_LOCK_MINUTES,
  BACKUPS_KEEP,
  ENGINE_HOST,
  MAX_RUNNING_LABS,
  NEW_LAB_RESOURCES,
  NewLabResources,
  NO_WARM_LABS,
  WarmLabs,
  RUNS_MAX_CONCURRENT,
  RUNS_MAX_QUEUED,
  Theme,
} from '../api/contract';

export const Settings = z.object({
  /** The lab the user opened last, shown first in the launcher. */
  lastOpenedLab: z.string().nullable().default(null),
  /** The bridge's port for `classlab serve`; 0 picks a free one. */
  bridgePort: z.number().int().min(0).max(65535).default(0),
  /** What this machine trusts (trust/machine-trust.ts): changed only by the desktop user, never by a profile. */
  trust: MachineTrust.default(NO_TRUST),
  /** Workspace backups kept per lab (core/host/backups.ts): older ones are pruned after each backup. */
  backupsKeep: BACKUPS_KEEP.default(10),
  /** Idle minutes after which the admin area locks again (core/admin). */
  adminLockMinutes: ADMIN_LOCK_MINUTES.default(10),
  /** Quick runs (core/runs): how many run at once on this machine, and how many may wait. */
  quickRuns: z.object({ maxConcurrent: RUNS_MAX_CONCURRENT.default(2), maxQueued: RUNS_MAX_QUEUED.default(50) }).default({ maxConcurrent: 2, maxQueued: 50 }),
  /** The app's theme for every view: light, dark, or the system's (prefers-color-scheme). */
  theme: Theme.default('system'),
  /** The most labs that may run at once on this machine (core/host/idle-cap.ts): opening one more is TOO_MANY_LABS. */
  maxRunningLabs: MAX_RUNNING_LABS.default(4),
  /** What a new lab starts with in the profile editor (existing labs keep their own). */
  newLabResources: NewLabResources.default(NEW_LAB_RESOURCES),
  /** Which labs keep a warm sandbox ready, and when (core/labs/warm-labs.ts). */
  warmLabs: WarmLabs.default(NO_WARM_LABS),
  /**
   * The Docker engine an admin chose (DOCKER_HOST's form, e.g. ssh://user@host:port), or null: look for a
   * local one. DOCKER_HOST, when set, wins over it (engine/discovery.ts).
   */
  engineHost: ENGINE_HOST.nullable().default(null),
  /** The JupyterHubs whose labs the launcher shows (core/hub): addresses and owners only; their tokens are in the secret store. */
  hubs: z.array(HubEntry).max(MAX_HUBS).default([]),
});
export type Settings = z.infer<typeof Settings>;

/** The part of electron-store / conf that ClassLab uses. */
export interface KeyValueBacking {
  readonly store: Record<string, unknown>;
  set(key: string, value: unknown): void;
}

export interface SettingsStore {
  get(): Settings;
  update(patch: Partial<Settings>): Settings;
}

export function createSettingsStore(backing: KeyValueBacking): SettingsStore {
  const read = (): Settings => {
    // A settings file edited by hand or from an older version must not stop the app: fields that fail
    // the schema fall back to their defaults one by one.
    const raw = backing.store ?? {};
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(Settings.shape)) {
      const parsed = (field as z.ZodType).safeParse(raw[key]);
      out[key] = parsed.success ? parsed.data : (field as z.ZodType).parse(undefined);
    }
    return out as Settings;
  };
  return {
    get: read,
    update(patch) {
      const next = Settings.parse({ ...read(), ...patch });
      for (const [key, value] of Object.entries(patch)) if (value !== undefined) backing.set(key, next[key as keyof Settings]);
      return next;
    },
  };
}

/** Settings without Electron: `conf` in the ClassLab data folder. */
export async function openNodeSettings(dataDir: string): Promise<SettingsStore> {
  const { default: Conf } = await import('conf');
  const conf = new Conf<Record<string, unknown>>({ cwd: dataDir, configName: 'settings', clearInvalidConfig: true, projectName: 'classlab' });
  return createSettingsStore(conf);
}

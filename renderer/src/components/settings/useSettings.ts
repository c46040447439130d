import { useCallback, useEffect, useState } from 'react';
import type { MachineSettings, SettingsPatch } from '../../../../electron/api/contract';
import { useAdminLock, useApi } from '../../context';
import { errorCode, errorMessage } from '../../errors';

export interface SettingsForm {
  settings: MachineSettings | null;
  /** Why the settings could not be read (locked and the PIN was not given, or an error). */
  loadError: string | null;
  /** Which part is being saved, or null. */
  saving: string | null;
  /** The last refused change, by part, in ClassLab's words (what to fix). */
  errors: Record<string, string>;
  /** Saves a patch for one part of the screen; resolves true when it was saved. */
  save(part: string, patch: SettingsPatch): Promise<boolean>;
  reload(): void;
}

/** The settings screen's data: read through the admin lock, each change saved at once and answered by the core. */
export function useSettings(): SettingsForm {
  const api = useApi();
  const admin = useAdminLock();
  const [settings, setSettings] = useState<MachineSettings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [saving, setSaving] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [attempt, setAttempt] = useState(0);
  const { asAdmin } = admin;

  useEffect(() => {
    let live = true;
    asAdmin('Opening the settings', () => api.settings.get()).then(
      (s) => {
        if (!live) return;
        if (s) setSettings(s);
        else setLoadError('The settings need the admin PIN.');
      },
      (err: unknown) => live && setLoadError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [api, asAdmin, attempt]);

  const save = useCallback(
    async (part: string, patch: SettingsPatch): Promise<boolean> => {
      setSaving(part);
      try {
        const next = await asAdmin('Changing the settings', () => api.settings.update(patch));
        if (!next) return false;
        setSettings(next);
        setErrors(({ [part]: _gone, ...rest }) => rest);
        return true;
      } catch (err) {
        const message = errorCode(err) === 'LOCKED' ? 'The admin area is locked: unlock it to change settings.' : errorMessage(err);
        setErrors((e) => ({ ...e, [part]: message }));
        return false;
      } finally {
        setSaving(null);
      }
    },
    [api, asAdmin],
  );

  const reload = useCallback(() => {
    setLoadError(null);
    setAttempt((n) => n + 1);
  }, []);

  return { settings, loadError, saving, errors, save, reload };
}

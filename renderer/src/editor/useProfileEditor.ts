// The profile editor's state: the form, the core's checks as the instructor types (profiles:check, a
// moment after the last key), saving, and what the lab is now in the launcher. Every call is an admin one.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ProfileList, ProfileProblem } from '../../../electron/api/contract';
import { useAdminLock, useApi } from '../context';
import { errorMessage } from '../errors';
import { blankForm, draftFromForm, fieldErrors, formFromProfile, hasErrors, type FieldErrors, type ProfileForm } from './profileForm';

export type EditorTarget = { kind: 'new' } | { kind: 'edit'; id: string };

/** Quiet time after the last change before the core checks the form. */
const CHECK_DELAY_MS = 250;

export interface ProfileEditorState {
  list: ProfileList | null;
  form: ProfileForm | null;
  /** A new lab until its first save; then the lab it saved. */
  creating: boolean;
  errors: FieldErrors;
  /** The image the lab will have, as the core names it. */
  image: string | null;
  checking: boolean;
  saving: boolean;
  /** The id of the lab as last saved, or null before the first save. */
  savedId: string | null;
  /** Why loading or saving failed. */
  error: string | null;
  change(patch: Partial<ProfileForm>): void;
  save(): Promise<boolean>;
}

export function useProfileEditor(target: EditorTarget): ProfileEditorState {
  const api = useApi();
  const { asAdmin } = useAdminLock();
  const [list, setList] = useState<ProfileList | null>(null);
  const [form, setForm] = useState<ProfileForm | null>(null);
  const [creating, setCreating] = useState(target.kind === 'new');
  const [problems, setProblems] = useState<ProfileProblem[]>([]);
  const [image, setImage] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const [saving, setSaving] = useState(false);
  const [savedId, setSavedId] = useState<string | null>(target.kind === 'edit' ? target.id : null);
  const [error, setError] = useState<string | null>(null);
  const generation = useRef(0);

  useEffect(() => {
    let live = true;
    void asAdmin('Making and changing labs', async () => {
      const profiles = await api.profiles.list();
      const details = target.kind === 'edit' ? await api.profiles.get(target.id) : null;
      // A new lab starts with this machine's default resources (the settings screen sets them).
      const resources = details ? null : (await api.settings.get()).newLabResources;
      return { profiles, details, resources };
    }).then(
      (got) => {
        if (!live) return;
        if (!got) return setError('The admin area stays locked: go back and unlock it to make or change labs.');
        setList(got.profiles);
        const firstBase = got.profiles.profiles.find((p) => p.base)?.id ?? '';
        setForm(got.details ? formFromProfile(got.details.profile) : blankForm('base', firstBase, got.resources ?? undefined));
      },
      (err: unknown) => live && setError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [api, asAdmin, target]);

  // The core's checks, a moment after the last change; an older answer never replaces a newer one.
  useEffect(() => {
    if (!form) return;
    const mine = ++generation.current;
    setChecking(true);
    const timer = setTimeout(() => {
      void asAdmin('Checking the lab', () => api.profiles.check(draftFromForm(form), { create: creating })).then(
        (result) => {
          if (mine !== generation.current) return;
          setChecking(false);
          if (!result) return;
          setProblems(result.problems);
          setImage(result.image);
        },
        (err: unknown) => {
          if (mine !== generation.current) return;
          setChecking(false);
          setError(errorMessage(err));
        },
      );
    }, CHECK_DELAY_MS);
    return () => clearTimeout(timer);
  }, [api, asAdmin, form, creating]);

  const change = useCallback((patch: Partial<ProfileForm>) => {
    setError(null);
    setForm((f) => (f ? { ...f, ...patch } : f));
  }, []);

  const errors = form ? fieldErrors(form, problems) : {};

  const save = useCallback(async (): Promise<boolean> => {
    if (!form) return false;
    setSaving(true);
    setError(null);
    try {
      const saved = await asAdmin('Saving the lab', () => api.profiles.save(draftFromForm(form), { create: creating }));
      if (!saved) return false;
      setSavedId(saved.id);
      setCreating(false);
      setImage(saved.image);
      setForm(formFromProfile(saved.profile));
      return true;
    } catch (err) {
      setError(errorMessage(err));
      return false;
    } finally {
      setSaving(false);
    }
  }, [api, asAdmin, form, creating]);

  return { list, form, creating, errors, image, checking, saving, savedId, error, change, save };
}

export { hasErrors };

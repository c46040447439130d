import type { FieldErrors, ProfileForm } from '../../editor/profileForm';

interface Props {
  form: ProfileForm;
  /** The folders this computer shares with labs (settings: approved course folders). */
  folders: readonly string[];
  errors: FieldErrors;
  change(patch: Partial<ProfileForm>): void;
}

/** Read-only course folders from this computer: only the approved folders can be chosen. */
export function CourseFolders({ form, folders, errors, change }: Props) {
  const rows = form.mounts;
  const set = (i: number, patch: Partial<(typeof rows)[number]>) => change({ mounts: rows.map((r, n) => (n === i ? { ...r, ...patch } : r)) });
  return (
    <fieldset className="editor-section">
      <legend>Course folders (read-only)</legend>
      {folders.length === 0 && rows.length === 0 ? (
        <p className="small muted">
          This computer shares no folders with labs. An instructor can approve one in the settings (or with <code>classlab trust mount add FOLDER</code>).
        </p>
      ) : (
        <ul className="editor-mounts">
          {rows.map((row, i) => (
            <li key={i} className="editor-mount">
              <label>
                Folder
                <select className="text-field" value={row.source} onChange={(e) => set(i, { source: e.target.value })}>
                  {!folders.includes(row.source) && <option value={row.source}>{row.source || 'Choose a folder…'}</option>}
                  {folders.map((f) => (
                    <option key={f} value={f}>
                      {f}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                In the lab at
                <input className="text-field" value={row.target} spellCheck={false} onChange={(e) => set(i, { target: e.target.value })} />
              </label>
              <button type="button" className="button button-small" onClick={() => change({ mounts: rows.filter((_, n) => n !== i) })}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <button
        type="button"
        className="button button-small"
        disabled={folders.length === 0}
        aria-describedby="editor-mounts-msg"
        onClick={() => change({ mounts: [...rows, { source: folders[0] ?? '', target: `/home/student/shared${rows.length ? `-${rows.length + 1}` : ''}` }] })}
      >
        Add a course folder
      </button>
      <div id="editor-mounts-msg" className="field-hint editor-field-invalid" aria-live="polite">
        {errors.mounts?.length ? (
          <ul className="editor-errors">
            {errors.mounts.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        ) : null}
      </div>
    </fieldset>
  );
}

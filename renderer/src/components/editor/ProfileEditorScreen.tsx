import type { LabView } from '../../../../electron/api/contract';
import { useFocusOnMount } from '../../hooks/useFocusOnMount';
import type { LabActions } from '../../hooks/useLabActions';
import { hasErrors, useProfileEditor, type EditorTarget } from '../../editor/useProfileEditor';
import type { ProfileForm } from '../../editor/profileForm';
import { ScreenToolbar } from '../ScreenToolbar';
import { ImageProgressView } from '../ImageProgressView';
import { LogDisclosure } from '../LogDisclosure';
import { PhaseBadge } from '../PhaseBadge';
import { EditorField, fieldProps } from './EditorField';
import { CourseFolders } from './CourseFolders';
import '../../editor.css';

interface Props {
  target: EditorTarget;
  labs: readonly LabView[];
  actions: LabActions;
  onBack(): void;
  onOpen(lab: LabView): void;
}

/** The profile editor: every field of a lab, the schema's checks beside each as it is typed, Save, and the image build. */
export function ProfileEditorScreen({ target, labs, actions, onBack, onOpen }: Props) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const editor = useProfileEditor(target);
  const { form, errors, change, list } = editor;
  const lab = editor.savedId ? (labs.find((l) => l.id === editor.savedId) ?? null) : null;
  const title = editor.creating ? 'New lab' : `Edit ${form?.title || (target.kind === 'edit' ? target.id : 'lab')}`;
  const bases = list?.profiles.filter((p) => p.base) ?? [];
  const text = (name: keyof ProfileForm & Parameters<typeof fieldProps>[0]) => ({
    ...fieldProps(name, errors),
    className: 'text-field',
    value: String(form?.[name] ?? ''),
    onChange: (e: { target: { value: string } }) => change({ [name]: e.target.value } as Partial<ProfileForm>),
  });

  return (
    <div className="screen editor-screen">
      <ScreenToolbar title={title} headingRef={heading} onBack={onBack} />
      <main className="editor-content" aria-label={title}>
        {!form ? (
          editor.error ? (
            <p className="reason reason-error" role="alert">
              {editor.error}
            </p>
          ) : (
            <p className="muted">Loading the lab…</p>
          )
        ) : (
          <form
            className="editor-form"
            onSubmit={(e) => {
              e.preventDefault();
              void editor.save();
            }}
          >
            <fieldset className="editor-section">
              <legend>Lab</legend>
              <EditorField
                name="id"
                label="Id"
                errors={errors}
                hint="Lower-case letters, digits and dashes; it names the lab's workspace and cannot change later."
              >
                <input {...text('id')} readOnly={!editor.creating} spellCheck={false} autoComplete="off" />
              </EditorField>
              <EditorField name="title" label="Title" errors={errors}>
                <input {...text('title')} autoComplete="off" />
              </EditorField>
              <EditorField name="description" label="Description" errors={errors} hint="What students see on the lab's card.">
                <textarea {...text('description')} rows={2} />
              </EditorField>
            </fieldset>

            <fieldset className="editor-section">
              <legend>Image</legend>
              {form.source === 'folder' ? (
                <p>
                  Built from ClassLab&apos;s Dockerfile folder <code>{form.context}</code> as <code>{form.image}</code>. To add packages, make a new lab built
                  on this one.
                </p>
              ) : (
                <div className="editor-choice" role="radiogroup" aria-label="Where the image comes from">
                  <label>
                    <input type="radio" name="editor-source" checked={form.source === 'base'} onChange={() => change({ source: 'base' })} /> Built on a bundled
                    lab, with extra Debian packages
                  </label>
                  <label>
                    <input type="radio" name="editor-source" checked={form.source === 'image'} onChange={() => change({ source: 'image' })} /> A public image
                    (pulled from its registry; this computer must reach it)
                  </label>
                </div>
              )}
              {form.source === 'base' && (
                <>
                  <EditorField name="base" label="Base lab" errors={errors}>
                    <select {...fieldProps('base', errors)} className="text-field" value={form.base} onChange={(e) => change({ base: e.target.value })}>
                      <option value="">Choose a lab…</option>
                      {bases.map((b) => (
                        <option key={b.id} value={b.id}>
                          {b.title} ({b.image})
                        </option>
                      ))}
                    </select>
                  </EditorField>
                  <EditorField
                    name="packages"
                    label="Extra Debian packages"
                    errors={errors}
                    hint="One package name per line, as in apt.txt (for example jq or cowsay); # starts a comment."
                  >
                    <textarea {...text('packages')} rows={4} spellCheck={false} className="text-field mono" />
                  </EditorField>
                  <details className="editor-expert" open={form.lines.trim() !== ''}>
                    <summary>Expert: Dockerfile lines</summary>
                    <EditorField
                      name="lines"
                      label="Dockerfile lines (run as root after the packages)"
                      errors={errors}
                      hint="RUN, ENV, ARG, WORKDIR and USER only. ClassLab adds the lab user's USER line last; FROM, VOLUME, CMD and the like are refused."
                    >
                      <textarea {...text('lines')} rows={4} spellCheck={false} className="text-field mono" />
                    </EditorField>
                  </details>
                </>
              )}
              {form.source === 'image' && (
                <EditorField name="image" label="Image name" errors={errors} hint="Such as jupyter/scipy-notebook:2024-01-15.">
                  <input {...text('image')} spellCheck={false} autoComplete="off" />
                </EditorField>
              )}
              {errors.source && <p className="reason reason-error">{errors.source.join(' ')}</p>}
              <p className="small muted" aria-live="polite">
                {editor.image ? (
                  <>
                    Image: <code>{editor.image}</code>
                  </>
                ) : (
                  ' '
                )}
              </p>
            </fieldset>

            <fieldset className="editor-section editor-grid">
              <legend>Resources</legend>
              <EditorField name="memoryMiB" label="Memory (MiB)" errors={errors}>
                <input {...text('memoryMiB')} inputMode="numeric" />
              </EditorField>
              <EditorField name="cpus" label="CPUs" errors={errors}>
                <input {...text('cpus')} inputMode="decimal" />
              </EditorField>
              <EditorField name="pids" label="Processes" errors={errors}>
                <input {...text('pids')} inputMode="numeric" />
              </EditorField>
              <EditorField name="diskMiB" label="Workspace disk (MiB)" errors={errors} hint="Fixed when a workspace is first made.">
                <input {...text('diskMiB')} inputMode="numeric" />
              </EditorField>
              <EditorField name="network" label="Network" errors={errors} hint="Internet never reaches this computer or its network.">
                <select
                  {...fieldProps('network', errors)}
                  className="text-field"
                  value={form.network}
                  onChange={(e) => change({ network: e.target.value === 'internet' ? 'internet' : 'none' })}
                >
                  <option value="none">None</option>
                  <option value="internet">Internet</option>
                </select>
              </EditorField>
              <EditorField name="idleMinutes" label="Stop after idle minutes" errors={errors} hint="0: never.">
                <input {...text('idleMinutes')} inputMode="numeric" />
              </EditorField>
              <EditorField name="layout" label="Opens on" errors={errors} hint="A terminal first suits compiled languages; the notebook is one tab away.">
                <select
                  {...fieldProps('layout', errors)}
                  className="text-field"
                  value={form.layout}
                  onChange={(e) => change({ layout: e.target.value === 'terminal' ? 'terminal' : 'notebook' })}
                >
                  <option value="notebook">The notebook</option>
                  <option value="terminal">A terminal</option>
                </select>
              </EditorField>
            </fieldset>

            <fieldset className="editor-section">
              <legend>Course repository</legend>
              <EditorField name="courseUrl" label="Address (optional)" errors={errors} hint="https:// or ssh://; never with a user name or token.">
                <input {...text('courseUrl')} spellCheck={false} autoComplete="off" />
              </EditorField>
              <div className="editor-grid">
                <EditorField name="courseBranch" label="Branch" errors={errors}>
                  <input {...text('courseBranch')} spellCheck={false} />
                </EditorField>
                <EditorField name="courseFolder" label="Folder in the workspace" errors={errors}>
                  <input {...text('courseFolder')} spellCheck={false} />
                </EditorField>
              </div>
              <label className="editor-check">
                <input type="checkbox" checked={form.courseSyncOnOpen} onChange={(e) => change({ courseSyncOnOpen: e.target.checked })} /> Bring new commits in
                each time the lab opens
              </label>
            </fieldset>

            <CourseFolders form={form} folders={list?.courseFolders ?? []} errors={errors} change={change} />

            {errors.other && (
              <div className="reason reason-error" role="alert">
                <ul className="editor-errors">
                  {errors.other.map((m) => (
                    <li key={m}>{m}</li>
                  ))}
                </ul>
              </div>
            )}
            {editor.error && (
              <p className="dialog-error" role="alert">
                {editor.error}
              </p>
            )}
            <div className="editor-actions">
              <button type="submit" className="button button-primary" disabled={editor.saving}>
                {editor.saving ? 'Saving…' : 'Save'}
              </button>
              <span className="small muted" role="status">
                {editor.checking
                  ? 'Checking…'
                  : hasErrors(errors)
                    ? 'Fix the fields marked above to save.'
                    : editor.savedId && !editor.creating
                      ? 'Saved.'
                      : ''}
              </span>
            </div>
            {lab && <SavedLab lab={lab} actions={actions} onOpen={onOpen} />}
          </form>
        )}
      </main>
    </div>
  );
}

/** The saved lab as the launcher has it: its image built here, with the same progress as on its card, then opened. */
function SavedLab({ lab, actions, onOpen }: { lab: LabView; actions: LabActions; onOpen(lab: LabView): void }) {
  const busy = actions.busy[lab.id] ?? null;
  const building = lab.phase === 'building' || busy === 'prepare';
  const buildError = lab.progress?.error ?? null;
  return (
    <section className="editor-section editor-saved" aria-labelledby="editor-saved-title">
      <h2 id="editor-saved-title" className="editor-saved-title">
        {lab.title} in the launcher <PhaseBadge phase={lab.phase} />
      </h2>
      {lab.reason && !building && <p className="reason">{lab.reason}</p>}
      {building && <ImageProgressView progress={lab.progress} kind={lab.source} />}
      {!building && buildError && (
        <div className="build-error">
          <p className="reason reason-error">{buildError}</p>
          <LogDisclosure lines={lab.progress?.lines ?? []} summary="Build log" />
        </div>
      )}
      <div className="editor-actions">
        {lab.phase === 'image-missing' && (
          <button type="button" className="button button-primary" disabled={busy !== null} onClick={() => void actions.run('prepare', lab.id)}>
            {lab.source === 'pull' ? 'Pull image' : 'Build image'}
          </button>
        )}
        {['stopped', 'ready', 'starting'].includes(lab.phase) && (
          <button type="button" className="button button-primary" onClick={() => onOpen(lab)}>
            Open lab
          </button>
        )}
      </div>
    </section>
  );
}

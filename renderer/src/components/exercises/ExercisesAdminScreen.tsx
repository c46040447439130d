import './exercises.css';
import { useId, useState } from 'react';
import { z } from 'zod';
import type { ExerciseSummary, LabView } from '../../../../electron/api/contract';
import { useAdminLock, useApi } from '../../context';
import { errorMessage } from '../../errors';
import { pickExercise, type ExercisePick } from '../../exercises/exerciseFolder';
import { putWithProgress } from '../../files/transfer';
import { useFocusOnMount } from '../../hooks/useFocusOnMount';
import { languageName } from '../../quickRun';
import { ConfirmDialog } from '../ConfirmDialog';
import { ScreenToolbar } from '../ScreenToolbar';
import { useExerciseList } from './useExercises';

interface Props {
  labs: LabView[];
  onBack(): void;
}

const Uploaded = z.object({ uploadId: z.string() });
const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/**
 * The admin's exercises screen: a lab's installed exercises (visible and hidden tests, points), an
 * exercise folder installed from this computer, one removed after a confirmation. The folder is picked in
 * the page (a folder, or its two files) and its files are PUT to paths the core grants
 * (exercises:uploadPlan), so this works the same in the window and in the browser bridge; every check is
 * the core's (exercises:install: the folder install's own rules).
 */
export function ExercisesAdminScreen({ labs, onBack }: Props) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const api = useApi();
  const { asAdmin } = useAdminLock();
  const ids = { lab: useId(), folder: useId(), files: useId(), id: useId(), hint: useId() };
  const [lab, setLab] = useState(labs[0]?.id ?? '');
  const { list, refresh } = useExerciseList(lab);
  const [pick, setPick] = useState<ExercisePick<File> | null>(null);
  const [exerciseId, setExerciseId] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [removing, setRemoving] = useState<ExerciseSummary | null>(null);
  const labTitle = labs.find((l) => l.id === lab)?.title ?? lab;

  const picked = (files: FileList | null) => {
    const p = pickExercise([...(files ?? [])]);
    setPick(p);
    setDone(null);
    setError(null);
    if (p.suggestedId) setExerciseId(p.suggestedId);
  };

  const send = (path: string, file: File) => putWithProgress(`${api.files.transferBase}${path}`, file, 'application/octet-stream', Uploaded, () => {}).result;

  const install = async () => {
    if (!pick?.ok) return;
    setBusy('Installing');
    setError(null);
    setDone(null);
    try {
      const installed = await asAdmin('Installing an exercise', async () => {
        const plan = await api.exercises.uploadPlan({ lab, id: exerciseId, exerciseBytes: pick.exercise.size, statementBytes: pick.statement.size });
        await send(plan.exercisePath, pick.exercise);
        await send(plan.statementPath, pick.statement);
        return api.exercises.install(plan.uploadId);
      });
      if (installed) {
        setDone(
          `Installed ${installed.title} (${installed.id}) for ${labTitle}: ${count(installed.tests - installed.hiddenTests, 'visible test')} and ${count(installed.hiddenTests, 'hidden test')}.`,
        );
        refresh();
      }
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  const remove = async (ex: ExerciseSummary) => {
    setRemoving(null);
    setBusy('Removing');
    setError(null);
    try {
      const r = await asAdmin('Removing an exercise', () => api.exercises.remove(ex.lab, ex.id));
      if (r) {
        setDone(r.removed ? `Removed ${ex.title} (${ex.id}) from ${labTitle}.` : `${ex.title} was already gone.`);
        refresh();
      }
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  const idValid = /^[a-z0-9][a-z0-9-]{0,63}$/.test(exerciseId);
  return (
    <div className="screen exercises-admin-screen">
      <ScreenToolbar title="Exercises" headingRef={heading} onBack={onBack}>
        {busy && (
          <span className="muted small" role="status">
            <span className="spinner spinner-small" aria-hidden="true" /> {busy}…
          </span>
        )}
      </ScreenToolbar>
      <main className="admin-page-main" aria-label="Exercises">
        <div className="admin-page-content">
          {error && (
            <p className="dialog-error" role="alert">
              {error}
            </p>
          )}
          {done && (
            <p className="exercises-admin-done" role="status">
              {done}
            </p>
          )}
          <section className="admin-page-section" aria-labelledby="exercises-lab">
            <h2 id="exercises-lab">Lab</h2>
            <p className="muted small">
              Exercises are kept on this computer only, outside every lab: students see a hidden test’s verdict, never its input or expected output.
            </p>
            <div className="exercises-admin-row">
              <label htmlFor={ids.lab}>Exercises of</label>
              <select id={ids.lab} value={lab} onChange={(e) => setLab(e.currentTarget.value)}>
                {labs.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.title}
                  </option>
                ))}
              </select>
            </div>
          </section>

          <section className="admin-page-section" aria-labelledby="exercises-installed">
            <h2 id="exercises-installed">Installed for {labTitle}</h2>
            {list.phase === 'loading' && <p className="muted">Loading…</p>}
            {list.phase === 'failed' && (
              <p className="dialog-error" role="alert">
                {list.message}
              </p>
            )}
            {list.phase === 'ready' && list.value.length === 0 && <p className="muted">No exercises are installed for this lab yet.</p>}
            {list.phase === 'ready' && list.value.length > 0 && (
              <table className="exercises-admin-table">
                <thead>
                  <tr>
                    <th scope="col">Exercise</th>
                    <th scope="col">Languages</th>
                    <th scope="col">Visible tests</th>
                    <th scope="col">Hidden tests</th>
                    <th scope="col">Points</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.value.map((ex) => (
                    <tr key={ex.id} data-exercise={ex.id}>
                      <th scope="row">
                        {ex.title} <span className="muted small mono">{ex.id}</span>
                      </th>
                      <td>{ex.languages.map(languageName).join(', ')}</td>
                      <td>{ex.tests - ex.hiddenTests}</td>
                      <td>{ex.hiddenTests}</td>
                      <td>{ex.points}</td>
                      <td>
                        <button
                          type="button"
                          className="button button-small button-danger"
                          disabled={busy !== null}
                          onClick={() => setRemoving(ex)}
                          aria-label={`Remove ${ex.title}`}
                        >
                          Remove
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>

          <section className="admin-page-section" aria-labelledby="exercises-install">
            <h2 id="exercises-install">Install an exercise</h2>
            <p className="muted small" id={ids.hint}>
              Choose the exercise’s folder (it holds exercise.json and statement.md), or those two files. An exercise with the same id is replaced.
            </p>
            <div className="exercises-admin-row">
              <label htmlFor={ids.folder}>Folder</label>
              <input
                id={ids.folder}
                type="file"
                aria-describedby={ids.hint}
                {...{ webkitdirectory: '', directory: '' }}
                onChange={(e) => picked(e.currentTarget.files)}
              />
              <label htmlFor={ids.files}>Or its two files</label>
              <input id={ids.files} type="file" multiple accept=".json,.md" aria-describedby={ids.hint} onChange={(e) => picked(e.currentTarget.files)} />
              <label htmlFor={ids.id}>Exercise id</label>
              <input
                id={ids.id}
                type="text"
                value={exerciseId}
                spellCheck={false}
                aria-invalid={exerciseId !== '' && !idValid}
                onChange={(e) => setExerciseId(e.currentTarget.value)}
                placeholder="for example greet"
              />
            </div>
            {pick && !pick.ok && (
              <p className="dialog-error" role="alert">
                {pick.problem}
              </p>
            )}
            {exerciseId !== '' && !idValid && <p className="small">An exercise id is 1–64 lower-case letters, digits or dashes.</p>}
            <div>
              <button type="button" className="button button-primary" disabled={!pick?.ok || !idValid || busy !== null} onClick={() => void install()}>
                Install for {labTitle}
              </button>
            </div>
          </section>
        </div>
      </main>
      <ConfirmDialog
        open={removing !== null}
        title={`Remove ${removing?.title ?? 'the exercise'}?`}
        confirmLabel="Remove"
        danger
        onConfirm={() => removing && void remove(removing)}
        onCancel={() => setRemoving(null)}
      >
        <p>
          Students of {labTitle} will no longer see {removing?.title} ({removing?.id}) or be able to check their code against it. To bring it back, install its
          folder again.
        </p>
      </ConfirmDialog>
    </div>
  );
}

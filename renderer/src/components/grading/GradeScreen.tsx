import './grading.css';
import { useId, useState } from 'react';
import type { GradeResult, LabView } from '../../../../electron/api/contract';
import { useAdminLock, useApi } from '../../context';
import { errorMessage } from '../../errors';
import { tooLargeForBrowser, withoutOutputs } from '../../grading/gradingInput';
import { useFocusOnMount } from '../../hooks/useFocusOnMount';
import { ScreenToolbar } from '../ScreenToolbar';

interface Props {
  labs: LabView[];
  onBack(): void;
}

interface PickedFile {
  name: string;
  text: string;
}

type Outcome = { name: string; result: GradeResult; error?: undefined } | { name: string; error: string; result?: undefined };

const STATUS_WORDS: Record<GradeResult['cells'][number]['status'], string> = {
  passed: 'passed',
  error: 'failed',
  timeout: 'time limit',
  'not-run': 'not run',
};

async function read(files: FileList | null): Promise<PickedFile[]> {
  return Promise.all([...(files ?? [])].map(async (f) => ({ name: f.name, text: withoutOutputs(await f.text()) })));
}

/**
 * The instructor's Grade screen (admin): the instructor's notebook and students' submissions picked from
 * this computer, each submission graded by ClassLab (`grading:grade`: a throw-away container from the
 * lab's image, the hidden tests put back), one after the other, with the points per graded cell and why
 * a cell has none. The files are read in the page and sent without their outputs; for a folder of large
 * submissions and a CSV, `classlab grade` is the tool.
 */
export function GradeScreen({ labs, onBack }: Props) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const api = useApi();
  const { asAdmin } = useAdminLock();
  const ids = { source: useId(), submissions: useId(), lab: useId(), timeout: useId() };
  const [source, setSource] = useState<PickedFile | null>(null);
  const [submissions, setSubmissions] = useState<PickedFile[]>([]);
  /** '' : the first lab whose image has the notebook's kernel (ClassLab looks). */
  const [lab, setLab] = useState('');
  const [timeout, setTimeoutSeconds] = useState(30);
  const [outcomes, setOutcomes] = useState<Outcome[]>([]);
  const [grading, setGrading] = useState<string | null>(null);

  const grade = async (): Promise<void> => {
    if (!source) return;
    setOutcomes([]);
    for (const s of submissions) {
      setGrading(s.name);
      const tooLarge = tooLargeForBrowser(source.text, s.text, s.name);
      let outcome: Outcome;
      if (tooLarge) outcome = { name: s.name, error: tooLarge };
      else {
        try {
          const result = await asAdmin('Grading notebooks', () =>
            api.grading.grade({ lab: lab || null, source: source.text, submission: s.text, name: s.name, timeoutSeconds: timeout }),
          );
          if (!result) {
            setGrading(null);
            return;
          }
          outcome = { name: s.name, result };
        } catch (err) {
          outcome = { name: s.name, error: errorMessage(err) };
        }
      }
      setOutcomes((o) => [...o, outcome]);
    }
    setGrading(null);
  };

  const ready = source !== null && submissions.length > 0 && grading === null && timeout >= 1 && timeout <= 600;
  return (
    <div className="screen grading-screen">
      <ScreenToolbar title="Grade notebooks" headingRef={heading} onBack={onBack}>
        {grading && (
          <span className="muted small" role="status">
            <span className="spinner spinner-small" aria-hidden="true" /> Grading {grading}…
          </span>
        )}
      </ScreenToolbar>
      <main className="admin-page-main" aria-label="Grade notebooks">
        <div className="admin-page-content">
          <section className="admin-page-section" aria-labelledby="grading-what">
            <h2 id="grading-what">Notebooks</h2>
            <p className="muted small">
              The instructor’s notebook holds the solutions and the hidden tests; it stays on this computer. Each submission runs in a throw-away container from
              the lab’s image, never in a student’s lab.
            </p>
            <label htmlFor={ids.source}>Instructor’s notebook</label>
            <input id={ids.source} type="file" accept=".ipynb" onChange={(e) => void read(e.currentTarget.files).then((f) => setSource(f[0] ?? null))} />
            <label htmlFor={ids.submissions}>Submissions</label>
            <input id={ids.submissions} type="file" accept=".ipynb" multiple onChange={(e) => void read(e.currentTarget.files).then(setSubmissions)} />
            <div className="grading-options">
              <label htmlFor={ids.lab}>Lab</label>
              <select id={ids.lab} value={lab} onChange={(e) => setLab(e.currentTarget.value)}>
                <option value="">The first lab with the notebook’s kernel</option>
                {labs.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.title}
                  </option>
                ))}
              </select>
              <label htmlFor={ids.timeout}>Time limit per cell (seconds)</label>
              <input
                id={ids.timeout}
                type="number"
                min={1}
                max={600}
                value={timeout}
                onChange={(e) => setTimeoutSeconds(Math.round(Number(e.currentTarget.value)))}
              />
            </div>
            <div>
              <button type="button" className="button button-primary" disabled={!ready} onClick={() => void grade()}>
                Grade {submissions.length === 1 ? '1 submission' : `${submissions.length} submissions`}
              </button>
            </div>
          </section>
          {outcomes.map((o) => (
            <section key={o.name} className="admin-page-section" aria-label={`Grades of ${o.name}`}>
              <h2>
                {o.name}
                {o.result ? `: ${o.result.points} of ${o.result.maxPoints} points` : ': not graded'}
              </h2>
              {o.error !== undefined ? (
                <p className="dialog-error" role="alert">
                  {o.error}
                </p>
              ) : (
                <table className="grading-table">
                  <thead>
                    <tr>
                      <th scope="col">Cell</th>
                      <th scope="col">Result</th>
                      <th scope="col">Points</th>
                      <th scope="col">Why</th>
                    </tr>
                  </thead>
                  <tbody>
                    {o.result.cells.map((c) => (
                      <tr key={c.id} className={c.status === 'passed' ? 'grading-passed' : 'grading-failed'}>
                        <th scope="row">{c.id}</th>
                        <td>{STATUS_WORDS[c.status]}</td>
                        <td>
                          {c.points}/{c.maxPoints}
                        </td>
                        <td>
                          {c.reason ?? ''}
                          {c.restored ? ' (put back: the submission did not have this cell)' : ''}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          ))}
        </div>
      </main>
    </div>
  );
}

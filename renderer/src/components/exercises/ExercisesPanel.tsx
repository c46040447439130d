import { useEffect, useId, useRef, useState } from 'react';
import type { CheckResult, ExerciseView, LabView, RunLanguage, TestResult } from '../../../../electron/api/contract';
import { languageName } from '../../quickRun';
import '../../runs.css';
import './exercises.css';
import { CodeArea, LanguageSelect, OutputStream } from '../runs/CodeFields';
import { keepStored, readStored } from '../runs/drafts';
import { Markdown } from './Markdown';
import { useCheck, useExercise, useExerciseList } from './useExercises';
import { checkSummary, exerciseDraftKey, testHeading } from './words';

interface Props {
  id: string;
  lab: LabView;
}

/**
 * Beside the notebook: the lab's exercises, and one exercise — its statement, an editor with the starter
 * code, Check, and each test passed or failed with its verdict (a hidden test: its number and verdict only).
 */
export function ExercisesPanel({ id, lab }: Props) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <aside id={id} className="side-panel run-panel exercise-panel" aria-label="Exercises">
      <header className="files-header">
        <h2 className="files-title">Exercises</h2>
      </header>
      {open === null ? <ExerciseList labId={lab.id} onOpen={setOpen} /> : <ExerciseScreen labId={lab.id} exercise={open} onBack={() => setOpen(null)} />}
    </aside>
  );
}

function ExerciseList({ labId, onOpen }: { labId: string; onOpen(id: string): void }) {
  const { list, refresh } = useExerciseList(labId);
  return (
    <div className="side-panel-scroll run-scroll">
      {list.phase === 'loading' && <p className="run-status">Reading the exercises…</p>}
      {list.phase === 'failed' && (
        <p className="run-status run-failed" role="alert">
          {list.message}
        </p>
      )}
      {list.phase === 'ready' && list.value.length === 0 && (
        <p className="run-hint">No exercises are installed for this lab on this computer. Your instructor installs them (classlab exercises install).</p>
      )}
      {list.phase === 'ready' && list.value.length > 0 && (
        <ul className="exercise-list" aria-label="Exercises of this lab">
          {list.value.map((e) => (
            <li key={e.id}>
              <button type="button" className="exercise-item" onClick={() => onOpen(e.id)}>
                <strong>{e.title}</strong>
                <span className="run-figures">
                  {e.languages.map(languageName).join(', ')} · {e.tests} test{e.tests === 1 ? '' : 's'}
                  {e.hiddenTests > 0 ? ` (${e.hiddenTests} hidden)` : ''} · {e.points} point{e.points === 1 ? '' : 's'}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="run-actions">
        <button type="button" className="button button-ghost" onClick={refresh} disabled={list.phase === 'loading'}>
          Refresh
        </button>
      </div>
    </div>
  );
}

function readDraft(labId: string, ex: ExerciseView, lang: RunLanguage): string {
  return readStored(exerciseDraftKey(labId, ex.id, lang), ex.starter[lang] ?? '');
}

function ExerciseScreen({ labId, exercise, onBack }: { labId: string; exercise: string; onBack(): void }) {
  const view = useExercise(labId, exercise);
  const back = useRef<HTMLButtonElement>(null);
  useEffect(() => back.current?.focus(), []);
  return (
    <div className="side-panel-scroll run-scroll">
      <button type="button" ref={back} className="button button-ghost exercise-back" onClick={onBack}>
        <span aria-hidden="true">←</span> All exercises
      </button>
      {view.phase === 'loading' && <p className="run-status">Opening the exercise…</p>}
      {view.phase === 'failed' && (
        <p className="run-status run-failed" role="alert">
          {view.message}
        </p>
      )}
      {view.phase === 'ready' && <ExerciseWork labId={labId} ex={view.value} />}
    </div>
  );
}

function ExerciseWork({ labId, ex }: { labId: string; ex: ExerciseView }) {
  const ids = useId();
  const [lang, setLang] = useState<RunLanguage>(ex.languages[0]!);
  const [code, setCode] = useState(() => readDraft(labId, ex, ex.languages[0]!));
  const { state, check } = useCheck(labId, ex.id);
  const checking = state.phase === 'checking';
  useEffect(() => keepStored(exerciseDraftKey(labId, ex.id, lang), code), [labId, ex.id, lang, code]);
  const start = () => {
    if (!checking) void check(lang, code);
  };
  return (
    <section className="exercise-work" aria-labelledby={`${ids}-title`}>
      <h3 id={`${ids}-title`} className="exercise-title">
        {ex.title}
      </h3>
      <p className="run-figures">
        {ex.tests} test{ex.tests === 1 ? '' : 's'}
        {ex.hiddenTests > 0 ? `, ${ex.hiddenTests} hidden (you see only whether they pass)` : ''} · {ex.points} point{ex.points === 1 ? '' : 's'}
      </p>
      <section className="exercise-statement" aria-label="Statement">
        <Markdown source={ex.statement} baseLevel={4} />
      </section>
      {ex.visibleTests.length > 0 && (
        <details className="exercise-examples">
          <summary>Examples ({ex.visibleTests.length})</summary>
          {ex.visibleTests.map((t) => (
            <div key={t.number} className="exercise-example">
              <p className="run-label">
                Test {t.number}
                {t.name !== `test ${t.number}` ? ` · ${t.name}` : ''}
              </p>
              <p className="run-stream-title">Input</p>
              <pre className="run-stream">{t.stdin || '(nothing)'}</pre>
              <p className="run-stream-title">Expected output</p>
              <pre className="run-stream">{t.expected || '(nothing)'}</pre>
            </div>
          ))}
        </details>
      )}
      {ex.languages.length > 1 && (
        <>
          <label className="run-label" htmlFor={`${ids}-lang`}>
            Language
          </label>
          <LanguageSelect
            id={`${ids}-lang`}
            value={lang}
            languages={ex.languages}
            onChange={(next) => {
              setLang(next);
              setCode(readDraft(labId, ex, next));
            }}
          />
        </>
      )}
      <label className="run-label" htmlFor={`${ids}-code`}>
        Your {languageName(lang)} program
      </label>
      <CodeArea id={`${ids}-code`} rows={10} value={code} onChange={setCode} onSubmit={start} />
      <div className="run-actions">
        <button type="button" className="button button-primary" onClick={start} disabled={checking} aria-keyshortcuts="Control+Enter Meta+Enter">
          {checking ? 'Checking…' : 'Check'}
        </button>
        <button type="button" className="button button-ghost" onClick={() => setCode(ex.starter[lang] ?? '')} disabled={checking}>
          Start over
        </button>
      </div>
      <div aria-live="polite" className="run-outcome">
        {checking && (
          <p className="run-status">
            Checking {ex.tests} test{ex.tests === 1 ? '' : 's'}, each in a fresh sandbox…
          </p>
        )}
        {state.phase === 'failed' && (
          <p className="run-status run-failed" role="alert">
            {state.message}
          </p>
        )}
        {state.phase === 'done' && <CheckOutcome result={state.result} ex={ex} />}
      </div>
    </section>
  );
}

function CheckOutcome({ result, ex }: { result: CheckResult; ex: ExerciseView }) {
  return (
    <section aria-label="Check result">
      <p className={`run-verdict run-verdict-${result.passed ? 'good' : 'bad'}`}>
        <strong>{checkSummary(result)}</strong>
      </p>
      {result.compileOutput && <OutputStream title="Compiler" label="Compiler message" heading="h4" text={result.compileOutput} error />}
      <ol className="exercise-results" aria-label="Tests">
        {result.tests.map((t) => (
          <TestLine key={t.number} t={t} expected={ex.visibleTests.find((v) => v.number === t.number)?.expected ?? null} />
        ))}
      </ol>
    </section>
  );
}

function TestLine({ t, expected }: { t: TestResult; expected: string | null }) {
  const heading = testHeading(t);
  return (
    <li className={`exercise-result ${t.passed ? 'exercise-pass' : 'exercise-fail'}`}>
      <span aria-hidden="true">{t.passed ? '✓ ' : '✗ '}</span>
      {heading}
      <span className="run-figures">
        {' '}
        · {t.points}/{t.maxPoints}
      </span>
      {t.note && <p className="run-note">{t.note}</p>}
      {!t.passed && !t.hidden && t.ran && t.verdict !== 'compile-error' && (
        <details>
          <summary>What it printed</summary>
          <OutputStream heading="p" title="Output" label={`Output of test ${t.number}`} text={t.stdout || '(nothing)'} />
          {expected !== null && <OutputStream heading="p" title="Expected" label={`Expected output of test ${t.number}`} text={expected || '(nothing)'} />}
          {t.stderr && <OutputStream heading="p" title="Errors" label={`Errors of test ${t.number}`} text={t.stderr} error />}
        </details>
      )}
    </li>
  );
}

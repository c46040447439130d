import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { RUN_LANGUAGES, type LabView, type RunLanguage, type RunResult } from '../../../../electron/api/contract';
import { useQuickRun } from '../../hooks/useQuickRun';
import { draftKey, languageName, runFigures, starterCode, verdictWords } from '../../quickRun';
import '../../runs.css';

interface Props {
  id: string;
  lab: LabView;
}

function readDraft(labId: string, lang: RunLanguage): string {
  try {
    return window.localStorage.getItem(draftKey(labId, lang)) ?? starterCode(lang);
  } catch {
    return starterCode(lang);
  }
}

function keepDraft(labId: string, lang: RunLanguage, code: string): void {
  try {
    window.localStorage.setItem(draftKey(labId, lang), code);
  } catch {
    // Storage full or refused: the code stays in the box for this visit.
  }
}

/**
 * Beside the notebook: run one program in a fresh throw-away sandbox from this lab's image, with stdin,
 * and see its output and verdict. Ctrl+Enter (⌘+Enter) runs. The code is kept per lab and language.
 */
export function QuickRunPanel({ id, lab }: Props) {
  const ids = useId();
  const [lang, setLang] = useState<RunLanguage>('python');
  const [code, setCode] = useState(() => readDraft(lab.id, 'python'));
  const [stdin, setStdin] = useState('');
  const { state, run } = useQuickRun(lab.id);
  const waiting = state.phase === 'waiting';

  useEffect(() => keepDraft(lab.id, lang, code), [lab.id, lang, code]);

  const start = () => {
    if (!waiting) void run(lang, code, stdin);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      start();
    }
  };

  return (
    <aside id={id} className="run-panel" aria-label="Quick run">
      <header className="files-header">
        <h2 className="files-title">Quick run</h2>
      </header>
      <div className="run-scroll">
        <p className="run-hint">Each run starts a fresh sandbox from this lab's image: no network, no files of the lab, nothing kept.</p>
        <label className="run-label" htmlFor={`${ids}-lang`}>
          Language
        </label>
        <select
          id={`${ids}-lang`}
          className="run-select"
          value={lang}
          onChange={(e) => {
            const next = e.target.value as RunLanguage;
            setLang(next);
            setCode(readDraft(lab.id, next));
          }}
        >
          {RUN_LANGUAGES.map((l) => (
            <option key={l} value={l}>
              {languageName(l)}
            </option>
          ))}
        </select>
        <label className="run-label" htmlFor={`${ids}-code`}>
          Program
        </label>
        <textarea
          id={`${ids}-code`}
          className="run-code"
          spellCheck={false}
          autoCapitalize="off"
          autoCorrect="off"
          rows={12}
          wrap="off"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          onKeyDown={onKeyDown}
        />
        <label className="run-label" htmlFor={`${ids}-stdin`}>
          Input (stdin)
        </label>
        <textarea
          id={`${ids}-stdin`}
          className="run-code run-stdin"
          spellCheck={false}
          rows={3}
          value={stdin}
          onChange={(e) => setStdin(e.target.value)}
          onKeyDown={onKeyDown}
        />
        <div className="run-actions">
          <button type="button" className="button button-primary" onClick={start} disabled={waiting} aria-keyshortcuts="Control+Enter Meta+Enter">
            {waiting ? 'Running…' : 'Run'}
          </button>
          <button type="button" className="button button-ghost" onClick={() => setCode(starterCode(lang))} disabled={waiting}>
            Start over
          </button>
        </div>
        <div aria-live="polite" className="run-outcome">
          {state.phase === 'waiting' && <p className="run-status">{state.words}</p>}
          {state.phase === 'failed' && (
            <p className="run-status run-failed" role="alert">
              {state.message}
            </p>
          )}
          {state.phase === 'done' && <RunOutcome result={state.result} />}
        </div>
      </div>
    </aside>
  );
}

function RunOutcome({ result }: { result: RunResult }) {
  const words = verdictWords(result.verdict);
  return (
    <section aria-label="Result">
      <p className={`run-verdict run-verdict-${words.tone}`}>
        <strong>{words.label}</strong> <span className="run-figures">{runFigures(result)}</span>
      </p>
      {result.note && <p className="run-note">{result.note}</p>}
      <h3 className="run-stream-title">Output</h3>
      <pre className="run-stream" tabIndex={0} aria-label="Output">
        {result.stdout || '(nothing)'}
      </pre>
      {result.stderr && (
        <>
          <h3 className="run-stream-title">Errors</h3>
          <pre className="run-stream run-stderr" tabIndex={0} aria-label="Errors">
            {result.stderr}
          </pre>
        </>
      )}
    </section>
  );
}

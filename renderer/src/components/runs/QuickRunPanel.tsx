import { useEffect, useId, useState } from 'react';
import type { LabView, RunLanguage, RunResult } from '../../../../electron/api/contract';
import { useLabLanguages } from '../../hooks/useLabLanguages';
import { useQuickRun } from '../../hooks/useQuickRun';
import { draftKey, preferredLanguage, runFigures, starterCode, verdictWords } from '../../quickRun';
import { CodeArea, LanguageSelect, OutputStream } from './CodeFields';
import { keepStored, readStored } from './drafts';
import '../../runs.css';

interface Props {
  id: string;
  lab: LabView;
}

function readDraft(labId: string, lang: RunLanguage): string {
  return readStored(draftKey(labId, lang), starterCode(lang));
}

/**
 * Beside the notebook: run one program in a fresh throw-away sandbox from this lab's image, with stdin,
 * and see its output and verdict. Ctrl+Enter (⌘+Enter) runs. The code is kept per lab and language.
 */
export function QuickRunPanel({ id, lab }: Props) {
  const known = useLabLanguages(lab.id);
  return (
    <aside id={id} className="side-panel run-panel" aria-label="Quick run">
      <header className="files-header">
        <h2 className="files-title">Quick run</h2>
      </header>
      <div className="side-panel-scroll run-scroll">
        <p className="run-hint">Each run starts a fresh sandbox from this lab's image: no network, no files of the lab, nothing kept.</p>
        {known.phase === 'loading' && <p className="run-status">Looking at the languages of this lab's image…</p>}
        {known.phase === 'failed' && (
          <p className="run-status run-failed" role="alert">
            {known.message}
          </p>
        )}
        {known.phase === 'ready' && known.languages.length === 0 && (
          <p className="run-status" role="alert">
            This lab's image is not on this computer yet, or has none of the languages a quick run knows.
          </p>
        )}
        {known.phase === 'ready' && known.languages.length > 0 && <RunForm lab={lab} languages={known.languages} />}
      </div>
    </aside>
  );
}

/** The form once the lab's languages are known: the first is the lab's own (Python, or C in the code lab). */
function RunForm({ lab, languages }: { lab: LabView; languages: readonly RunLanguage[] }) {
  const ids = useId();
  const first = preferredLanguage(languages);
  const [lang, setLang] = useState<RunLanguage>(first);
  const [code, setCode] = useState(() => readDraft(lab.id, first));
  const [stdin, setStdin] = useState('');
  const { state, run } = useQuickRun(lab.id);
  const waiting = state.phase === 'waiting';

  useEffect(() => keepStored(draftKey(lab.id, lang), code), [lab.id, lang, code]);

  const start = () => {
    if (!waiting) void run(lang, code, stdin);
  };
  return (
    <>
      <label className="run-label" htmlFor={`${ids}-lang`}>
        Language
      </label>
      <LanguageSelect
        id={`${ids}-lang`}
        value={lang}
        languages={languages}
        onChange={(next) => {
          setLang(next);
          setCode(readDraft(lab.id, next));
        }}
      />
      <label className="run-label" htmlFor={`${ids}-code`}>
        Program
      </label>
      <CodeArea id={`${ids}-code`} rows={12} value={code} onChange={setCode} onSubmit={start} />
      <label className="run-label" htmlFor={`${ids}-stdin`}>
        Input (stdin)
      </label>
      <CodeArea id={`${ids}-stdin`} rows={3} code={false} value={stdin} onChange={setStdin} onSubmit={start} />
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
    </>
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
      <OutputStream title="Output" text={result.stdout || '(nothing)'} />
      {result.stderr && <OutputStream title="Errors" text={result.stderr} error />}
    </section>
  );
}

import type { KeyboardEvent } from 'react';
import type { RunLanguage } from '../../../../electron/api/contract';
import { languageName } from '../../quickRun';

/** The language picker of the quick-run panel and of an exercise. */
export function LanguageSelect({
  id,
  value,
  languages,
  onChange,
}: {
  id: string;
  value: RunLanguage;
  languages: readonly RunLanguage[];
  onChange(l: RunLanguage): void;
}) {
  return (
    <select id={id} className="run-select form-control" value={value} onChange={(e) => onChange(e.target.value as RunLanguage)}>
      {languages.map((l) => (
        <option key={l} value={l}>
          {languageName(l)}
        </option>
      ))}
    </select>
  );
}

/** A box for code (or a program's input): no spelling help, long lines kept, Ctrl+Enter (⌘+Enter) submits. */
export function CodeArea({
  id,
  value,
  rows,
  code = true,
  onChange,
  onSubmit,
}: {
  id: string;
  value: string;
  rows: number;
  /** false for stdin: lines wrap. */
  code?: boolean;
  onChange(v: string): void;
  onSubmit(): void;
}) {
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      onSubmit();
    }
  };
  return (
    <textarea
      id={id}
      className={code ? 'run-code' : 'run-code run-stdin'}
      spellCheck={false}
      autoCapitalize="off"
      autoCorrect="off"
      wrap={code ? 'off' : undefined}
      rows={rows}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      onKeyDown={onKeyDown}
    />
  );
}

/** A program's output, or a compiler's message, under its title: keyboard-scrollable, named for screen readers. */
export function OutputStream({
  title,
  text,
  label = title,
  error = false,
  heading = 'h3',
}: {
  title: string;
  text: string;
  label?: string;
  error?: boolean;
  heading?: 'h3' | 'h4' | 'p';
}) {
  const Title = heading;
  return (
    <>
      <Title className="run-stream-title">{title}</Title>
      <pre className={error ? 'run-stream run-stderr' : 'run-stream'} tabIndex={0} aria-label={label}>
        {text}
      </pre>
    </>
  );
}

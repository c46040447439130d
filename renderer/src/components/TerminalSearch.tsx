import { useEffect, useRef, useState } from 'react';

interface Props {
  /** Changes whenever the search should take the focus again (a shortcut, the Search button). */
  focusToken: number;
  results: { index: number; count: number } | null;
  onFind(text: string, direction: 'next' | 'previous' | 'incremental'): void;
  onClose(): void;
}

/** The terminal's search box: Enter finds the next match, Shift+Enter the previous, Escape closes. */
export function TerminalSearch({ focusToken, results, onFind, onClose }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, [focusToken]);

  let status = '';
  if (text && results)
    status = results.count === 0 ? 'No matches' : results.index >= 0 ? `${results.index + 1} of ${results.count}` : `${results.count} matches`;

  return (
    <div className="terminal-search" role="search">
      <input
        ref={input}
        type="text"
        className="terminal-search-input"
        aria-label="Search the terminal"
        placeholder="Search"
        value={text}
        spellCheck={false}
        onChange={(e) => {
          setText(e.target.value);
          onFind(e.target.value, 'incremental');
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            onFind(text, e.shiftKey ? 'previous' : 'next');
          } else if (e.key === 'Escape') {
            e.preventDefault();
            onClose();
          }
        }}
      />
      <span className="terminal-search-status" aria-live="polite">
        {status}
      </span>
      <button
        type="button"
        className="icon-button icon-button-small"
        aria-label="Previous match"
        title="Previous match (Shift+Enter)"
        disabled={!text}
        onClick={() => onFind(text, 'previous')}
      >
        <span aria-hidden="true">↑</span>
      </button>
      <button
        type="button"
        className="icon-button icon-button-small"
        aria-label="Next match"
        title="Next match (Enter)"
        disabled={!text}
        onClick={() => onFind(text, 'next')}
      >
        <span aria-hidden="true">↓</span>
      </button>
      <button type="button" className="icon-button icon-button-small" aria-label="Close search" title="Close search (Escape)" onClick={onClose}>
        <span aria-hidden="true">×</span>
      </button>
    </div>
  );
}
